"""Every form of every procedure renders with a proper widget for each field, in the real renderer bundle.

The modeler's preview is the renderer the task page uses. For each start form and user-task form of the
four procedures, the test checks the controls of the fields shown (radio buttons or a select with the
choices' Chinese titles, number and date inputs, textareas, check boxes, file fields, lists with their
buttons, Chinese labels, nothing "unsupported"), then enters each submission the procedure's scenarios
send (features/*.feature) through those widgets alone and expects the preview to produce exactly that
data: conditional fields appear when their condition holds, and hidden ones are not submitted. Every
field, conditional or not, must have been shown at least once.

The shared yardstick tests/data/form_render_cases.json is rendered too: what the server accepts renders
with the listed widgets, what it refuses the renderer names with the server's own message.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from engine.forms.render_check import Field, analyse_form
from tests.web.conftest import ARTIFACTS, LiveServer, login, shot
from tests.web.form_samples import PROCEDURES, ProcedureForm, procedure_forms

CASES = json.loads((Path(__file__).resolve().parents[1] / "data" / "form_render_cases.json").read_text("utf-8"))
CJK = re.compile(r"[\u4e00-\u9fff]")
BROKEN = ("不受支持", "未知的字段类型", "无法显示", "Unsupported", "undefined")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def snap(locator: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def control(page: Page, f: Field) -> Any:
    """The element that shows the field (present only while the field is shown)."""
    name = f"root_{f.path}"
    if (f.kind in ("choice", "boolean") and f.widget == "radio") or (f.kind == "multichoice"
                                                                   and f.widget == "checkboxes"):
        return page.locator(f"#{name}-0")
    if f.kind in ("attachment", "attachments"):
        return page.locator(f"#{name}__files")
    if f.kind == "list":
        return page.locator(f"#{name}__add")
    if f.kind == "object":
        return page.locator(f"fieldset#{name}")
    return page.locator(f"#{name}")


def check_field(page: Page, preview: Any, f: Field) -> None:
    """The field has the control its kind calls for, labelled with its Chinese title."""
    name = f"root_{f.path}"
    where = f"{f.path}（{f.title}）"
    assert CJK.search(f.title), f"{where}: the label is not Chinese"
    if f.kind == "confirm":
        expect(preview.locator(f"input#{name}[type=checkbox]"), where).to_have_count(1)
        expect(preview.locator(f"label:has(#{name})"), where).to_contain_text(f.title)
        return
    heading = f"#{name}__title" if f.kind in ("list", "object") else f"label.control-label[for={name}]"
    expect(preview.locator(heading), where).to_contain_text(f.title)
    if f.kind in ("choice", "boolean", "multichoice"):
        titles = [t for _, t in f.options] if f.kind != "boolean" else ["是", "否"]
        if f.widget in ("radio", "checkboxes"):
            kind = "radio" if f.widget == "radio" else "checkbox"
            inputs = preview.locator(f"input[type={kind}][name={name}]")
            expect(inputs, where).to_have_count(len(titles))
            for index, title in enumerate(titles):
                expect(preview.locator(f"label:has(#{name}-{index})"), where).to_have_text(title)
        else:
            options = preview.locator(f"select#{name} option")
            shown = [t.strip() for t in options.all_inner_texts() if t.strip() and t.strip() != "请选择…"]
            assert shown == titles, where
        return
    expected = {
        "text": f"input#{name}[type=text]", "textarea": f"textarea#{name}", "number": f"input#{name}[type=number]",
        "date": f".date-input input#{name}[type=text][placeholder=YYYY-MM-DD]",
        "attachment": f"[data-widget=attachment]#{name}__files",
        "attachments": f"[data-widget=attachments]#{name}__files",
        "list": f"button#{name}__add", "object": f"fieldset#{name}",
    }
    selector = expected.get(f.widget if f.kind == "text" else f.kind)
    assert selector, f"{where}: no expectation for {f.kind}/{f.widget}"
    expect(preview.locator(selector), where).to_have_count(1)
    if f.kind == "list":
        expect(preview.locator(selector), where).to_have_text("＋ 添加一项")


def set_value(page: Page, f: Field, value: Any) -> None:
    """Enter a value through the field's widget, as a clerk would."""
    name = f"root_{f.path}"
    if f.kind == "choice" and f.widget == "radio":
        page.locator(f"#{name}-{[v for v, _ in f.options].index(value)}").check()
    elif f.kind == "choice":
        page.locator(f"#{name}").select_option(label=dict(f.options)[value])
    elif f.kind == "boolean":
        page.locator(f"#{name}-{0 if value else 1}").check()
    elif f.kind == "confirm":
        assert value is True, f.path
        page.locator(f"#{name}").check()
    elif f.kind == "multichoice":
        values = [v for v, _ in f.options]
        for item in value:
            page.locator(f"#{name}-{values.index(item)}").check()
    elif f.kind == "list":  # a required list comes with its first rows
        for index, item in enumerate(value):
            if not page.locator(f"#{name}_{index}").count():
                page.locator(f"#{name}__add").click()
            page.locator(f"#{name}_{index}").fill(str(item))
    elif f.kind == "date":
        page.locator(f"#{name}").fill(str(value))
        page.locator(f"#{name}").press("Tab")
    else:
        assert f.kind in ("text", "number"), f"no way to enter {f.kind} {f.path}"
        page.locator(f"#{name}").fill(str(value))


