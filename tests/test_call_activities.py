"""Call activities across deployed procedures: the callee's latest version at the call, bound in the journal;
its tasks in the inboxes as tasks of the calling case; data in and out; refusals naming the call activity."""

from __future__ import annotations

import json
from typing import Any

from tests.case_helpers import complete_ok, multipart, start_ok
from tests.model_builder import FORMS, chain, files, model, user_task
from tests.support import ApiClient

MATERIALS_FORM = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "补正材料", "type": "object",
                  "properties": {"materials": {"type": "string", "title": "补正材料", "minLength": 2}},
                  "required": ["materials"], "additionalProperties": False}
CALLEE_FORMS = {**FORMS, "materials.schema.json": json.dumps(MATERIALS_FORM, ensure_ascii=False).encode()}


def callee(check_name: str = "核对补正") -> bytes:
    return model("material_correction", (
        '<bpmn:startEvent id="start" name="开始补正" />'
        + user_task("correct", "提交补正材料", schema="materials.schema.json")
        + '<bpmn:scriptTask id="stamp" name="登记"><bpmn:script>corrections = 1</bpmn:script></bpmn:scriptTask>'
        + user_task("check", check_name) + '<bpmn:endEvent id="end" name="补正完成" />'
        + chain("start", "correct", "stamp", "check", "end")),
        {"street_office": ["start", "correct", "stamp", "end"], "civil_affairs": ["check"]}, name="材料补正")


def caller(called: str = "material_correction", key: str = "with_correction") -> bytes:
    return model(key, (
        '<bpmn:startEvent id="start" name="发起" />' + user_task("submit", "提交申请")
        + f'<bpmn:callActivity id="correction" name="材料补正" calledElement="{called}" />'
        + user_task("review", "审核") + '<bpmn:endEvent id="end" name="办结" />'
        + chain("start", "submit", "correction", "review", "end")),
        {"street_office": ["start", "submit", "correction", "end"], "civil_affairs": ["review"]}, name="带补正的申请")


def deploy(api: ApiClient, bpmn: bytes, forms: dict[str, bytes] | None = None) -> Any:
    return multipart(api, "/process-definitions", "owner", files(bpmn, forms if forms is not None else CALLEE_FORMS))


def refusals(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.get_json()
    return {d["path"]: d["message"] for d in response.get_json()["error"]["details"]}


def case(api: ApiClient, case_id: int) -> dict[str, Any]:
    return api.get(f"/process-instances/{case_id}", as_user="admin").get_json()


def history(api: ApiClient, case_id: int) -> list[dict[str, Any]]:
    return api.get(f"/process-instances/{case_id}/history", as_user="auditor").get_json()


def verifies(api: ApiClient, case_id: int) -> None:
    verdict = api.post(f"/process-instances/{case_id}/verify", as_user="auditor").get_json()
    assert verdict["ok"], verdict


def test_a_caller_whose_callee_is_not_deployed_is_refused_naming_the_call_activity(api: ApiClient) -> None:
    found = refusals(deploy(api, caller()))
    assert set(found) == {"correction"}
    assert "material_correction" in found["correction"] and "尚未部署" in found["correction"]


def test_calls_that_come_back_are_refused(api: ApiClient) -> None:
    assert refusals(deploy(api, caller(called="with_correction")))["correction"].endswith("无限调用下去")
    ping = caller(called="pong", key="ping")
    pong = caller(called="ping", key="pong")
    assert deploy(api, callee()).status_code == 201
    assert deploy(api, caller(called="material_correction", key="pong")).status_code == 201
    assert deploy(api, ping).status_code == 201
    assert "又（间接）调用本流程" in refusals(deploy(api, pong))["correction"]


def test_the_callee_runs_inside_the_case_on_the_version_of_the_call(api: ApiClient) -> None:
    assert deploy(api, callee()).status_code == 201
    assert deploy(api, caller()).status_code == 201
    first = start_ok(api, "street_a", "with_correction", {})
    after = complete_ok(api, first["id"], "submit", "street_a", {"note": "申请书", "n": 1})
    assert [t["element_id"] for t in after["active_tasks"]] == ["correct"]

    # the callee's task is in the inbox as a task of the calling case, with the callee's form
    inbox = [t for t in api.get("/tasks", as_user="street_a").get_json() if t["instance_id"] == first["id"]]
    assert [(t["element_id"], t["name"], t["business_key"]) for t in inbox] == [
        ("correct", "提交补正材料", first["business_key"])]
    detail = api.get(f"/tasks/{inbox[0]['id']}", as_user="street_a").get_json()
    assert detail["form"]["schema"]["title"] == "补正材料" and detail["data"]["note"] == "申请书"
    refused = api.complete(inbox[0]["id"], "street_a", {"materials": "x"})
    assert refused.status_code == 422  # the callee's form rules

    # a new version of the callee while the case is inside the old one
    assert deploy(api, callee(check_name="复核补正")).status_code == 201
    complete_ok(api, first["id"], "correct", "street_a", {"materials": "户籍证明"})
    after = case(api, first["id"])
    assert [(t["element_id"], t["name"], t["role"], t["org"]) for t in after["active_tasks"]] == [
        ("check", "核对补正", "civil_affairs", "fengxi")]  # still version 1
    assert after["data"]["corrections"] == 1
    after = complete_ok(api, first["id"], "check", "civil_affairs", {"n": 2})
    assert [t["element_id"] for t in after["active_tasks"]] == ["review"]
    assert after["data"]["materials"] == "户籍证明"  # the callee's data came back
    done = complete_ok(api, first["id"], "review", "civil_affairs", {"n": 3})
    assert done["status"] == "completed" and done["end_event"] == "办结"

    calls = [e for e in history(api, first["id"]) if e["command"] == "call"]
    assert [(e["element_id"], e["payload"]["result"]["process"], e["payload"]["result"]["version"])
            for e in calls] == [("correction", "material_correction", 1)]
    verifies(api, first["id"])

    second = start_ok(api, "street_a", "with_correction", {})
    complete_ok(api, second["id"], "submit", "street_a", {"n": 1})
    complete_ok(api, second["id"], "correct", "street_a", {"materials": "房产证明"})
    assert [t["name"] for t in case(api, second["id"])["active_tasks"]] == ["复核补正"]  # the version at its call
    assert [e["payload"]["result"]["version"] for e in history(api, second["id"]) if e["command"] == "call"] == [2]
    verifies(api, second["id"])
    # the case as it stood inside the callee
    seq = history(api, second["id"])[-1]["seq"]
    state = api.get(f"/process-instances/{second['id']}/history/{seq}/state", as_user="auditor").get_json()
    assert [t["element_id"] for t in state["open_tasks"]] == ["check"]


def test_an_export_of_a_calling_case_verifies_offline_with_the_called_versions(api: ApiClient) -> None:
    from engine.audit.export import history_jsonl, verify_export

    assert deploy(api, callee()).status_code == 201
    assert deploy(api, caller()).status_code == 201
    c = start_ok(api, "street_a", "with_correction", {})
    complete_ok(api, c["id"], "submit", "street_a", {"n": 1})
    complete_ok(api, c["id"], "correct", "street_a", {"materials": "证明材料"})
    with api.engine.db.reader() as session:
        lines = list(history_jsonl(session, c["id"]))
    head = json.loads(lines[0])
    assert [doc["key"] for doc in head["callees"].values()] == ["material_correction"]
    assert verify_export(lines).ok
    del head["callees"]
    assert not verify_export([json.dumps(head, ensure_ascii=False), *lines[1:]]).ok
