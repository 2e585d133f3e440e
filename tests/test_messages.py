"""Messages and signals: outside systems and cases reach waiting cases (by business key or the correlation
properties the model declares), message start events start cases, signals reach every waiting case,
boundary and event-gateway catches, access, and every delivery journalled and replayed."""

from __future__ import annotations

from typing import Any

from tests.case_helpers import complete_ok, multipart, start_ok
from tests.model_builder import chain, files, model, user_task
from tests.support import ApiClient

ASK_PAYLOAD = '{"application_no": application_no, "question": note}'
REPLY_PAYLOAD = '{"application_no": application_no, "answer": note}'


def message(element_id: str, name: str) -> str:
    return f'<bpmn:message id="{element_id}" name="{name}" />'


def catch(element_id: str, name: str, ref: str, variable: str | None = None, tag: str = "intermediateCatchEvent",
          attrs: str = "") -> str:
    ext = (f'<bpmn:extensionElements><spiffworkflow:messageVariable>{variable}</spiffworkflow:messageVariable>'
           '</bpmn:extensionElements>') if variable else ""
    return (f'<bpmn:{tag} id="{element_id}" name="{name}"{attrs}><bpmn:messageEventDefinition id="{element_id}_def" '
            f'messageRef="{ref}">{ext}</bpmn:messageEventDefinition></bpmn:{tag}>')


def throw(element_id: str, name: str, ref: str, payload: str, tag: str = "intermediateThrowEvent") -> str:
    return (f'<bpmn:{tag} id="{element_id}" name="{name}"><bpmn:messageEventDefinition id="{element_id}_def" '
            f'messageRef="{ref}"><bpmn:extensionElements><spiffworkflow:messagePayload>{payload}'
            f'</spiffworkflow:messagePayload></bpmn:extensionElements></bpmn:messageEventDefinition></bpmn:{tag}>')


CORRELATION = (
    '<bpmn:correlationProperty id="application_no" name="申请编号">'
    '<bpmn:correlationPropertyRetrievalExpression messageRef="msg_ask"><bpmn:formalExpression>application_no'
    '</bpmn:formalExpression></bpmn:correlationPropertyRetrievalExpression>'
    '<bpmn:correlationPropertyRetrievalExpression messageRef="msg_reply"><bpmn:formalExpression>application_no'
    '</bpmn:formalExpression></bpmn:correlationPropertyRetrievalExpression></bpmn:correlationProperty>')


def collaboration(key: str) -> str:
    return (f'<bpmn:collaboration id="collab_{key}"><bpmn:participant id="p_{key}" processRef="{key}" />'
            '<bpmn:correlationKey name="申请"><bpmn:correlationPropertyRef>application_no</bpmn:correlationPropertyRef>'
            '</bpmn:correlationKey></bpmn:collaboration>')


def messages_part() -> str:
    return message("msg_ask", "征求意见") + message("msg_reply", "意见回复") + CORRELATION


ASKER = model("ask_district", (
    '<bpmn:startEvent id="start" name="发起" />' + user_task("draft", "起草")
    + '<bpmn:scriptTask id="number" name="编号"><bpmn:script>application_no = "SQ-" + str(n)</bpmn:script>'
    '</bpmn:scriptTask>'
    + throw("send_ask", "发出征求意见", "msg_ask", ASK_PAYLOAD)
    + catch("wait_reply", "等待回复", "msg_reply", variable="reply")
    + '<bpmn:endEvent id="end" name="已收到意见" />'
    + chain("start", "draft", "number", "send_ask", "wait_reply", "end")),
    {"street_office": ["start", "draft", "number", "send_ask", "wait_reply", "end"]},
    before=collaboration("ask_district"), after=messages_part())

OPINION = model("give_opinion", (
    catch("asked", "收到征求意见", "msg_ask", tag="startEvent")
    + user_task("answer", "答复意见")
    + throw("send_reply", "回复", "msg_reply", REPLY_PAYLOAD, tag="endEvent")
    + chain("asked", "answer", "send_reply")),
    {"civil_affairs": ["asked", "answer", "send_reply"]},
    before=collaboration("give_opinion"), after=messages_part())