def no_broken_text(preview: Any, where: str) -> None:
    text = preview.inner_text()
    for word in BROKEN:
        assert word not in text, f"{where}: the form shows {word!r}: {text[:400]}"


def open_form(page: Page, element: str) -> Any:
    """Select the element in the modeler and return the form preview."""
    # a DOM click on the shape itself: overlays (lane names, the context pad) may lie over its centre
    page.locator(f".djs-element[data-element-id={element}] .djs-hit").first.dispatch_event("click")
    expect(page.locator("#bio-properties-panel-id")).to_have_value(element)
    preview = page.locator("#form-preview")
    expect(preview.locator("form.rjsf")).to_be_visible()
    return preview


def fill_and_preview(page: Page, form: ProcedureForm, sample: dict[str, Any], seen: set[str]) -> None:
    where = f"{form.key}/{form.element}"
    page.click("#preview-reset")
    preview = page.locator("#form-preview")
    # the preview has no case to upload to: a paper the scenario uploads is left out, and the preview must
    # then refuse the form for that paper alone
    papers = [f for f in form.fields if f.path in sample and f.kind in ("attachment", "attachments")]
    pending = [f for f in form.fields if f.path in sample and f not in papers]
    unknown = set(sample) - {f.path for f in form.fields}
    assert not unknown, f"{where}: the sample has fields the form has not: {unknown}"
    for _ in range(len(pending) + 1):
        shown = [f for f in pending if control(page, f).count()]
        if not shown:
            break
        for f in shown:
            check_field(page, preview, f)
            seen.add(f.path)
            set_value(page, f, sample[f.path])
            pending.remove(f)
    assert not pending, f"{where}: fields with a value in {sample} never showed: {[f.path for f in pending]}"
    for f in form.fields:  # every field shown now has its proper control
        if control(page, f).count():
            check_field(page, preview, f)
            seen.add(f.path)
    no_broken_text(preview, where)
    page.locator("#form-preview button[type=submit]").click()
    result = page.locator("#preview-data")
    if papers:
        expect(result).to_have_count(0)
        for f in papers:
            expect(preview.locator(".form-group.has-error", has=page.locator(f"[id='root_{f.path}__files']"))
                   ).to_have_count(1)
        return
    if not result.count():
        errors = page.locator("#form-preview .error-detail, #form-preview .form-errors").all_inner_texts()
        bad = preview.locator(".form-group.has-error")
        bad_papers = preview.locator(".form-group.has-error:has([data-widget^=attachment])")
        if sample in form.without_papers and bad.count() and bad.count() == bad_papers.count():
            return  # only the papers the preview cannot upload are missing
        pytest.fail(f"{where}: the preview refused {sample}: {errors}")
    assert json.loads(result.inner_text()) == sample, where


@pytest.mark.parametrize("key", PROCEDURES)
def test_every_form_of_the_procedure_renders_and_produces_its_scenarios_data(
        page: Page, live_server: LiveServer, key: str) -> None:
    login(page, live_server, "owner")
    page.goto(f"{live_server.url}/modeler/{key}")
    expect(page.locator("#canvas[data-ready]")).to_be_attached()
    never_shown: list[str] = []
    for form in procedure_forms(key):
        preview = open_form(page, form.element)
        where = f"{key}/{form.element}"
        expect(page.locator("#form-editor h2")).to_contain_text("环节表单")
        no_broken_text(preview, where)
        seen: set[str] = set()
        for f in form.fields:
            if control(page, f).count():
                check_field(page, preview, f)
                seen.add(f.path)
            else:
                assert f.conditional, f"{where}: {f.path}（{f.title}） is not conditional but not shown"
        if form.element in ("gatekeep_review", "draft_plan", "check_eligibility", "hold_meeting", "urban_treatment"):
            snap(page.locator("#form-editor"), f"form-{key}-{form.element}")
        for sample in form.distinct_samples():
            fill_and_preview(page, form, sample, seen)
        never_shown += [f"{where}:{f.path}" for f in form.fields if f.path not in seen]
    # a conditional field no scenario fills is still shown by some condition of the scenarios' data
    assert never_shown == [], f"fields never shown: {never_shown}"


def load_case(page: Page, case: dict[str, Any]) -> Any:
    """Put a form into the modeler's form editor (on 民政局扎口审核) and return its preview."""
    page.locator("textarea[data-file='gatekeep_review.uischema.json']").fill(json.dumps(case["ui"], ensure_ascii=False))
    page.locator("textarea[data-file='gatekeep_review.schema.json']").fill(
        json.dumps(case["schema"], ensure_ascii=False))
    return page.locator("#form-preview")


