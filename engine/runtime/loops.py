"""Loop compaction: a case sent back to an earlier task restarts that task's first occurrence.

Without it the live tree would grow by a round each time a case is returned for correction, and every
command would cost more the more often the case had been returned; the journal keeps the full history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task

from engine.runtime.observation import bpmn_id, ready_user_tasks
from engine.runtime.steps import _LIVE, StepRecorder

# Which data a loop reset carries when the two readings differ (see compact_loops): the round's
# (``carried``), or, for journals written before the engine carried it, what the reset used to leave
# (``legacy``). Replay installs a chooser that keeps the one the journal recorded.
LoopDataChooser = Callable[[BpmnWorkflow, Task, dict[str, Any], dict[str, Any]], dict[str, Any]]
_LOOP_DATA: ContextVar[LoopDataChooser | None] = ContextVar("loop_data_chooser", default=None)


@contextmanager
def choose_loop_data(chooser: LoopDataChooser) -> Iterator[None]:
    """Let ``chooser(workflow, task, carried, legacy)`` pick the data a reset task carries on with."""
    token = _LOOP_DATA.set(chooser)
    try:
        yield
    finally:
        _LOOP_DATA.reset(token)


def compact_loops(recorder: StepRecorder) -> None:
    """Reset loops: a ready task that already ran earlier in its lineage restarts from there."""
    workflow = recorder.workflow
    changed = True
    while changed:
        changed = False
        for task in ready_user_tasks(workflow):
            first = _first_occurrence(task)
            if first is None or not _only_live_branch(workflow, first, task):
                continue
            data = deepcopy(task.data)
            workflow.reset_from_task_id(first.id, data=deepcopy(data))
            # The reset merges the data of the first round's parent back over the task's
            # (SpiffWorkflow's _update inherits from the parent), which would undo what the round
            # wrote to values that existed before it (a script's counter, a corrected start field).
            # The task carries on with exactly what its later occurrence had.
            if first.data != data:
                chooser = _LOOP_DATA.get()
                first.data = data if chooser is None else chooser(workflow, first, data, first.data)
            step = recorder.step_for(first, command="loop_reset")
            if step is not None:
                step.result = {"reset_to": bpmn_id(first)}
                recorder.add(step)
            changed = True
            break


def _first_occurrence(task: Task) -> Task | None:
    first = None
    node = task.parent
    while node is not None:
        if node.task_spec is task.task_spec:
            first = node
        node = node.parent
    return first


def _only_live_branch(workflow: BpmnWorkflow, first: Task, task: Task) -> bool:
    """Resetting ``first`` is safe only if the looping task is the sole live token below it."""
    for other in first:
        if other is task or not other.has_state(_LIVE):
            continue
        if not other.is_descendant_of(task):
            return False
    return True
