"""Which end event a finished case names: the one that finished it, read from the task tree (not the clock)."""

from __future__ import annotations

import pytest

from engine.definitions.compile import compile_definition
from engine.runtime import runner
from engine.runtime.runner import bpmn_id, ready_user_tasks
from tests.hostile_support import LOOP_BPMN, LOOP_FORMS

# loop_approval with sign_b ending at its own end event: each countersigning branch ends separately
TWO_ENDS = (LOOP_BPMN
            .replace(b'<bpmn:sequenceFlow id="Flow_b_done" sourceRef="sign_b" targetRef="join" />',
                     b'<bpmn:sequenceFlow id="Flow_b_done" sourceRef="sign_b" targetRef="end_b" />')
            .replace(b'<bpmn:incoming>Flow_b_done</bpmn:incoming>\n      <bpmn:outgoing>Flow_join</bpmn:outgoing>',
                     b'<bpmn:outgoing>Flow_join</bpmn:outgoing>')
            .replace(b'<bpmn:endEvent id="end_rejected"',
                     '<bpmn:endEvent id="end_b" name="民政会签结束"><bpmn:incoming>Flow_b_done</bpmn:incoming>'
                     '</bpmn:endEvent><bpmn:endEvent id="end_rejected"'.encode())
            .replace(b'<bpmn:flowNodeRef>end_rejected</bpmn:flowNodeRef>',
                     b'<bpmn:flowNodeRef>end_rejected</bpmn:flowNodeRef><bpmn:flowNodeRef>end_b</bpmn:flowNodeRef>')
            .replace(b'<bpmn:parallelGateway id="join"', b'<bpmn:exclusiveGateway id="join"')
            .replace(b'</bpmn:parallelGateway>\n    <bpmn:scriptTask',
                     b'</bpmn:exclusiveGateway>\n    <bpmn:scriptTask'))


@pytest.mark.parametrize(("order", "expected"), [(["sign_a", "sign_b"], "民政会签结束"),
                                                 (["sign_b", "sign_a"], "已批准")])
def test_the_end_event_that_finished_the_case_is_named(order: list[str], expected: str) -> None:
    definition = compile_definition(TWO_ENDS, LOOP_FORMS, {"street_office", "civil_affairs"})
    workflow, _ = runner.start_case(definition, {})

    def complete(element: str, data: dict) -> None:
        task = next(t for t in ready_user_tasks(workflow) if bpmn_id(t) == element)
        runner.complete_task(definition, workflow, task, data)

    complete("submit", {"title": "会签", "amount": 1})
    complete("review", {"decision": "pass"})
    for element in order:
        complete(element, {"agree": True})
    state = runner.case_state(definition, workflow)
    assert state.finished and state.end_event == expected
    # the clock SpiffWorkflow keeps on each task plays no part: reverse it and nothing changes
    times = sorted(t.last_state_change for t in workflow.tasks.values())
    for task, at in zip(workflow.tasks.values(), reversed(times), strict=True):
        task.last_state_change = at
    assert runner.case_state(definition, workflow).digest() == state.digest()