def test_the_renderer_agrees_with_the_server_on_what_renders(page: Page, live_server: LiveServer) -> None:
    login(page, live_server, "owner")
    page.goto(f"{live_server.url}/modeler/community_access")
    expect(page.locator("#canvas[data-ready]")).to_be_attached()
    open_form(page, "gatekeep_review")
    for case in CASES["renders"]:
        preview = load_case(page, case)
        expect(preview.locator("form.rjsf")).to_be_visible()
        expect(preview.locator(".form-problems"), case["name"]).to_have_count(0)
        no_broken_text(preview, case["name"])
        for f in analyse_form(case["schema"], case["ui"]).fields:
            if "/" in f.path or f.path.endswith("[]") or f.conditional:
                continue
            check_field(page, preview, f)
    for case in CASES["refused"]:
        preview = load_case(page, case)
        problems = preview.locator(".form-problems li")
        expect(problems, case["name"]).to_have_text([p["message"] for p in case["problems"]])
    snap(page.locator("#form-editor"), "form-refused-by-renderer")


def test_a_conditional_field_shows_only_while_its_condition_holds(page: Page, live_server: LiveServer) -> None:
    login(page, live_server, "owner")
    page.goto(f"{live_server.url}/modeler/community_access")
    expect(page.locator("#canvas[data-ready]")).to_be_attached()
    preview = open_form(page, "gatekeep_review")
    requirements = preview.locator("#root_supplement_requirements")
    expect(requirements).to_have_count(0)
    preview.get_by_label("退回部门补正").check()
    expect(preview.locator("label[for=root_supplement_requirements]")).to_have_text("补正要求*")
    requirements.fill("请补充经费来源文件")
    preview.get_by_label("受理，报领导小组审批").check()
    expect(requirements).to_have_count(0)
    preview.get_by_label("退回部门补正").check()
    expect(requirements).to_have_value("请补充经费来源文件")  # what was typed comes back with the field
    preview.get_by_label("不予准入").check()
    expect(preview.locator("#root_reject_reason")).to_be_visible()
    preview.locator("#root_elements_complete-0").check()
    preview.locator("#root_funding_verified-1").check()
    preview.locator("#root_gatekeep_opinion").fill("不属于社区职责")
    preview.locator("#root_reject_reason").fill("属部门自身职责")
    page.locator("#form-preview button[type=submit]").click()
    assert json.loads(page.locator("#preview-data").inner_text()) == {
        "gatekeep_decision": "reject", "elements_complete": True, "funding_verified": False,
        "gatekeep_opinion": "不属于社区职责", "reject_reason": "属部门自身职责"}  # no 补正要求: it is hidden
    # a date typed as 2026/1/5 is kept as 2026-01-05
    preview = open_form(page, "publish_list")
    preview.locator("#root_publish_date").fill("2026/1/5")
    preview.locator("#root_publish_date").press("Tab")
    expect(preview.locator("#root_publish_date")).to_have_value("2026-01-05")


def test_a_file_field_uploads_to_the_case_and_submits_the_attachment(page: Page, live_server: LiveServer,
                                                                      tmp_path: Path) -> None:
    api = live_server.api
    case = api.start("department", "community_access", {"item_title": "学生近视筛查台账",
                                                        "applicant_department": "沣西新城教育局"}).get_json()
    task = api.open_task(case["id"], "apply", "department")
    login(page, live_server, "department", then=f"/tasks/{task['id']}")
    expect(page.locator("#root_application_files__files")).to_contain_text("尚未选择文件")
    upload = tmp_path / "事项说明.pdf"
    upload.write_bytes(PDF)
    page.locator("#root_application_files").set_input_files(str(upload))
    expect(page.locator("#root_application_files__files li[data-attachment-id]")).to_have_text(
        re.compile("事项说明.pdf"))
    second = tmp_path / "经费文件.pdf"
    second.write_bytes(PDF)
    page.locator("#root_application_files").set_input_files(str(second))
    expect(page.locator("#root_application_files__files li[data-attachment-id]")).to_have_count(2)
    kept = page.locator("#root_application_files__files li", has_text="经费文件.pdf")
    kept.get_by_role("button", name="移除").click()
    expect(page.locator("#root_application_files__files li[data-attachment-id]")).to_have_count(1)
    shot(page, "form-file-field")
    for name, value in {"item_content": "协助开展学生视力筛查并建立台账", "target_group": "辖区中小学生",
                        "authority_scope": "受区教育局委托组织筛查", "time_limit_months": "12",
                        "time_limit_desc": "2027年全年", "funding_amount": "30000"}.items():
        page.locator(f"#root_{name}").fill(value)
    page.get_by_label("工作事项").check()
    page.get_by_label("区级财政专项资金").check()
    page.get_by_label("电子化台账").check()
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#next-step")).to_contain_text("办件已送往")
    files = api.get(f"/process-instances/{case['id']}/attachments", as_user="department").get_json()
    assert [f["filename"] for f in files] == ["事项说明.pdf", "经费文件.pdf"]  # both uploaded to the case
    data = api.get(f"/process-instances/{case['id']}", as_user="department").get_json()["data"]
    assert data["application_files"] == [files[0]["id"]]  # the form names the one kept