WAITER = model("wait_reply", (
    '<bpmn:startEvent id="start" name="发起" />' + user_task("ask", "提交")
    + catch("reply", "等待审核回复", "msg_verdict")
    + user_task("review", "审核") + catch("withdraw", "撤回", "msg_withdraw", tag="boundaryEvent",
                                           attrs=' attachedToRef="review"')
    + catch("urge", "催办", "msg_urge", tag="boundaryEvent", attrs=' attachedToRef="review" cancelActivity="false"')
    + user_task("handle_urge", "处理催办")
    + '<bpmn:endEvent id="end" name="办结" /><bpmn:endEvent id="end_withdrawn" name="已撤回" />'
    + '<bpmn:endEvent id="end_urge" name="催办已处理" />'
    + chain("start", "ask", "reply", "review", "end") + chain("withdraw", "end_withdrawn")
    + chain("urge", "handle_urge", "end_urge")),
    {"street_office": ["start", "ask", "end", "end_withdrawn"],
     "civil_affairs": ["reply", "review", "withdraw", "urge", "handle_urge", "end_urge"]},
    after=message("msg_verdict", "审核回复") + message("msg_withdraw", "撤回申请") + message("msg_urge", "催办"))


def signal_catch(element_id: str) -> str:
    return (f'<bpmn:intermediateCatchEvent id="{element_id}" name="等待政策调整">'
            '<bpmn:signalEventDefinition id="sig_def" signalRef="sig_policy" /></bpmn:intermediateCatchEvent>')


SIGNALLED = model("policy_wait", (
    '<bpmn:startEvent id="start" name="发起" />' + user_task("ask", "提交") + signal_catch("policy")
    + '<bpmn:endEvent id="end" name="按新政策办结" />' + chain("start", "ask", "policy", "end")),
    {"street_office": ["start", "ask", "policy", "end"]}, after='<bpmn:signal id="sig_policy" name="政策调整" />')

ANNOUNCER = model("policy_announce", (
    '<bpmn:startEvent id="start" name="发起" />' + user_task("decide", "决定调整")
    + '<bpmn:intermediateThrowEvent id="announce" name="发布政策调整"><bpmn:signalEventDefinition id="sig_throw" '
    'signalRef="sig_policy" /></bpmn:intermediateThrowEvent><bpmn:endEvent id="end" name="已发布" />'
    + chain("start", "decide", "announce", "end")),
    {"district_government": ["start", "decide", "announce", "end"]},
    after='<bpmn:signal id="sig_policy" name="政策调整" />')


def deploy(api: ApiClient, bpmn: bytes) -> None:
    response = multipart(api, "/process-definitions", "owner", files(bpmn))
    assert response.status_code == 201, response.get_json()


def send(api: ApiClient, user: str, name: str, correlation: dict[str, Any] | None = None,
         data: dict[str, Any] | None = None) -> Any:
    return api.post("/messages", {"name": name, "correlation": correlation or {}, "data": data or {}}, as_user=user)


def case(api: ApiClient, case_id: int) -> dict[str, Any]:
    return api.get(f"/process-instances/{case_id}", as_user="admin").get_json()


def verifies(api: ApiClient, case_id: int) -> None:
    verdict = api.post(f"/process-instances/{case_id}/verify", as_user="auditor").get_json()
    assert verdict["ok"], verdict


