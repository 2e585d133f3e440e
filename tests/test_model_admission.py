"""What a deployment refuses (each a Chinese 422 naming the element) and what it now accepts.

Refused: service tasks (with what to use instead), models whose cases could never
progress (lanes of roles that never act, a lane offered at an organisation the
start form does not ask for, catch events nothing can trigger, a parallel join fed
by one exclusive gateway), and SpiffWorkflow's parser refusals in Chinese.
Accepted: transactions, collaborations with one executable pool, extension ids
that are not BPMN ids. And GET /admin/stuck-cases for cases that lost their clerks.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.case_helpers import complete_ok, multipart, start_ok
from tests.model_builder import FORMS, chain, files, flow, model, user_task
from tests.support import ApiClient

SIMPLE = (
    '<bpmn:startEvent id="start" name="发起" />' + user_task("ask", "填写")
    + '<bpmn:endEvent id="end" name="完成" />' + chain("start", "ask", "end")
)


def deploy(api: ApiClient, bpmn: bytes, forms: dict[str, bytes] | None = None) -> Any:
    return multipart(api, "/process-definitions", "owner", files(bpmn, forms))


def refusals(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.get_json()
    return {d["path"]: d["message"] for d in response.get_json()["error"]["details"]}


def deployed(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.get_json()
    return response.get_json()


# -- refused ---------------------------------------------------------------------------------


def test_a_service_task_is_refused_with_what_to_use_instead(api: ApiClient) -> None:
    body = SIMPLE.replace(chain("start", "ask", "end"), "") + (
        '<bpmn:serviceTask id="call_api" name="调用接口" />' + chain("start", "ask", "call_api", "end"))
    bpmn = model("with_service", body, {"street_office": ["start", "ask", "call_api", "end"]})
    for path in ("/process-definitions/validate", "/process-definitions"):
        found = refusals(multipart(api, path, "owner", files(bpmn)))
        assert set(found) == {"call_api"}
        assert "服务任务「调用接口」" in found["call_api"] and "脚本任务" in found["call_api"]
    assert api.get("/process-definitions/with_service/versions", as_user="owner").status_code == 404


@pytest.mark.parametrize("role", ["auditor", "admin", "process_owner"])
def test_a_lane_of_a_role_that_never_acts_is_refused(api: ApiClient, role: str) -> None:
    body = SIMPLE.replace(chain("start", "ask", "end"), "") + user_task("check", "核对") + chain(
        "start", "ask", "check", "end")
    bpmn = model("idle_lane", body, {"street_office": ["start", "ask", "end"], role: ["check"]})
    found = refusals(deploy(api, bpmn))
    assert set(found) == {f"Lane_{role}"}
    assert "不办理任务" in found[f"Lane_{role}"] and "永远无人办理" in found[f"Lane_{role}"]


def test_an_unknown_role_is_refused(api: ApiClient) -> None:
    bpmn = model("ghost_lane", SIMPLE, {"street_office": ["start", "end"], "night_watch": ["ask"]})
    assert "不是已知角色" in refusals(deploy(api, bpmn))["Lane_night_watch"]


START_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "发起", "type": "object",
    "properties": {"developer_org": {"type": "string", "title": "开发建设单位"},
                   "project": {"type": "string", "title": "项目"}},
    "additionalProperties": False,
}


def _developer_model(start_form: dict[str, Any] | None) -> tuple[bytes, dict[str, bytes]]:
    start = ('<bpmn:startEvent id="start" name="发起"><bpmn:extensionElements><spiffworkflow:properties>'
             '<spiffworkflow:property name="formJsonSchemaFilename" value="start.schema.json" />'
             '</spiffworkflow:properties></bpmn:extensionElements></bpmn:startEvent>') if start_form else \
        '<bpmn:startEvent id="start" name="发起" />'
    body = start + user_task("ask", "填写") + user_task("build", "建设") + '<bpmn:endEvent id="end" name="完成" />' \
        + chain("start", "ask", "build", "end")
    forms = dict(FORMS)
    if start_form:
        forms["start.schema.json"] = json.dumps(start_form).encode()
    return model("dev_lane", body, {"natural_resources": ["start", "ask", "end"], "developer": ["build"]}), forms


@pytest.mark.parametrize("required", [None, [], ["project"]])
def test_a_developer_lane_needs_a_start_form_that_requires_the_developer(api: ApiClient, required: Any) -> None:
    form = None if required is None else dict(START_FORM, required=required)
    found = refusals(deploy(api, *_developer_model(form)))
    assert set(found) == {"Lane_developer"}
    assert "developer_org" in found["Lane_developer"] and "发起表单" in found["Lane_developer"]


def test_a_developer_lane_with_the_developer_required_deploys_and_reaches_the_developer(api: ApiClient) -> None:
    deployed(deploy(api, *_developer_model(dict(START_FORM, required=["developer_org"]))))
    case = start_ok(api, "natural_resources", "dev_lane", {"developer_org": "dev_hx"})
    complete_ok(api, case["id"], "ask", "natural_resources", {"n": 1})
    tasks = api.get("/tasks", as_user="developer").get_json()
    assert [t["element_id"] for t in tasks] == ["build"]


def test_a_catch_event_without_a_trigger_or_of_an_unread_kind_is_refused(api: ApiClient) -> None:
    body = (
        '<bpmn:startEvent id="start" name="发起" />' + user_task("ask", "填写")
        + '<bpmn:intermediateCatchEvent id="wait" name="等待" />'
        + '<bpmn:intermediateCatchEvent id="jump_in" name="跳入"><bpmn:linkEventDefinition name="甲" />'
          '</bpmn:intermediateCatchEvent>'
        + '<bpmn:endEvent id="end" name="完成" /><bpmn:endEvent id="end2" name="完成二" />'
        + chain("start", "ask", "wait", "end") + flow("Flow_jump", "jump_in", "end2"))
    bpmn = model("waits", body, {"street_office": ["start", "ask", "wait", "jump_in", "end", "end2"]})
    found = refusals(deploy(api, bpmn))
    assert set(found) == {"wait", "jump_in"}
    assert "没有事件定义" in found["wait"] and "链接事件" in found["jump_in"] and "顺序流" in found["jump_in"]


def test_an_exclusive_gateway_feeding_a_parallel_join_is_refused(api: ApiClient) -> None:
    body = (
        '<bpmn:startEvent id="start" name="发起" />' + user_task("ask", "填写")
        + '<bpmn:exclusiveGateway id="choose" name="选择" default="Flow_b" />'
        + user_task("a", "甲") + user_task("b", "乙")
        + '<bpmn:parallelGateway id="join" name="汇合" /><bpmn:endEvent id="end" name="完成" />'
        + chain("start", "ask", "choose") + flow("Flow_a", "choose", "a", "n > 1") + flow("Flow_b", "choose", "b")
        + chain("a", "join", prefix="F1") + chain("b", "join", prefix="F2") + chain("join", "end"))
    refs = ["start", "ask", "choose", "a", "b", "join", "end"]
    found = refusals(deploy(api, model("xor_and", body, {"street_office": refs})))
    assert set(found) == {"join"}
    assert "「选择」" in found["join"] and "永远等待" in found["join"]
    # the same branches joined by a parallel split are fine
    fixed = body.replace('<bpmn:exclusiveGateway id="choose" name="选择" default="Flow_b" />',
                         '<bpmn:parallelGateway id="choose" name="分头" />').replace(
        "<bpmn:conditionExpression>n &gt; 1</bpmn:conditionExpression>", "")
    deployed(deploy(api, model("xor_and", fixed, {"street_office": refs})))


def test_the_parsers_refusals_are_chinese_and_name_the_element(api: ApiClient) -> None:
    body = (
        '<bpmn:startEvent id="start" name="发起" />' + user_task("ask", "填写")
        + '<bpmn:exclusiveGateway id="choose" name="选择" default="Flow_a" /><bpmn:endEvent id="end" name="完成" />'
        + chain("start", "ask", "choose") + flow("Flow_a", "choose", "end") + flow("Flow_b", "choose", "end"))
    found = refusals(deploy(api, model("no_condition", body, {"street_office": ["start", "ask", "choose", "end"]})))
    assert set(found) == {"Flow_b"}
    assert found["Flow_b"].startswith("BPMN 解析未通过：顺序流 Flow_b：排他网关的出口顺序流没有条件")
    assert not any(c.isascii() and c.isalpha() for c in found["Flow_b"].replace("BPMN", "").replace("Flow_b", ""))


def test_two_executable_pools_with_content_are_refused_naming_both(api: ApiClient) -> None:
    other = ('<bpmn:process id="second" name="第二个" isExecutable="true"><bpmn:startEvent id="s2" />'
             '</bpmn:process>')
    found = refusals(deploy(api, model("first", SIMPLE, {"street_office": ["start", "ask", "end"]}, after=other)))
    assert set(found) == {"first", "second"} and "isExecutable" in found["second"]


# -- accepted --------------------------------------------------------------------------------


def test_a_transaction_is_a_container_of_flow_nodes_and_its_tasks_take_its_lane(api: ApiClient) -> None:
    body = (
        '<bpmn:startEvent id="start" name="发起" /><bpmn:transaction id="tx" name="办理事务">'
        '<bpmn:startEvent id="tx_start" />' + user_task("inside", "事务内填写") + '<bpmn:endEvent id="tx_end" />'
        + chain("tx_start", "inside", "tx_end", prefix="T") + '</bpmn:transaction>'
        + '<bpmn:endEvent id="end" name="完成" />' + chain("start", "tx", "end"))
    deployed(deploy(api, model("with_tx", body, {"street_office": ["start", "tx", "end"]})))
    case = start_ok(api, "street_a", "with_tx", {})
    assert [t["element_id"] for t in case["active_tasks"]] == ["inside"]
    done = complete_ok(api, case["id"], "inside", "street_a", {"n": 3})
    assert done["status"] == "completed" and done["end_event"] == "完成"


def test_a_collaboration_with_documentation_pools_and_foreign_ids_deploys(api: ApiClient) -> None:
    collaboration = (
        '<bpmn:collaboration id="collab"><bpmn:participant id="p_main" name="街道" processRef="pooled" />'
        '<bpmn:participant id="p_doc" name="居民" processRef="residents" />'
        '<bpmn:participant id="p_box" name="外部系统" processRef="black_box" />'
        '<bpmn:messageFlow id="mf" sourceRef="ask" targetRef="p_box" /></bpmn:collaboration>')
    camunda = ('<camunda:properties><camunda:property id="p1" name="k" value="v" /></camunda:properties>'
               '<camunda:formData><camunda:formField id="amount" label="金额" type="long" /></camunda:formData>')
    ask = user_task("ask", "填写").replace("</spiffworkflow:properties>", "</spiffworkflow:properties>" + camunda)
    body = ('<bpmn:startEvent id="start" name="发起" />' + ask
            + f'<bpmn:task id="note" name="备注"><bpmn:extensionElements>{camunda}</bpmn:extensionElements></bpmn:task>'
            + '<bpmn:endEvent id="end" name="完成" />' + chain("start", "ask", "note", "end"))
    others = ('<bpmn:process id="residents" name="居民" isExecutable="false"><bpmn:startEvent id="r_start" />'
              f'<bpmn:task id="r_task" name="提出诉求"><bpmn:extensionElements>{camunda}</bpmn:extensionElements>'
              '</bpmn:task>'
              + flow("r_flow", "r_start", "r_task") + '</bpmn:process>'
              '<bpmn:process id="black_box" name="外部系统" isExecutable="true" />')
    bpmn = model("pooled", body, {"street_office": ["start", "ask", "note", "end"]}, before=collaboration,
                 after=others)
    assert bpmn.count(b'camunda:formField id="amount"') == 3  # twice in the executable process
    deployed(deploy(api, bpmn))
    case = start_ok(api, "street_a", "pooled", {})
    complete_ok(api, case["id"], "ask", "street_a", {"n": 1})
    # a task of no type is done by someone of its lane (SpiffWorkflow's reading), with no form
    assert complete_ok(api, case["id"], "note", "street_a", {})["status"] == "completed"


def test_a_task_people_do_outside_every_lane_is_refused(api: ApiClient) -> None:
    body = SIMPLE.replace(chain("start", "ask", "end"), "") + (
        '<bpmn:manualTask id="sign" name="签字" /><bpmn:task id="file" name="归档" />'
        + chain("start", "ask", "sign", "file", "end"))
    found = refusals(deploy(api, model("laneless", body, {"street_office": ["start", "ask", "end"]})))
    assert set(found) == {"sign", "file"} and "泳道" in found["sign"]


# -- cases that lost their clerks ------------------------------------------------------------


def test_admins_list_cases_waiting_on_a_task_nobody_may_act_on(api: ApiClient) -> None:
    from tests.hostile_support import deploy as deploy_loop

    deploy_loop(api.engine)
    case = start_ok(api, "street_a", "loop_approval", {})
    complete_ok(api, case["id"], "submit", "street_a", {"title": "会签测试", "amount": 10})
    listed = api.get("/admin/stuck-cases", as_user="admin")
    assert listed.status_code == 200 and listed.get_json() == [] and listed.headers["X-Total-Count"] == "0"

    for user in ("civil_affairs", "civil_affairs_qian"):  # every 区人社民政局 clerk of 沣西新城 leaves
        response = api.client.patch(f"/api/v1/users/{user}", json={"active": False}, headers=api.headers("admin"))
        assert response.status_code == 200, response.get_json()
    listed = api.get("/admin/stuck-cases", as_user="admin")
    rows = listed.get_json()
    assert listed.headers["X-Total-Count"] == "1"
    assert [(r["instance_id"], r["element_id"], r["role"], r["org"]) for r in rows] == [
        (case["id"], "review", "civil_affairs", "fengxi")]
    assert rows[0]["reason"] == "沣西新城没有在职的「区人社民政局」用户"
    assert rows[0]["business_key"] == case["business_key"]
    assert api.get("/admin/stuck-cases?definition_key=community_access", as_user="admin").get_json() == []

    for user in ("auditor", "street_a", "owner"):
        assert api.get("/admin/stuck-cases", as_user=user).status_code == 403
