"""The task page with the shared form mechanisms: an organisation field (x-org-level) as a multi-select of
units by name, a label showing the case's rule value ({rules.NAME}), and a cross-field check (x-checks)
refused by the server and shown on its field; the start dialog offers villages only for 撤村建居."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from tests.case_helpers import multipart, start_ok
from tests.model_builder import chain, files, model, user_task
from tests.web.conftest import ConsoleWatch, LiveServer, login, shot

MEETING = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "联席会议（到会须达{rules.turnout_pct}%）",
    "type": "object", "required": ["villages", "attendees", "votes_for"],
    "properties": {
        "villages": {"type": "array", "title": "参会各村", "uniqueItems": True, "minItems": 1,
                     "items": {"type": "string", "x-org-level": ["village"]}},
        "attendees": {"type": "integer", "title": "到会人数", "minimum": 0},
        "votes_for": {"type": "integer", "title": "赞成票数", "minimum": 0},
    },
    "additionalProperties": False,
    "x-checks": [{"test": "votes_for <= attendees", "fields": ["votes_for"], "message": "赞成票数不能超过到会人数"}],
}
BPMN = model("joint_meeting", (
    '<bpmn:startEvent id="start" name="发起" />'
    '<bpmn:scriptTask id="set_rules" name="设置规则"><bpmn:script>rules = {"turnout_pct": 50}</bpmn:script>'
    '</bpmn:scriptTask>'
    + user_task("meeting", "召开联席会议", "meeting.schema.json")
    + '<bpmn:endEvent id="end" name="完成" />' + chain("start", "set_rules", "meeting", "end")),
    {"civil_affairs": ["start", "set_rules", "meeting", "end"]})


def test_org_choices_rule_labels_and_a_cross_field_check_on_the_task_page(page: Page, live_server: LiveServer,
                                                                          console: ConsoleWatch) -> None:
    console.allow(r"status of 422 .*/tasks/\d+/complete")  # the server's refusal, provoked below
    api = live_server.api
    forms = {"meeting.schema.json": json.dumps(MEETING, ensure_ascii=False).encode()}
    assert multipart(api, "/process-definitions", "owner", files(BPMN, forms, key="joint_meeting")).status_code == 201
    case = start_ok(api, "civil_affairs", "joint_meeting", {})
    task = api.open_task(case["id"], "meeting", "civil_affairs")

    login(page, live_server, "civil_affairs", then=f"/tasks/{task['id']}")
    expect(page.locator("#task-form h2")).to_contain_text("联席会议（到会须达50%）")
    select = page.locator("#root_villages")
    expect(select.locator("option")).to_have_text(["甲街道东村", "乙街道西村"])
    select.select_option(label=["甲街道东村", "乙街道西村"])
    page.locator("#root_attendees").fill("10")
    page.locator("#root_votes_for").fill("11")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#task-form")).to_contain_text("赞成票数不能超过到会人数")
    shot(page, "form-cross-field-check")
    assert api.get(f"/process-instances/{case['id']}", as_user="admin").get_json()["status"] == "running"

    page.locator("#root_votes_for").fill("10")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#next-step")).to_contain_text(re.compile("办结|已提交"))
    data = api.get(f"/process-instances/{case['id']}", as_user="admin").get_json()["data"]
    assert data["villages"] == ["village_a1", "village_b1"] and data["votes_for"] == 10


def test_the_start_dialog_offers_the_villages_of_the_clerks_street_only(page: Page, live_server: LiveServer) -> None:
    login(page, live_server, "street_a")
    page.click("button[data-start=village_to_community]")
    options = page.locator("#start #root_subject_org option")
    expect(options).to_have_text(["请选择…", "甲街道东村"])
