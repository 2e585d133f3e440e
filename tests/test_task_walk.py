"""engine.runtime.task_walk gives exactly what SpiffWorkflow's own iterator gives, at every step of real cases."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskIterator, TaskState
from SpiffWorkflow.workflow import Workflow

from engine.runtime import runner
from engine.runtime.task_walk import CaseWorkflow, is_completed, iter_tasks_in_state, tasks_in_state
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
        assert list(iter_tasks_in_state(workflow, mask)) == expected, TaskState.get_name(mask)
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


def _check_waiting_update(workflow: BpmnWorkflow) -> int:
    """CaseWorkflow.update_waiting_tasks visits what SpiffWorkflow's visits, in its order, with the same effect."""
    if workflow.subprocesses:
        return 0
    ours, theirs = deepcopy(workflow), deepcopy(workflow)
    seen_ours: list[Any] = []
    seen_theirs: list[Any] = []
    for task in iter_tasks_in_state(ours, TaskState.WAITING):
        seen_ours.append(task.id)
        task.task_spec._update(task)
    for task in TaskIterator(theirs.task_tree, state=TaskState.WAITING):
        seen_theirs.append(task.id)
        task.task_spec._update(task)
    assert seen_ours == seen_theirs
    assert {t.id: (t.state, t._children) for t in ours.tasks.values()} == \
        {t.id: (t.state, t._children) for t in theirs.tasks.values()}
    return len(seen_ours)


def test_waiting_update_matches_spiffworkflow_at_every_step(template_db: Path, tmp_path: Path) -> None:
    engine = WorkflowEngine(fresh_settings(template_db, tmp_path))
    waiting: list[int] = []
    try:
        deploy_loop(engine)
        drive_sample_cases(engine, lambda _step, workflow: waiting.append(_check_waiting_update(workflow)))
    finally:
        engine.db.dispose()
    assert sum(waiting) > 0  # the countersigning's join waits