def test_an_outside_system_reaches_the_case_by_business_key(api: ApiClient) -> None:
    deploy(api, WAITER)
    first = start_ok(api, "street_a", "wait_reply", {})
    second = start_ok(api, "street_a", "wait_reply", {})
    for c in (first, second):
        complete_ok(api, c["id"], "ask", "street_a", {"n": 1})
    assert case(api, first["id"])["active_tasks"] == []

    refused = send(api, "civil_affairs", "审核回复", data={"verdict": "同意"})
    assert refused.status_code == 404 and "business_key" in refused.get_json()["error"]["message"]
    assert send(api, "street_a", "审核回复", {"business_key": first["business_key"]}).status_code == 403
    assert send(api, "auditor", "审核回复", {"business_key": first["business_key"]}).status_code == 403

    response = send(api, "civil_affairs", "审核回复", {"business_key": first["business_key"]}, {"verdict": "同意"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"delivered": [{"instance_id": first["id"], "business_key": first["business_key"],
                                                  "element_id": "reply"}], "started": []}
    after = case(api, first["id"])
    assert after["data"]["verdict"] == "同意" and [t["element_id"] for t in after["active_tasks"]] == ["review"]
    assert case(api, second["id"])["active_tasks"] == []  # the other case still waits

    history = api.get(f"/process-instances/{first['id']}/history", as_user="auditor").get_json()
    entry = next(e for e in history if e["command"] == "message")
    assert (entry["actor"], entry["element_id"], entry["payload"]["message"]) == ("civil_affairs", "reply", "审核回复")
    assert entry["payload"]["data"] == {"verdict": "同意"}
    complete_ok(api, first["id"], "review", "civil_affairs", {"n": 2})
    assert case(api, first["id"])["status"] == "completed"
    verifies(api, first["id"])


def test_boundary_messages_interrupt_or_add_work(api: ApiClient) -> None:
    deploy(api, WAITER)
    c = start_ok(api, "street_a", "wait_reply", {})
    complete_ok(api, c["id"], "ask", "street_a", {"n": 1})
    key = {"business_key": c["business_key"]}
    assert send(api, "admin", "审核回复", key).status_code == 200
    assert send(api, "civil_affairs", "催办", key, {"note": "请尽快"}).status_code == 200
    tasks = sorted(t["element_id"] for t in case(api, c["id"])["active_tasks"])
    assert tasks == ["handle_urge", "review"]  # not interrupting: the review goes on
    complete_ok(api, c["id"], "handle_urge", "civil_affairs", {})
    assert send(api, "civil_affairs", "撤回申请", key).status_code == 200
    after = case(api, c["id"])
    assert after["status"] == "completed" and after["end_event"] == "已撤回" and after["active_tasks"] == []
    verifies(api, c["id"])


def test_a_case_asks_another_procedure_and_the_reply_finds_it_by_correlation(api: ApiClient) -> None:
    deploy(api, ASKER)
    deploy(api, OPINION)
    assert api.start("civil_affairs", "give_opinion", {}).status_code == 409  # it starts on its message only
    one = start_ok(api, "street_a", "ask_district", {})
    two = start_ok(api, "street_a", "ask_district", {})
    complete_ok(api, one["id"], "draft", "street_a", {"n": 1, "note": "第一个问题"})
    complete_ok(api, two["id"], "draft", "street_a", {"n": 2, "note": "第二个问题"})

    opinions = api.get("/tasks?definition_key=give_opinion", as_user="civil_affairs").get_json()
    assert len(opinions) == 2
    started = {case(api, t["instance_id"])["data"]["question"]: t for t in opinions}
    second = started["第二个问题"]["instance_id"]
    history = api.get(f"/process-instances/{second}/history", as_user="auditor").get_json()
    assert history[0]["command"] == "message_start"
    assert history[0]["payload"]["from"] == {"instance_id": two["id"], "business_key": two["business_key"]}
    assert history[0]["actor"] == "street_a"

    # answering the second question completes the second asker only (correlation application_no = SQ-2)
    response = api.complete(started["第二个问题"]["id"], "civil_affairs", {"note": "同意第二个"})
    assert response.status_code == 200, response.get_json()
    assert case(api, two["id"])["status"] == "completed"
    assert case(api, two["id"])["data"]["reply"] == {"application_no": "SQ-2", "answer": "同意第二个"}
    assert case(api, one["id"])["status"] == "running"
    complete_ok(api, started["第一个问题"]["instance_id"], "answer", "civil_affairs", {"note": "同意第一个"})
    assert case(api, one["id"])["data"]["reply"]["answer"] == "同意第一个"
    for c in (one["id"], two["id"], started["第一个问题"]["instance_id"], started["第二个问题"]["instance_id"]):
        verifies(api, c)

    # outside systems may use the declared property too
    three = start_ok(api, "street_a", "ask_district", {})
    complete_ok(api, three["id"], "draft", "street_a", {"n": 3, "note": "第三个问题"})
    wrong = send(api, "admin", "意见回复", {"application_no": "SQ-9"}, {"answer": "?"})
    assert wrong.status_code == 404
    right = send(api, "admin", "意见回复", {"application_no": "SQ-3"}, {"answer": "外部答复"})
    assert right.status_code == 200 and right.get_json()["delivered"][0]["instance_id"] == three["id"]
    assert case(api, three["id"])["data"]["reply"] == {"application_no": "SQ-3", "answer": "外部答复"}
    verifies(api, three["id"])


def test_a_message_start_from_outside_checks_who_starts_and_the_start_data(api: ApiClient) -> None:
    deploy(api, OPINION)
    refused = send(api, "street_a", "征求意见", data={"application_no": "SQ-7", "question": "?"})
    assert refused.status_code == 403
    started = send(api, "civil_affairs", "征求意见", data={"application_no": "SQ-7", "question": "外部征求"})
    assert started.status_code == 200, started.get_json()
    (new,) = started.get_json()["started"]
    assert new["definition_key"] == "give_opinion"
    assert case(api, new["instance_id"])["data"]["question"] == "外部征求"
    verifies(api, new["instance_id"])


def test_a_signal_reaches_every_waiting_case(api: ApiClient) -> None:
    deploy(api, SIGNALLED)
    deploy(api, ANNOUNCER)
    waiting = [start_ok(api, "street_a", "policy_wait", {}) for _ in range(2)]
    for c in waiting:
        complete_ok(api, c["id"], "ask", "street_a", {"n": 1})
    other_street = start_ok(api, "street_b", "policy_wait", {})
    complete_ok(api, other_street["id"], "ask", "street_b", {"n": 1})

    # a clerk reaches only the waits of their own unit; a case's throw reaches all
    response = api.post("/signals", {"name": "政策调整", "data": {"policy": "新"}}, as_user="street_b")
    assert response.status_code == 200, response.get_json()
    assert [d["instance_id"] for d in response.get_json()["delivered"]] == [other_street["id"]]
    assert case(api, other_street["id"])["data"]["policy"] == "新"

    announcer = start_ok(api, "district_gov", "policy_announce", {})
    complete_ok(api, announcer["id"], "decide", "district_gov", {"n": 1})
    for c in waiting:
        after = case(api, c["id"])
        assert after["status"] == "completed" and after["end_event"] == "按新政策办结"
        history = api.get(f"/process-instances/{c['id']}/history", as_user="auditor").get_json()
        assert [e["command"] for e in history if e["actor"]][-1] == "signal"
        verifies(api, c["id"])
    announced = api.get(f"/process-instances/{announcer['id']}/history", as_user="auditor").get_json()
    assert next(e for e in announced if e["element_id"] == "announce")["payload"]["result"] == {"signal": "政策调整"}
    assert api.post("/signals", {"name": "政策调整"}, as_user="admin").status_code == 404  # nobody waits now


def test_a_signal_end_event_is_refused_since_spiffworkflow_would_not_send_it(api: ApiClient) -> None:
    bpmn = ANNOUNCER.replace(b'<bpmn:intermediateThrowEvent id="announce"', b'<bpmn:endEvent id="announce"').replace(
        b"</bpmn:intermediateThrowEvent>", b"</bpmn:endEvent>")
    response = multipart(api, "/process-definitions", "owner", files(bpmn))
    assert response.status_code == 422
    details = {d["path"]: d["message"] for d in response.get_json()["error"]["details"]}
    assert "信号事件定义不受支持" in details["announce"]
