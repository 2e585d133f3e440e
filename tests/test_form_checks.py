"""Cross-field checks (``x-checks``): a false test is a 422 on the named fields and changes nothing; a test
naming an absent value is skipped; a check may compare with an earlier step's value and with ``rules``;
deployment refuses checks that do not compile, name no form field or have no Chinese message."""

from __future__ import annotations

import json
from typing import Any

from tests.case_helpers import complete_ok, multipart, start_ok
from tests.model_builder import chain, files, form_link, model, user_task
from tests.support import ApiClient


def _form(title: str, props: dict[str, Any], checks: list[dict[str, Any]] | None = None,
          required: list[str] | None = None) -> bytes:
    doc: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title,
                           "type": "object", "properties": props, "additionalProperties": False}
    if required:
        doc["required"] = required
    if checks is not None:
        doc["x-checks"] = checks
    return json.dumps(doc, ensure_ascii=False).encode()


NUM = {"type": "integer", "minimum": 0}
START_FORM = _form("发起", {"registered": {**NUM, "title": "登记选民数"}, "quorum": {**NUM, "title": "法定人数"}},
                   [{"test": "quorum <= registered", "fields": ["quorum"], "message": "法定人数不能超过登记选民数"}],
                   required=["registered"])
MEETING_FORM = _form("户代表会议", {
    "attendees": {**NUM, "title": "到会人数"}, "votes_for": {**NUM, "title": "赞成票数"},
    "abstain": {**NUM, "title": "弃权票数"}}, [
    {"test": "votes_for <= attendees", "fields": ["votes_for"], "message": "赞成票数不能超过到会人数"},
    {"test": "attendees <= registered", "fields": ["attendees"], "message": "到会人数不能超过登记选民数"},
    {"test": "votes_for + abstain <= attendees", "fields": ["votes_for", "abstain"],
     "message": "赞成票与弃权票合计不能超过到会人数"},
    {"test": "attendees * 100 >= rules['min_turnout_pct'] * registered", "fields": ["attendees"],
     "message": "到会人数未达到规定比例"},
], required=["attendees", "votes_for"])
FORMS = {"start.schema.json": START_FORM, "meeting.schema.json": MEETING_FORM}
BPMN = model("checked_vote", (
    f'<bpmn:startEvent id="start" name="发起">{form_link("start.schema.json")}</bpmn:startEvent>'
    '<bpmn:scriptTask id="set_rules" name="设置规则"><bpmn:script>rules = {"min_turnout_pct": 50}</bpmn:script>'
    '</bpmn:scriptTask>'
    + user_task("meeting", "召开会议", "meeting.schema.json")
    + '<bpmn:endEvent id="end" name="完成" />'
    + chain("start", "set_rules", "meeting", "end")),
    {"street_office": ["start", "set_rules", "meeting", "end"]})


def _deploy(api: ApiClient, bpmn: bytes, forms: dict[str, bytes]) -> Any:
    return multipart(api, "/process-definitions", "owner", files(bpmn, forms, key="checked_vote"))


def _details(response: Any) -> dict[str, str]:
    return {d["path"]: d["message"] for d in response.get_json()["error"]["details"]}


def test_a_check_that_fails_is_a_422_on_its_fields_and_changes_nothing(api: ApiClient) -> None:
    assert _deploy(api, BPMN, FORMS).status_code == 201
    case = start_ok(api, "street_a", "checked_vote", {"registered": 100})
    task = api.open_task(case["id"], "meeting", "street_a")
    before = api.get(f"/process-instances/{case['id']}", as_user="street_a").get_json()

    response = api.complete(task["id"], "street_a", {"attendees": 60, "votes_for": 61})
    assert response.status_code == 422
    assert _details(response) == {"votes_for": "赞成票数不能超过到会人数"}
    # compared with the start form's value (an earlier step) and with two fields at once
    response = api.complete(task["id"], "street_a", {"attendees": 101, "votes_for": 90, "abstain": 20})
    assert _details(response) == {"attendees": "到会人数不能超过登记选民数",
                                  "votes_for": "赞成票与弃权票合计不能超过到会人数",
                                  "abstain": "赞成票与弃权票合计不能超过到会人数"}
    # with the rule value of the case
    response = api.complete(task["id"], "street_a", {"attendees": 49, "votes_for": 40})
    assert _details(response) == {"attendees": "到会人数未达到规定比例"}
    after = api.get(f"/process-instances/{case['id']}", as_user="street_a").get_json()
    assert after["data"] == before["data"] and after["active_tasks"] == before["active_tasks"]

    # the boundary holds (equal is allowed), and the optional abstain left out skips its check
    complete_ok(api, case["id"], "meeting", "street_a", {"attendees": 50, "votes_for": 50})
    assert api.get(f"/process-instances/{case['id']}", as_user="street_a").get_json()["status"] == "completed"


def test_start_forms_are_checked_and_an_absent_optional_value_skips_the_check(api: ApiClient) -> None:
    assert _deploy(api, BPMN, FORMS).status_code == 201
    response = api.start("street_a", "checked_vote", {"registered": 10, "quorum": 11})
    assert response.status_code == 422
    assert _details(response) == {"quorum": "法定人数不能超过登记选民数"}
    start_ok(api, "street_a", "checked_vote", {"registered": 10})
    start_ok(api, "street_a", "checked_vote", {"registered": 10, "quorum": 10})


def test_deployment_refuses_checks_it_cannot_run(api: ApiClient) -> None:
    bad = _form("户代表会议", {"attendees": {**NUM, "title": "到会人数"}}, [
        {"test": "attendees <=", "fields": ["attendees"], "message": "到会人数有误"},
        {"test": "attendees > 0", "fields": ["nobody"], "message": "到会人数有误"},
        {"test": "__import__('os')", "fields": ["attendees"], "message": "到会人数有误"},
        {"test": "attendees > 0", "fields": ["attendees"], "message": "too many"},
    ])
    response = _deploy(api, BPMN, {**FORMS, "meeting.schema.json": bad})
    assert response.status_code == 422
    messages = [d["message"] for d in response.get_json()["error"]["details"]
                if d["path"] == "meeting.schema.json"]
    assert any("第 1 项" in m and "无法编译" in m for m in messages), messages
    assert any("第 2 项" in m and "nobody" in m for m in messages), messages
    assert any("第 3 项" in m for m in messages), messages
    assert any("第 4 项" in m and "中文提示" in m for m in messages), messages
    assert len(messages) == 4
    not_a_list = _form("户代表会议", {"attendees": {**NUM, "title": "到会人数"}})
    doc = json.loads(not_a_list)
    doc["x-checks"] = {"test": "True"}
    response = _deploy(api, BPMN, {**FORMS, "meeting.schema.json": json.dumps(doc).encode()})
    assert "须为列表" in _details(response)["meeting.schema.json"]
