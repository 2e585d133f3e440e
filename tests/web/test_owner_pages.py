"""A process owner edits the latest version in the modeler, meets a server validation problem, and deploys."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.web.conftest import ConsoleWatch, LiveServer, login, shot

START = {"item_title": "学生近视筛查台账", "applicant_department": "沣西新城教育局"}
NEW_NAME = "填报准入事项（新版）"


def test_owner_renames_a_task_and_deploys_a_version_that_new_cases_use(page: Page, live_server: LiveServer,
                                                                        console: ConsoleWatch) -> None:
    console.allow(r"status of 422 .*/process-definitions/validate")  # the broken form, on purpose
    api = live_server.api
    before = api.start("department", "community_access", START).get_json()

    login(page, live_server, "owner")
    page.goto(f"{live_server.url}/definitions")
    page.locator("tr[data-key=community_access]").get_by_role("link", name="编辑并部署").click()
    expect(page.locator("#canvas[data-ready]")).to_be_attached()
    # lanes keep their role id (what is saved); a badge beside each shows the role's Chinese name
    expect(page.locator(".djs-element[data-element-id=Lane_department] .djs-label")).to_have_text("department")
    expect(page.locator(".lane-role[data-role=department]")).to_have_text("区直职能部门")
    expect(page.locator(".lane-role[data-role=department]")).to_be_visible()  # not under the palette

    # the task's form, edited as JSON with a live preview; a broken schema is reported on the task
    page.click(".djs-element[data-element-id=apply]")
    schema_box = page.locator("textarea[data-file='apply.schema.json']")
    original = schema_box.input_value()
    schema_box.fill(original.replace('"type": "object"', '"type": "objekt"', 1))
    page.click("#validate")
    expect(page.locator("#modeler-status")).to_contain_text("校验未通过")
    expect(page.locator(".djs-element[data-element-id=apply].has-problem")).to_be_attached()
    expect(page.locator("#problems")).to_contain_text("apply.schema.json")
    expect(page.locator("#problems")).to_contain_text("不是 JSON Schema 的类型")
    # the preview names what the renderer cannot show, as the server does
    expect(page.locator("#form-preview .form-problems")).to_contain_text('表单的根必须是 "type": "object"')
    shot(page, "owner-1-problem")
    schema_box.fill(original)
    expect(page.locator("#form-preview")).to_contain_text("事项类别")
    page.click("#validate")
    expect(page.locator("#modeler-status")).to_contain_text("校验通过")
    expect(page.locator(".has-problem")).to_have_count(0)

    # rename the task in the properties panel and deploy a new version
    name_box = page.locator("#bio-properties-panel-name")
    name_box.fill(NEW_NAME)
    expect(page.locator(".djs-element[data-element-id=apply] .djs-label")).to_contain_text("新版")
    with page.expect_response(re.compile(r"/api/v1/process-definitions$")) as deployed:
        page.click("#deploy")
    assert deployed.value.status == 201
    expect(page.locator("#modeler-status")).to_contain_text("已部署为第 2 版")
    shot(page, "owner-2-deployed")

    # the palette, context pad, replace menu and properties panel asked for no string without Chinese
    for element in ("precheck_gateway", "Flow_precheck_pass", "end_admitted", "set_rules", "apply"):
        page.locator(f".djs-element[data-element-id={element}]").first.click(force=True)
        expect(page.locator(".bio-properties-panel-header-type")).not_to_be_empty()
    page.locator(".djs-context-pad .entry[data-action=replace]").click()
    expect(page.locator(".djs-popup")).to_contain_text("服务任务")
    page.keyboard.press("Escape")
    assert page.evaluate("() => [...window.untranslatedStrings]") == []

    # new cases run on version 2 with the new name; the case started before keeps version 1
    after = api.start("department", "community_access", START).get_json()
    assert after["definition_version"] == 2
    assert [t["name"] for t in after["active_tasks"]] == [NEW_NAME]
    old = api.get(f"/process-instances/{before['id']}", as_user="department").get_json()
    assert old["definition_version"] == 1
    assert [t["name"] for t in old["active_tasks"]] == ["填报准入事项（内容、对象、权限、时限、经费）"]

    # every version opens read-only
    page.goto(f"{live_server.url}/definitions")
    page.locator("tr[data-key=community_access]").get_by_role("button", name="查看全部版本").click()
    page.locator("a[data-version='1']").click()
    expect(page.locator("#diagram[data-ready]")).to_be_attached()
    expect(page.locator("h1")).to_have_text("社区事务准入 · 第 1 版（只读）")
    expect(page.locator(".djs-element[data-element-id=apply] .djs-label")).to_contain_text("填报准入事项")
    lane = page.locator(".djs-element[data-element-id=Lane_leadership_group] .djs-label")
    expect(lane).to_have_text("社区建设领导小组")
    expect(page.locator(".djs-palette")).to_have_count(0)
