"""engine.runtime.task_walk gives exactly what SpiffWorkflow's own iterator gives, at every step of real cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from SpiffWorkflow.workflow import Workflow

from engine.runtime import runner
from engine.runtime.task_walk import CaseWorkflow, is_completed, tasks_in_state
from engine.service import WorkflowEngine
from tests.sample_cases import deploy_loop, drive_sample_cases
from tests.support import fresh_settings

MASKS = [TaskState.READY, TaskState.COMPLETED, TaskState.WAITING | TaskState.READY | TaskState.ERROR,
         TaskState.COMPLETED | TaskState.READY | TaskState.WAITING | TaskState.ERROR | TaskState.STARTED,
         TaskState.MAYBE | TaskState.LIKELY, TaskState.FUTURE, TaskState.ANY_MASK, TaskState.NOT_FINISHED_MASK,
         TaskState.CANCELLED, TaskState.FINISHED_MASK]


def _check(workflow: BpmnWorkflow) -> None:
    assert isinstance(workflow, CaseWorkflow)
    for mask in MASKS:  # SpiffWorkflow's own iterator, not CaseWorkflow's override
        expected = Workflow.get_tasks(workflow, state=mask)
        assert tasks_in_state(workflow, mask) == expected, TaskState.get_name(mask)
        assert workflow.get_tasks(state=mask) == expected
    expected = Workflow.get_tasks(workflow, state=TaskState.READY)
    assert runner.ready_user_tasks(workflow) == [t for t in expected if t.task_spec.manual and runner.bpmn_id(t)]
    ours = is_completed(workflow)
    workflow.completed = False  # SpiffWorkflow remembers a True answer: ask it afresh
    assert ours == Workflow.is_completed(workflow)
    assert workflow.completed == ours


def test_walks_match_spiffworkflow_at_every_step(template_db: Path, tmp_path: Path) -> None:
    engine = WorkflowEngine(fresh_settings(template_db, tmp_path))
    seen: list[int] = []

    def observer(_step: Any, workflow: BpmnWorkflow) -> None:
        _check(workflow)
        seen.append(1)

    try:
        deploy_loop(engine)
        drive_sample_cases(engine, observer)
    finally:
        engine.db.dispose()
    assert len(seen) > 20
