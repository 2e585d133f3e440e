"""What a workflow looks like to the engine: its ready user tasks, its data, its :class:`CaseState`.

Read-only: nothing here changes a workflow. :func:`observe` gives the case's state and its ready user
tasks in one walk of the tree; the state is what each journal entry's state hash covers.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.audit.journal import CaseState
from engine.definitions.compile import CompiledDefinition
from engine.runtime import callees
from engine.runtime.spiff_compat import state_of
from engine.runtime.task_walk import is_completed, tasks_in_state


def bpmn_id(task: Task) -> str | None:
    return getattr(task.task_spec, "bpmn_id", None)


def ready_user_tasks(workflow: BpmnWorkflow) -> list[Task]:
    return [t for t in tasks_in_state(workflow, TaskState.READY) if t.task_spec.manual and bpmn_id(t)]


def ready_user_task(workflow: BpmnWorkflow, spiff_task_id: str) -> Task | None:
    """The ready user task with this id, or None (a lookup by id, no walk of the tree)."""
    try:
        task = workflow.get_task_from_id(UUID(spiff_task_id))
    except (TaskNotFoundException, ValueError):
        return None
    return task if task.has_state(TaskState.READY) and task.task_spec.manual and bpmn_id(task) else None


def case_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    if is_completed(workflow):
        last = workflow.last_task
        return dict(last.data) if last is not None else {}
    merged: dict[str, Any] = {}
    for task in tasks_in_state(workflow, _DATA_STATES):
        merged.update(task.data)
    return merged


def _end_event(definition: CompiledDefinition, workflow: BpmnWorkflow) -> str | None:
    # the process's own end events: one inside a subprocess ends only the subprocess
    ends = [t for t in tasks_in_state(workflow, TaskState.COMPLETED)
            if (eid := bpmn_id(t)) and definition.elements.get(eid, None) is not None
            and definition.elements[eid].type == "endEvent" and t.workflow is workflow]
    if not ends:
        return None
    # The end event that finished the process is the one whose join into the process end completed
    # (SpiffWorkflow cancels the others' joins): read from the tree, never from the wall clock.
    finishing = [t for t in ends if any(c.has_state(TaskState.COMPLETED) for c in t.children)]
    last = (finishing or ends)[-1]
    return definition.elements[bpmn_id(last) or ""].name


def case_state(definition: CompiledDefinition, workflow: BpmnWorkflow) -> CaseState:
    return observe(definition, workflow)[0]


def observe(definition: CompiledDefinition, workflow: BpmnWorkflow) -> tuple[CaseState, list[Task]]:
    """The case's state and its ready user tasks (as :func:`ready_user_tasks`), in one walk of the tree."""
    completed: list[str] = []
    active: list[dict[str, Any]] = []
    ready: list[Task] = []
    # One walk serves the element lists, the data and the ready tasks: case_data's tasks (ready, waiting,
    # error) and ready_user_tasks' are subsets of these, visited in the same order (the walk's mask
    # descends under the same rule as theirs), so collecting them here gives the same lists.
    finished = is_completed(workflow)
    merged: dict[str, Any] = {}
    elements = definition.elements
    foreign = callees.foreign_workflows(workflow)  # a called procedure's elements are not on this diagram
    for task in tasks_in_state(workflow, _OBSERVED_STATES):
        state = state_of(task)
        if state & _DATA_STATES:
            if not finished:
                merged.update(task.data)
            if state == TaskState.READY and task.task_spec.manual and bpmn_id(task):
                ready.append(task)
        element = getattr(task.task_spec, "bpmn_id", None)
        if element is None or element not in elements or (foreign and task.workflow in foreign):
            continue
        if state & TaskState.COMPLETED:
            completed.append(element)
        else:
            active.append({"element_id": element, "state": _STATE_NAMES.get(state) or TaskState.get_name(state)})
    return CaseState(
        completed=completed,
        active=active,
        data=case_data(workflow) if finished else merged,
        finished=finished,
        end_event=_end_event(definition, workflow) if finished else None,
    ), ready


_DATA_STATES = TaskState.READY | TaskState.WAITING | TaskState.ERROR
_OBSERVED_STATES = TaskState.COMPLETED | TaskState.READY | TaskState.WAITING | TaskState.ERROR | TaskState.STARTED
_STATE_NAMES = {value: TaskState.get_name(value) for value in (TaskState.READY, TaskState.WAITING,
                                                                TaskState.ERROR, TaskState.STARTED)}
