"""A process owner sets a 承诺时限 and a 环节时限 in the modeler's properties panel (group 办理时限) and
deploys: the new version carries them, and a new case has the deadline they give."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.web.conftest import LiveServer, login, shot

START = {"item_title": "学生近视筛查台账", "applicant_department": "沣西新城教育局"}


def test_owner_sets_time_limits_in_the_properties_panel(page: Page, live_server: LiveServer) -> None:
    login(page, live_server, "owner")
    page.goto(f"{live_server.url}/modeler/community_access")
    expect(page.locator("#canvas[data-ready]")).to_be_attached()

    # the participant's name band on its left (lanes cover the rest of it) selects the process
    box = page.locator(".djs-element[data-element-id=Participant_community_access]").first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 12, box["y"] + box["height"] / 2)
    expect(page.locator(".bio-properties-panel-header-type")).to_contain_text("参与者")
    page.locator(".bio-properties-panel-group-header", has_text="办理时限").click()
    promised = page.locator("#bio-properties-panel-time-limit-promisedLimit")
    expect(promised).to_have_value("20")  # as the model carries it
    promised.fill("15")
    promised.press("Tab")

    page.locator(".djs-element[data-element-id=gatekeep_review] .djs-hit").first.click(force=True)
    expect(page.locator(".bio-properties-panel-header-type")).to_contain_text("用户任务")
    task_limit = page.locator("#bio-properties-panel-time-limit-taskLimit")
    if not task_limit.is_visible():  # the panel keeps a group open from one element to the next
        page.locator(".bio-properties-panel-group-header", has_text="办理时限").click()
    task_limit.fill("3")
    shot(page, "owner-limits-panel")
    with page.expect_response(re.compile(r"/api/v1/process-definitions$")) as deployed:
        page.click("#deploy")
    assert deployed.value.status == 201, deployed.value.text()

    api = live_server.api
    version = deployed.value.json()["version"]
    xml = api.get(f"/process-definitions/community_access/versions/{version}/xml", as_user="owner").get_data(
        as_text=True)
    assert 'name="promisedLimit" value="15"' in xml and 'name="taskLimit" value="3"' in xml
    case = api.start("department", "community_access", START).get_json()
    deadlines = api.get(f"/process-instances/{case['id']}/deadlines", as_user="admin").get_json()
    assert [(d["kind"], d["amount"]) for d in deadlines] == [("promised", 15)]
