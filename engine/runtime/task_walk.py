"""Walking a workflow's task tree without SpiffWorkflow's iterator overhead.

``workflow.get_tasks(state=…)`` runs a general iterator (filters, depth
bookkeeping, a subprocess lookup per task): most of a command's time went into
it, several times per step. :func:`tasks_in_state` returns exactly
the same tasks in exactly the same order — depth first, pre-order, descending
into a task's children under the same rule (the task has children, its state
is at least the mask's minimum, it is less than 1,000 levels deep) — with a
plain stack. A workflow with subprocesses goes through SpiffWorkflow's own
iterator, which also descends into them.

:class:`CaseWorkflow` is the ``BpmnWorkflow`` the engine runs cases in: the
same workflow, whose state-only task queries (SpiffWorkflow asks one after
every engine step) and completion check use these walks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from SpiffWorkflow.workflow import Workflow

from engine.runtime.spiff_compat import child_ids_of, state_of, update_task

_MAX_DEPTH = 1000  # TaskIterator's default max_depth


def _min_state(mask: int) -> int:
    """The least state a task needs for the iterator to look at its children (TaskIterator.__init__)."""
    if mask & TaskState.PREDICTED_MASK:
        return TaskState.MAYBE
    if mask & TaskState.DEFINITE_MASK:
        return TaskState.FUTURE
    return TaskState.COMPLETED


def tasks_in_state(workflow: BpmnWorkflow, mask: int) -> list[Task]:
    """``workflow.get_tasks(state=mask)``: the same list, faster."""
    if workflow.subprocesses:
        return Workflow.get_tasks(workflow, state=mask)
    min_state = _min_state(mask)
    lookup = workflow.tasks.get
    found: list[Task] = []
    stack: list[tuple[Task, int]] = [(workflow.task_tree, 0)]
    pop, push = stack.pop, stack.extend
    while stack:
        task, depth = pop()
        state = state_of(task)
        if state & mask:
            found.append(task)
        children = child_ids_of(task)
        if children and state >= min_state and depth < _MAX_DEPTH:
            depth += 1
            push([(lookup(child), depth) for child in reversed(children)])  # type: ignore[misc]
    return found


def iter_tasks_in_state(workflow: BpmnWorkflow, mask: int) -> Iterator[Task]:
    """``TaskIterator(workflow.task_tree, state=mask)`` without subprocesses: lazily, as SpiffWorkflow's iterator
    goes, so a caller that changes the tree while it iterates sees what the iterator would have shown it (a
    task's children are read when the task is reached, before it is handed out; a task's state when it is
    reached)."""
    min_state = _min_state(mask)
    lookup = workflow.tasks.get
    stack: list[tuple[Task, int]] = [(workflow.task_tree, 0)]
    pop, push = stack.pop, stack.extend
    while stack:
        task, depth = pop()
        state = state_of(task)
        children = child_ids_of(task)
        if children and state >= min_state and depth < _MAX_DEPTH:
            push([(lookup(child), depth + 1) for child in reversed(children)])  # type: ignore[misc]
        if state & mask:
            yield task


def is_completed(workflow: BpmnWorkflow) -> bool:
    """``workflow.is_completed()`` (which also remembers a True answer on the workflow), faster."""
    if workflow.completed:
        return True
    lookup = workflow.tasks.get
    stack: list[tuple[Task, int]] = [(workflow.task_tree, 0)]
    pop, push = stack.pop, stack.extend
    unfinished = TaskState.NOT_FINISHED_MASK
    while stack:
        task, depth = pop()
        if state_of(task) & unfinished:
            return False
        children = child_ids_of(task)
        if children and depth < _MAX_DEPTH:  # every state is at least MAYBE, the mask's minimum
            depth += 1
            push([(lookup(child), depth) for child in reversed(children)])  # type: ignore[misc]
    workflow.completed = True
    return True


class CaseWorkflow(BpmnWorkflow):
    """A ``BpmnWorkflow`` whose ``get_tasks(state=…)``, ``is_completed()`` and ``update_waiting_tasks()`` (run
    after every task that completes) use the walks above.

    Same answers (tests/test_task_walk.py compares them with SpiffWorkflow's at every step of real cases);
    any other query goes to SpiffWorkflow. Snapshots name it ``BpmnWorkflow``, as before (engine/runtime/snapshot.py).
    """

    def get_tasks(self, first_task: Task | None = None, **kwargs: Any) -> list[Task]:
        if first_task is None and len(kwargs) == 1 and "state" in kwargs:
            return tasks_in_state(self, kwargs["state"])
        return super().get_tasks(first_task, **kwargs)

    def is_completed(self) -> bool:
        return is_completed(self)

    def update_waiting_tasks(self) -> None:
        if self.subprocesses:
            super().update_waiting_tasks()
            return
        for task in iter_tasks_in_state(self, TaskState.WAITING):
            update_task(task)
