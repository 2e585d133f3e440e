"""GET /process-instances/{id}/steps and the task view that embeds it: the submissions step by step,
in the order they happened, with rounds after a return, labelled by the forms; visible to whoever may see
the case."""

from __future__ import annotations

import json
from typing import Any

from engine.read.field_display import display_value, field_order
from tests.case_helpers import VILLAGE_START, multipart, start_ok
from tests.hostile_support import LOOP_BPMN, LOOP_FORMS
from tests.support import ApiClient
from tests.workbench_support import WALK, display_name, ok, walk_case


def steps_of(api: ApiClient, case_id: int, user: str = "auditor") -> dict[str, Any]:
    return ok(api.get(f"/process-instances/{case_id}/steps", as_user=user))


def test_steps_come_in_order_with_rounds_after_a_return(api: ApiClient) -> None:
    case = walk_case(api)
    found = steps_of(api, case.id)
    steps = found["steps"]
    assert [(s["element_id"], s["round"]) for s in steps] == [
        ("start_event", 1), ("apply", 1), ("gatekeep_review", 1), ("apply", 2), ("gatekeep_review", 2),
        ("group_approval", 1), ("publish_list", 1), ("setup_ledger", 1)]
    assert [s["seq"] for s in steps] == sorted(s["seq"] for s in steps)
    assert [s["at"] for s in steps] == sorted(s["at"] for s in steps)
    assert steps[0]["kind"] == "start" and {s["kind"] for s in steps[1:]} == {"user_task"}
    assert [s["comment"] for s in steps[1:]] == [opinion for *_, opinion in WALK]
    assert [s["task_id"] for s in steps[1:]] == case.task_ids
    # the one action: the model copies the published list to 新区人社民政局 (ccRoles), named by the completer
    assert found["auto_steps"] > 0
    assert [(a["command"], a["label"], a["detail"]) for a in found["actions"]] == [
        ("cc", "抄送", "按流程模型抄送：新区人社民政局 郑欣")], found["actions"]

    start = steps[0]
    assert start["name"] == "部门提出准入申请" and start["form_title"] == "社区事务准入申请"
    assert start["actor"] == {"username": "department", "display_name": display_name(api, "department"),
                              "org": "fengxi", "org_name": "沣西新城", "role": "department",
                              "role_name": "区直职能部门"}
    assert [(f["name"], f["title"], f["display_value"]) for f in start["fields"]] == [
        ("item_title", "事项名称", "社区安全生产网格巡查"), ("applicant_department", "申请部门", "区应急管理局")]

    returned = steps[2]
    assert returned["name"] == "民政局扎口审核" and returned["decision"] == "退回部门补正"
    assert returned["actor"]["display_name"] == display_name(api, "civil_affairs")
    assert returned["actor"]["role_name"] == "区人社民政局"
    # only the fields of that step's form, in the form's order (ui:order), choices by title, booleans as 是/否
    shown = {f["name"]: f["display_value"] for f in returned["fields"]}
    assert list(shown) == ["elements_complete", "funding_verified", "gatekeep_decision", "gatekeep_opinion",
                           "supplement_requirements"]
    assert shown["elements_complete"] == "否" and shown["gatekeep_decision"] == "退回部门补正"
    assert next(f for f in returned["fields"] if f["name"] == "gatekeep_decision")["value"] == "return"
    assert steps[4]["decision"] == "受理，报领导小组审批" and steps[5]["decision"] == "批准准入"
    assert {f["name"] for f in steps[1]["fields"]} <= set(WALK[0][2])


def test_steps_show_organisations_by_name(api: ApiClient) -> None:
    case = start_ok(api, "street_a", "village_to_community", VILLAGE_START)
    [start] = steps_of(api, case["id"])["steps"]
    subject = next(f for f in start["fields"] if f["name"] == "subject_org")
    assert subject["value"] == "village_a1" and subject["display_value"] == "甲街道东村"


def test_steps_are_read_by_whoever_may_see_the_case(api: ApiClient) -> None:
    case = walk_case(api, steps=2)
    for user in ("auditor", "admin", "department", "civil_affairs"):
        assert api.get(f"/process-instances/{case.id}/steps", as_user=user).status_code == 200, user
    for user in ("street_b", "community_a1", "owner"):
        response = api.get(f"/process-instances/{case.id}/steps", as_user=user)
        assert response.status_code == 403, user
        assert response.get_json()["error"]["message"] == "您无权查看该办件"
    assert api.get("/process-instances/999/steps", as_user="auditor").status_code == 404
    assert api.get(f"/process-instances/{case.id}/steps").status_code == 401


