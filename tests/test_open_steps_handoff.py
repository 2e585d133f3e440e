"""The open steps the task sync hands to the time-limit hook are the rows a fresh SELECT gives at that moment.

A hook registered after the others compares, on every command, what ``open_steps_known`` says with a read of
the ready ``kind = 'task'`` rows (a row the sync inserted has id None there: its id must come after every
other). Driven through an excluded step (the clock pauses and resumes, journalling the open elements), a
step with a 环节时限 opened by the command (the hook reads then), and the access list's parallel steps.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions.compile import CompiledDefinition
from engine.settings import Settings
from engine.store.case_store import open_steps_known
from engine.store.models import HumanTask, ProcessInstance
from engine.timers import hooks
from tests.hostile_support import LOOP_BPMN, complete_step, deploy, drive_to_signing
from tests.timer_support import FIXTURES, TIMER_FORMS, TimerHarness, make_harness

LIMIT_BPMN = (FIXTURES / "limit_approval.bpmn").read_bytes()


def _read(session: Session, instance_id: int) -> list[tuple[int, str]]:
    return [(row.id, row.element_id) for row in session.execute(
        select(HumanTask.id, HumanTask.element_id)
        .where(HumanTask.instance_id == instance_id, HumanTask.state == "ready", HumanTask.kind == "task")
        .order_by(HumanTask.id))]


@pytest.fixture
def compared() -> Iterator[list[int]]:
    """Registers the comparing hook; yields the number of commands whose steps were handed on."""
    handed: list[int] = []

    def compare(session: Session, instance: ProcessInstance, definition: CompiledDefinition, workflow: Any,
                at: datetime) -> None:
        known = open_steps_known(session, instance.id)
        if known is None:
            return
        read = _read(session, instance.id)
        assert [element for _, element in known] == [element for _, element in read]
        given = [task_id for task_id, _ in known if task_id is not None]
        assert given == [task_id for task_id, _ in read][:len(given)]  # the rows read first, then the new ones
        handed.append(instance.id)

    entry = (lambda definition: True, compare)
    hooks.AFTER_SYNC.append(entry)
    try:
        yield handed
    finally:
        hooks.AFTER_SYNC.remove(entry)


@pytest.fixture
def limits(backend_settings: Settings) -> Iterator[TimerHarness]:
    for harness in make_harness(backend_settings, at=datetime(2025, 9, 23, 2, tzinfo=UTC)):
        harness.deploy(LIMIT_BPMN, TIMER_FORMS)
        yield harness


def test_handed_steps_match_a_fresh_read_through_pause_resume_and_a_task_limit(
        limits: TimerHarness, compared: list[int]) -> None:
    h = limits
    case_id = h.start("limit_approval")
    h.complete(case_id, "accept", "street_a", {"agree": True})  # 专家评审 opens: clock_paused
    h.complete(case_id, "expert", "civil_affairs", {"agree": True})  # clock_resumed; decide has a 环节时限
    commands = [e["command"] for e in h.api.get(f"/process-instances/{case_id}/history",
                                                 as_user="auditor").get_json()]
    assert "clock_paused" in commands and "clock_resumed" in commands
    assert compared.count(case_id) == 3  # start and both completions


def test_handed_steps_match_on_parallel_steps(api: Any, compared: list[int]) -> None:
    from bench.scenario import HAPPY_PATH, KEY, START_DATA, STARTER  # the benchmark's 社区事务准入 case

    response = api.start(STARTER, KEY, dict(START_DATA))
    assert response.status_code == 201, response.get_json()
    case_id = int(response.get_json()["id"])
    for element, (user, data) in HAPPY_PATH.items():  # ends with 公示 and 台账 open side by side
        task = api.open_task(case_id, element, user)
        assert api.complete(task["id"], user, dict(data)).status_code == 200
    assert compared.count(case_id) == 1 + len(HAPPY_PATH)


# loop_approval with a second street step after 街道会签: completing it while 民政会签 stays open inserts a row
# after one that was read
SECOND_STEP = ('<bpmn:userTask id="sign_a2" name="街道复签"><bpmn:extensionElements><spiffworkflow:properties>'
               '<spiffworkflow:property name="formJsonSchemaFilename" value="sign.schema.json" />'
               '</spiffworkflow:properties></bpmn:extensionElements><bpmn:incoming>Flow_a_done</bpmn:incoming>'
               '<bpmn:outgoing>Flow_a2_done</bpmn:outgoing></bpmn:userTask>'
               '<bpmn:sequenceFlow id="Flow_a2_done" sourceRef="sign_a2" targetRef="join" />').encode()


def _with_second_step() -> bytes:
    bpmn = LOOP_BPMN
    for old, new in ((b'<bpmn:sequenceFlow id="Flow_a_done" sourceRef="sign_a" targetRef="join" />',
                      b'<bpmn:sequenceFlow id="Flow_a_done" sourceRef="sign_a" targetRef="sign_a2" />' + SECOND_STEP),
                     (b'<bpmn:incoming>Flow_a_done</bpmn:incoming>\n      <bpmn:incoming>Flow_b_done',
                      b'<bpmn:incoming>Flow_a2_done</bpmn:incoming>\n      <bpmn:incoming>Flow_b_done'),
                     (b'<bpmn:flowNodeRef>sign_a</bpmn:flowNodeRef>',
                      b'<bpmn:flowNodeRef>sign_a</bpmn:flowNodeRef><bpmn:flowNodeRef>sign_a2</bpmn:flowNodeRef>')):
        assert old in bpmn
        bpmn = bpmn.replace(old, new)
    return bpmn


def test_handed_steps_match_when_a_step_opens_beside_an_open_one(api: Any, compared: list[int]) -> None:
    deploy(api.engine, _with_second_step())
    case_id, _, _ = drive_to_signing(api)
    response = complete_step(api, case_id, "sign_a", "street_a", {"agree": True})
    assert response.status_code == 200, response.get_json()
    assert sorted(t["element_id"] for t in response.get_json()["active_tasks"]) == ["sign_a2", "sign_b"]
    assert compared.count(case_id) == 4


def test_handed_steps_leave_out_the_signers_rows(api: Any, compared: list[int]) -> None:
    deploy(api.engine, _with_second_step())
    api.token("civil_affairs_qian")
    case_id, sign_a, sign_b = drive_to_signing(api)
    added = api.post(f"/tasks/{sign_b}/add-signers",
                     {"users": ["civil_affairs_qian"], "mode": "after", "comment": "复核"}, as_user="civil_affairs")
    assert added.status_code == 200, added.get_json()
    submitted = api.complete(sign_b, "civil_affairs", {"agree": True}, "同意")
    assert submitted.status_code == 200 and submitted.get_json()["sign_tasks"]  # a signer's row is open
    before = compared.count(case_id)
    response = api.complete(sign_a, "street_a", {"agree": True})  # reads sign_b, its signer's row; opens sign_a2
    assert response.status_code == 200, response.get_json()
    assert compared.count(case_id) == before + 1
