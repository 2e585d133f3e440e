"""Task unit from data (``unitFrom``): a multi-instance user task over a list of village ids runs one task
per village, each offered at its village; only that village's committee acts on it; a value naming no
organisation shows the case in /admin/stuck-cases; deployment refuses unitFrom on other elements."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.audit_support import verify
from tests.case_helpers import multipart, start_ok
from tests.model_builder import chain, files, model, user_task
from tests.support import ApiClient

FIXTURES = Path(__file__).parent / "fixtures" / "unit_from"


def _deploy_votes(api: ApiClient) -> None:
    forms = {name: (FIXTURES / name).read_bytes() for name in ("villages.schema.json", "vote.schema.json")}
    response = multipart(api, "/process-definitions", "owner",
                         files((FIXTURES / "village_votes.bpmn").read_bytes(), forms, key="village_votes"))
    assert response.status_code == 201, response.get_json()


def _case(api: ApiClient, instance_id: int) -> dict[str, Any]:
    return api.get(f"/process-instances/{instance_id}", as_user="admin").get_json()


def test_each_village_gets_its_own_task_and_only_its_committee_acts_on_it(api: ApiClient) -> None:
    _deploy_votes(api)
    case = start_ok(api, "civil_affairs", "village_votes", {"villages": ["village_a1", "village_b1"]})
    tasks = {t["org"]: t for t in _case(api, case["id"])["active_tasks"]}
    assert set(tasks) == {"village_a1", "village_b1"}
    assert tasks["village_a1"]["org_name"] == "甲街道东村"
    mine, theirs = tasks["village_a1"]["id"], tasks["village_b1"]["id"]

    # each village's inbox holds its own task only; the task form says it may be completed
    assert [t["id"] for t in api.get("/tasks", as_user="village_a1").get_json()] == [mine]
    assert [t["id"] for t in api.get("/tasks", as_user="village_b1").get_json()] == [theirs]
    assert api.get(f"/tasks/{mine}", as_user="village_a1").get_json()["can_complete"] is True
    # another village's task: not theirs to do
    assert api.complete(theirs, "village_a1", {"passed": True}).status_code == 403
    assert api.get(f"/tasks/{theirs}", as_user="community_a1").status_code in (403, 404)
    assert api.complete(mine, "street_a", {"passed": True}).status_code == 403

    assert api.complete(mine, "village_a1", {"passed": True}).status_code == 200
    assert api.complete(theirs, "village_b1", {"passed": False}).status_code == 200
    done = _case(api, case["id"])
    assert done["status"] == "completed"
    assert done["data"]["votes"] == [True, False] and done["data"]["all_passed"] is False
    # the village committee that acted reads the case; the journal replays to the same case
    assert api.get(f"/process-instances/{case['id']}", as_user="village_b1").status_code == 200
    assert verify(api, case["id"])["ok"] is True


def test_a_task_whose_data_names_no_organisation_shows_as_stuck(api: ApiClient) -> None:
    body = ('<bpmn:startEvent id="start" name="发起" />'
            '<bpmn:scriptTask id="pick" name="指定"><bpmn:script>target = "no_such_village"</bpmn:script>'
            '</bpmn:scriptTask>'
            + user_task("ask", "填写", inner="").replace(
                '</spiffworkflow:properties>',
                '<spiffworkflow:property name="unitFrom" value="target" /></spiffworkflow:properties>')
            + '<bpmn:endEvent id="end" name="完成" />' + chain("start", "pick", "ask", "end"))
    bpmn = model("lost_unit", body, {"street_office": ["start", "pick", "end"], "village_committee": ["ask"]})
    assert multipart(api, "/process-definitions", "owner", files(bpmn, key="lost_unit")).status_code == 201
    case = start_ok(api, "street_a", "lost_unit", {})
    stuck = api.get("/admin/stuck-cases", as_user="admin").get_json()
    items = stuck["items"] if isinstance(stuck, dict) else stuck
    found = [s for s in items if s["instance_id"] == case["id"]]
    assert len(found) == 1 and found[0]["org"] is None
    assert "没有指明该环节的办理单位" in found[0]["reason"]


def test_deployment_refuses_unit_from_on_an_element_that_is_not_a_user_task(api: ApiClient) -> None:
    body = ('<bpmn:startEvent id="start" name="发起" />'
            '<bpmn:scriptTask id="pick" name="指定"><bpmn:extensionElements><spiffworkflow:properties>'
            '<spiffworkflow:property name="unitFrom" value="target" /></spiffworkflow:properties>'
            '</bpmn:extensionElements><bpmn:script>target = "village_a1"</bpmn:script></bpmn:scriptTask>'
            + user_task("ask", "填写").replace(
                '</spiffworkflow:properties>',
                '<spiffworkflow:property name="unitFrom" value="1 + 1" /></spiffworkflow:properties>')
            + '<bpmn:endEvent id="end" name="完成" />' + chain("start", "pick", "ask", "end"))
    bpmn = model("bad_unit", body, {"street_office": ["start", "pick", "ask", "end"]})
    response = multipart(api, "/process-definitions", "owner", files(bpmn, key="bad_unit"))
    assert response.status_code == 422
    details = {d["path"]: d["message"] for d in response.get_json()["error"]["details"]}
    assert "只有用户任务" in details["pick"]
    assert "数据变量名" in details["ask"]
