"""The approval operations' rules beyond the Gherkin walks: model properties at deployment, verification
of holders, the urge interval, notifications and copies, a script failing when signers finish, replay
to any entry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from api import create_app
from engine.audit.verify import verify_instance
from engine.clock import FixedClock
from engine.errors import InvalidModel
from engine.service import WorkflowEngine
from engine.settings import Settings
from engine.store.models import HumanTask, ProcessInstance
from tests.consistency import check_case
from tests.hostile_support import LOOP_BPMN, deploy, drive_to_signing, loop_variant
from tests.support import ApiClient, fresh_settings

ELIGIBILITY = {"collective_org_established": True, "assets_inventoried": True, "shares_quantified": True,
               "whole_village_demolished": False}


def verdict(api: ApiClient, case_id: int) -> dict[str, Any]:
    with api.engine.db.reader() as session:
        instance = session.get(ProcessInstance, case_id)
        assert instance is not None
        return verify_instance(session, api.engine.registry, instance).as_dict()


def village_case_at_draft_plan(api: ApiClient) -> tuple[int, int]:
    case_id = api.start("street_a", "village_to_community", {"subject_org": "village_a1"}).get_json()["id"]
    first = api.open_task(case_id, "check_eligibility", "street_a")
    assert api.complete(first["id"], "street_a", ELIGIBILITY).status_code == 200
    return case_id, api.open_task(case_id, "draft_plan", "street_a")["id"]


def with_properties(properties: str, process_properties: str = "") -> bytes:
    """loop_approval with spiffworkflow properties added to its review task (and to the process)."""
    marker = b'<spiffworkflow:property name="formJsonSchemaFilename" value="review.schema.json" />'
    assert marker in LOOP_BPMN
    bpmn = LOOP_BPMN.replace(marker, marker + properties.encode())
    if process_properties:
        head = b'isExecutable="true">'
        assert head in bpmn
        bpmn = bpmn.replace(head, head + b"<bpmn:extensionElements><spiffworkflow:properties>"
                            + process_properties.encode() + b"</spiffworkflow:properties></bpmn:extensionElements>", 1)
    return bpmn


def test_deployment_refuses_unknown_operation_properties(api: ApiClient) -> None:
    bpmn = with_properties('<spiffworkflow:property name="allowedOperations" value="return, fly" />'
                           '<spiffworkflow:property name="returnTargets" value="count, nowhere" />'
                           '<spiffworkflow:property name="ccRoles" value="mayor" />',
                           '<spiffworkflow:property name="terminateRoles" value="street_office, king" />')
    with pytest.raises(InvalidModel) as refused:
        deploy(api.engine, bpmn)
    problems = {(p.path, p.message) for p in refused.value.details}
    assert ("review", "allowedOperations 含未知操作：fly（可选：return、withdraw、transfer、delegate、add-signers、"
                      "remove-signer、cc、terminate）") in problems
    assert ("review", "returnTargets 须为用户任务的 id：count、nowhere") in problems
    assert ("review", "ccRoles 含未知角色：mayor") in problems
    assert ("loop_approval", "terminateRoles 含未知角色：king") in problems


def test_an_empty_allowed_operations_offers_nothing(api: ApiClient) -> None:
    deploy(api.engine, with_properties('<spiffworkflow:property name="allowedOperations" value="" />'))
    case_id = api.start("street_a", "loop_approval", {}).get_json()["id"]
    submit = api.open_task(case_id, "submit", "street_a")
    assert api.complete(submit["id"], "street_a", {"title": "空操作", "amount": 1}).status_code == 200
    review = api.open_task(case_id, "review", "civil_affairs")
    body = api.get(f"/tasks/{review['id']}/operations", as_user="civil_affairs").get_json()
    assert body["allowed"] == []
    refused = api.post(f"/tasks/{review['id']}/return", {"target_element_id": "submit", "comment": "退回"},
                       as_user="civil_affairs")
    assert refused.status_code == 403 and "allowedOperations" in refused.get_json()["error"]["message"]


def test_verification_catches_a_holder_changed_behind_the_journal(api: ApiClient) -> None:
    case_id, task_id = village_case_at_draft_plan(api)
    moved = api.post(f"/tasks/{task_id}/transfer", {"to_user": "street_a_wang", "comment": "请王芳办理"},
                     as_user="street_a")
    assert moved.status_code == 200
    assert verdict(api, case_id)["ok"] is True
    with api.engine.db.writer() as session, session.begin():
        session.execute(update(HumanTask).where(HumanTask.instance_id == case_id, HumanTask.state == "ready")
                        .values(assignee="street_a"))
    broken = verdict(api, case_id)
    assert broken["ok"] is False and "办理人与日志重放的结果不符" in broken["reason"]


def test_verification_catches_a_snapshot_whose_holders_differ(api: ApiClient) -> None:
    case_id, task_id = village_case_at_draft_plan(api)
    assert api.post(f"/tasks/{task_id}/delegate", {"to_user": "street_a_wang", "comment": "请王芳初拟"},
                    as_user="street_a").status_code == 200
    with api.engine.db.writer() as session, session.begin():
        instance = session.get(ProcessInstance, case_id)
        assert instance is not None
        session.execute(update(ProcessInstance).where(ProcessInstance.id == case_id)
                        .values(snapshot=instance.snapshot.replace('"delegated_by": "street_a"',
                                                                   '"delegated_by": "street_b"')))
    broken = verdict(api, case_id)
    assert broken["ok"] is False and "办理人或加签状态" in broken["reason"], broken


@pytest.fixture
def clocked(template_db: Path, tmp_path: Path) -> Iterator[tuple[ApiClient, FixedClock]]:
    clock = FixedClock(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    settings: Settings = fresh_settings(template_db, tmp_path)
    app = create_app(settings, engine=WorkflowEngine(settings, clock=clock))
    try:
        yield ApiClient(app, app.test_client()), clock
    finally:
        app.extensions["workflow_engine"].db.dispose()


def test_a_step_is_urged_again_only_after_the_interval(clocked: tuple[ApiClient, FixedClock]) -> None:
    api, clock = clocked
    case_id, _ = village_case_at_draft_plan(api)
    assert api.post(f"/process-instances/{case_id}/urge", {"comment": "请尽快拟定方案"}, as_user="civil_affairs"
                    ).status_code == 200
    clock.advance(timedelta(minutes=20))
    again = api.post(f"/process-instances/{case_id}/urge", {}, as_user="civil_affairs")
    assert again.status_code == 429
    assert again.headers["Retry-After"] == str(40 * 60)
    assert "40 分钟后" in again.get_json()["error"]["message"]
    clock.advance(timedelta(minutes=40))
    assert api.post(f"/process-instances/{case_id}/urge", {}, as_user="street_a").status_code == 200
    urges = [n for n in api.get("/notifications?kind=urge", as_user="street_a_wang").get_json()]
    assert [n["actor"] for n in urges] == ["street_a", "civil_affairs"]  # newest first; the colleague is told too
    # street_a urged themselves among the holders: no notice to oneself
    assert [n for n in api.get("/notifications?kind=urge", as_user="street_a").get_json()
            if n["actor"] == "street_a"] == []
    assert verdict(api, case_id)["ok"] is True


def test_notifications_and_copies_are_read_one_by_one(api: ApiClient) -> None:
    case_id, _ = village_case_at_draft_plan(api)
    assert api.post(f"/process-instances/{case_id}/cc", {"users": ["street_b"], "comment": "供参考"},
                    as_user="street_a").status_code == 200
    listed = api.get("/notifications", as_user="street_b")
    assert listed.headers["X-Unread-Count"] == "1" and listed.headers["X-Total-Count"] == "1"
    [notice] = listed.get_json()
    assert (notice["kind"], notice["kind_name"], notice["actor_name"], notice["comment"]) == (
        "cc", "抄送", "甲街道办 张敏", "供参考")
    assert api.post(f"/notifications/{notice['id']}/read", as_user="street_a").status_code == 404  # not theirs
    read = api.post(f"/notifications/{notice['id']}/read", as_user="street_b").get_json()
    assert read["read"] is True
    assert api.get("/notifications/unread-count", as_user="street_b").get_json() == {"unread": 0}
    [copy] = api.get("/copies?read=false", as_user="street_b").get_json()
    assert (copy["copied_by_name"], copy["element_id"], copy["read"]) == ("甲街道办 张敏", "draft_plan", False)
    assert api.post(f"/copies/{copy['id']}/read", as_user="street_a_wang").status_code == 404
    assert api.post(f"/copies/{copy['id']}/read", as_user="street_b").get_json()["read"] is True
    assert api.get("/copies?read=false", as_user="street_b").get_json() == []
    assert api.get("/copies?read=true", as_user="street_b").headers["X-Total-Count"] == "1"
    # copied again: unread again, still one copy
    assert api.post(f"/process-instances/{case_id}/cc", {"users": ["street_b"]}, as_user="street_a").status_code == 200
    assert [c["read"] for c in api.get("/copies", as_user="street_b").get_json()] == [False]


def test_a_script_failing_when_the_last_signer_signs_stops_the_case_and_replays(api: ApiClient) -> None:
    deploy(api.engine, loop_variant(script=b"total = amount / 0"))
    for user in ("civil_affairs", "civil_affairs_qian"):
        api.token(user)
    case_id, sign_a, sign_b = drive_to_signing(api)
    assert api.complete(sign_a, "street_a", {"agree": True}).status_code == 200
    added = api.post(f"/tasks/{sign_b}/add-signers",
                     {"users": ["civil_affairs_qian"], "mode": "after", "comment": "复核"}, as_user="civil_affairs")
    assert added.status_code == 200, added.get_json()
    submitted = api.complete(sign_b, "civil_affairs", {"agree": True}, "同意")
    assert submitted.status_code == 200 and submitted.get_json()["active_tasks"][0]["held"] is True
    signer_row = submitted.get_json()["sign_tasks"][0]["id"]
    signed = api.complete(signer_row, "civil_affairs_qian", {"agree": True}, "复核同意")
    assert signed.status_code == 200
    case = signed.get_json()
    assert case["status"] == "error" and "division by zero" in case["error"]
    assert [t["element_id"] for t in case["active_tasks"]] == ["sign_b"]  # nothing of the signature was applied
    assert verdict(api, case_id)["ok"] is True
    with api.engine.db.reader() as session:
        check_case(session, api.engine.registry, case_id)


def test_the_case_as_it_stood_after_every_operation_entry(api: ApiClient) -> None:
    case_id, task_id = village_case_at_draft_plan(api)
    moved = api.post(f"/tasks/{task_id}/transfer", {"to_user": "street_a_wang", "comment": "请王芳办理"},
                     as_user="street_a")
    new_row = moved.get_json()["active_tasks"][0]["id"]
    assert api.post(f"/tasks/{new_row}/add-signers", {"users": ["street_a"], "mode": "before", "comment": "请张敏先看"},
                    as_user="street_a_wang").status_code == 200
    history = api.get(f"/process-instances/{case_id}/history", as_user="admin").get_json()
    commands = [e["command"] for e in history]
    assert commands[-2:] == ["transfer", "add_signers"]
    assert history[-2]["detail"] == "转办给 甲街道办 王芳" and history[-2]["actor_name"] == "甲街道办 张敏"
    assert history[-1]["detail"] == "前加签：甲街道办 张敏"
    for entry in history:
        state = api.get(f"/process-instances/{case_id}/history/{entry['seq']}/state", as_user="auditor")
        assert state.status_code == 200, (entry["seq"], state.get_json())
    assert verdict(api, case_id)["ok"] is True