def test_the_task_view_carries_the_case_its_sender_and_the_earlier_steps(api: ApiClient) -> None:
    case = walk_case(api, steps=2)
    task = api.open_task(case.id, "apply", "department")
    detail = ok(api.get(f"/tasks/{task['id']}", as_user="department"))
    assert detail["case_title"] == "社区安全生产网格巡查" and detail["definition_name"] == "社区事务准入"
    assert detail["applicant"]["display_name"] == display_name(api, "department")
    assert detail["applicant"]["org_name"] == "沣西新城"
    assert detail["sent_by"]["display_name"] == display_name(api, "civil_affairs")
    assert detail["sent_at"] == detail["created_at"] and detail["returned"] is True
    embedded = detail["case"]
    assert embedded["steps"] == steps_of(api, case.id)["steps"]
    assert embedded["business_key"] == case.business_key and embedded["status"] == "running"
    assert [s["element_id"] for s in embedded["steps"]] == ["start_event", "apply", "gatekeep_review"]
    assert api.get(f"/tasks/{task['id']}", as_user="street_b").status_code == 403


def _loop_with_files_and_title() -> tuple[bytes, dict[str, bytes]]:
    """The test procedure loop_approval with a caseTitle and a file field on its first form."""
    title = ('<bpmn:extensionElements><spiffworkflow:properties>'
             '<spiffworkflow:property name="caseTitle" value="{title}（{amount} 元）" />'
             '</spiffworkflow:properties></bpmn:extensionElements><bpmn:laneSet')
    bpmn = LOOP_BPMN.replace(b"<bpmn:laneSet", title.encode(), 1)
    forms = dict(LOOP_FORMS)
    submit = json.loads(forms["submit.schema.json"])
    submit["properties"]["files"] = {"type": "array", "title": "申请材料",
                                     "items": {"type": "integer", "format": "attachment"}}
    forms["submit.schema.json"] = json.dumps(submit, ensure_ascii=False).encode()
    return bpmn, forms


def test_file_fields_show_file_names_and_the_title_follows_the_data(api: ApiClient) -> None:
    bpmn, forms = _loop_with_files_and_title()
    with api.engine.db.writer() as session, session.begin():
        api.engine.registry.deploy(session, bpmn, forms)
    case = ok(api.start("street_a", "loop_approval", {}), 201)
    assert case["case_title"] is None  # nothing of the template is known yet
    upload = multipart(api, f"/process-instances/{case['id']}/attachments", "street_a",
                       {"file": (b"%PDF-1.4 plan", "方案.pdf")})
    attachment = ok(upload, 201)
    ok(api.complete(api.open_task(case["id"], "submit", "street_a")["id"], "street_a",
                    {"title": "走查", "amount": 1, "files": [attachment["id"]]}))
    assert ok(api.get(f"/process-instances/{case['id']}", as_user="street_a"))["case_title"] == "走查（1 元）"
    ok(api.complete(api.open_task(case["id"], "review", "civil_affairs")["id"], "civil_affairs",
                    {"decision": "return"}))
    ok(api.complete(api.open_task(case["id"], "submit", "street_a")["id"], "street_a", {"title": "复查", "amount": 2}))
    view = ok(api.get(f"/process-instances/{case['id']}", as_user="street_a"))
    assert view["case_title"] == "复查（2 元）"
    [listed] = ok(api.get("/process-instances", as_user="street_a", query_string={"q": "复查"}))
    assert listed["id"] == case["id"]
    first_submit = steps_of(api, case["id"])["steps"][1]
    files = next(f for f in first_submit["fields"] if f["name"] == "files")
    assert files["value"] == [attachment["id"]] and files["display_value"] == "方案.pdf"
    actions = steps_of(api, case["id"])["actions"]
    assert [(a["label"], a["actor"]["display_name"]) for a in actions] == [("上传附件", display_name(api, "street_a"))]


def test_field_display_reads_the_form_as_the_pages_render_it() -> None:
    schema = {"properties": {"a": {"type": "string", "enum": ["x", "y"], "enumNames": ["甲", "乙"]},
                             "b": {"type": "array", "items": {"type": "string",
                                                              "oneOf": [{"const": "p", "title": "丙"}]}},
                             "c": {"type": "number"}},
              "then": {"properties": {"d": {"type": "string", "title": "补正要求"}}}}
    assert field_order(schema, {"ui:order": ["c", "*", "a"]}) == ["c", "b", "d", "a"]
    assert display_value("a", schema["properties"]["a"], "y", None, {}) == "乙"
    assert display_value("b", schema["properties"]["b"], ["p", "q"], None, {}) == "丙、q"
    assert display_value("c", schema["properties"]["c"], 2.5, None, {}) == "2.5"
    assert display_value("f", {"type": "integer", "format": "attachment"}, 7, None, {}) == "附件 7"
