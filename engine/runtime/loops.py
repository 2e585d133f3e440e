"""Loop compaction: a case sent back to an earlier task restarts that task's first occurrence.

Without it the live tree would grow by a round each time a case is returned for correction, and every
command would cost more the more often the case had been returned; the journal keeps the full history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task

from engine.runtime.data_copy import copy_data
from engine.runtime.observation import bpmn_id, ready_user_tasks
from engine.runtime.spiff_compat import child_ids_of, parent_id_of, reset_plain, state_of
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
    """Reset loops: a ready task that already ran earlier in its lineage restarts from there.

    Each pass looks at the ready user tasks (one walk of the tree), climbs each one's ancestors by raw
    parent ids and, for a candidate, walks only the subtree of its first occurrence: the same answers as
    SpiffWorkflow's properties and iterator, without resolving every id to a task on the way.
    """
    workflow = recorder.workflow
    changed = True
    while changed:
        changed = False
        for task in ready_user_tasks(workflow):
            first = _first_occurrence(task)
            if first is None or not _only_live_branch(first, task):
                continue
            # The later occurrence is dropped by the reset, which leaves its data as it was: it is what the
            # task carries on with, copied once for the reset and once more only if the reset changed it.
            carried = task.data
            if not reset_plain(workflow, first, copy_data(carried)):
                workflow.reset_from_task_id(first.id, data=copy_data(carried))
            # The reset merges the data of the first round's parent back over the task's
            # (SpiffWorkflow's _update inherits from the parent), which would undo what the round
            # wrote to values that existed before it (a script's counter, a corrected start field).
            # The task carries on with exactly what its later occurrence had.
            if first.data != carried:
                data = copy_data(carried)
                chooser = _LOOP_DATA.get()
                first.data = data if chooser is None else chooser(workflow, first, data, first.data)
            step = recorder.step_for(first, command="loop_reset")
            if step is not None:
                step.result = {"reset_to": bpmn_id(first)}
                recorder.add(step)
            changed = True
            break


def _first_occurrence(task: Task) -> Task | None:
    """The earliest ancestor of ``task`` with the same spec (``task.parent`` up to the root)."""
    first = None
    lookup = task.workflow.tasks.get
    spec = task.task_spec
    parent = parent_id_of(task)
    while parent is not None:
        node = lookup(parent)
        if node is None:
            break
        if node.task_spec is spec:
            first = node
        parent = parent_id_of(node)
    return first


_MAX_DEPTH = 1000  # TaskIterator's default max_depth, as ``for other in first`` walked


def _only_live_branch(first: Task, task: Task) -> bool:
    """Resetting ``first`` is safe only if the looping task is the sole live token below it.

    Every live task of ``first``'s subtree (walked as ``iter(first)`` does, in any state) must be ``task`` or
    one of its descendants: the walk does not enter ``task``'s subtree and fails on any other live task."""
    lookup = first.workflow.tasks.get
    stack: list[tuple[Task, int]] = [(first, 0)]
    while stack:
        node, depth = stack.pop()
        if node is task:
            continue
        if state_of(node) & _LIVE:
            return False
        children = child_ids_of(node)
        if children and depth < _MAX_DEPTH:
            stack.extend((lookup(child), depth + 1) for child in children)  # type: ignore[misc]
    return True
