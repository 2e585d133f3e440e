"""Arming and cancelling a case's timer rows in the transaction of the command that moved the case.

After every command the rows of kind ``event`` match the timers the workflow waits for,
as human-task rows match its ready user tasks: a timer that began waiting is armed with
its due instant (computed from the command's recorded time), one that stopped waiting
(its task was completed, its case terminated, its gateway took another branch) is
cancelled and never fires.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from engine.definitions.compile import CompiledDefinition
from engine.errors import BadRequest
from engine.runtime.task_walk import tasks_in_state
from engine.sandbox.evaluator import SandboxError
from engine.store.models import ProcessInstance, Timer
from engine.timers import iso
from engine.timers.events import timer_elements

_timers = Timer.__table__


def waiting_timers(workflow: BpmnWorkflow) -> list[tuple[Task, str]]:
    """Every (waiting task, timer element) in tree order, the order replay finds them in too."""
    found: list[tuple[Task, str]] = []
    for task in tasks_in_state(workflow, TaskState.WAITING):
        found.extend((task, element_id) for element_id, _ in timer_elements(task))
    return found


def find_waiting(workflow: BpmnWorkflow, element_id: str, ordinal: int = 0) -> Task | None:
    same = [task for task, element in waiting_timers(workflow) if element == element_id]
    return same[ordinal] if 0 <= ordinal < len(same) else None


def ordinal_of(workflow: BpmnWorkflow, task: Task, element_id: str) -> int:
    same = [t for t, element in waiting_timers(workflow) if element == element_id]
    return same.index(task)


def timer_value(definition: CompiledDefinition, workflow: BpmnWorkflow, task: Task, element_id: str) -> str:
    """The ISO value of a timer: as written, or its expression evaluated over the task's data."""
    info = definition.timers[element_id]
    if info.literal:
        return info.text
    name = definition.elements[element_id].name
    try:
        value = workflow.script_engine.evaluate(task, info.text)
    except (SpiffWorkflowException, SandboxError, Exception) as exc:
        raise BadRequest(f"定时事件「{name}」的定时表达式无法求值：{exc}") from exc
    if not isinstance(value, str):
        raise BadRequest(f"定时事件「{name}」的定时表达式须得出 ISO 8601 文本，得出的是 {type(value).__name__}")
    try:
        iso.check(info.kind, value)
    except iso.TimerValueError as exc:
        raise BadRequest(f"定时事件「{name}」的定时值无效：{exc}") from exc
    return value


def arm_row(instance: ProcessInstance, spiff_task_id: str, element_id: str, value: str, due: datetime,
            at: datetime, cycle: int | None) -> dict[str, Any]:
    return {"instance_id": instance.id, "definition_id": instance.definition_id, "spiff_task_id": spiff_task_id,
            "element_id": element_id, "kind": "event", "expression": value[:500], "cycle": cycle,
            "deadline_id": None, "due_at": due, "state": "armed", "claimed_by": None, "claimed_until": None,
            "created_at": at, "fired_at": None, "cancelled_at": None}


def sync_timers(session: Session, instance: ProcessInstance, definition: CompiledDefinition,
                workflow: BpmnWorkflow, at: datetime) -> None:
    waiting = {(str(task.id), element): task for task, element in waiting_timers(workflow)}
    conn = session.connection()
    armed = conn.execute(select(_timers.c.id, _timers.c.spiff_task_id, _timers.c.element_id)
                         .where(_timers.c.instance_id == instance.id, _timers.c.kind == "event",
                                _timers.c.state == "armed")).all()
    seen: set[tuple[str, str]] = set()
    stale = []
    for row_id, spiff_id, element in armed:
        if (spiff_id, element) in waiting:
            seen.add((spiff_id, element))
        else:
            stale.append(row_id)
    if stale:
        conn.execute(update(_timers).where(_timers.c.id.in_(stale), _timers.c.state == "armed")
                     .values(state="cancelled", cancelled_at=at))
    new_rows = []
    for (spiff_id, element), task in waiting.items():
        if (spiff_id, element) in seen:
            continue
        value = timer_value(definition, workflow, task, element)
        kind = definition.timers[element].kind
        new_rows.append(arm_row(instance, spiff_id, element, value, iso.first_due(kind, value, at), at,
                                1 if kind == "cycle" else None))
    if new_rows:
        conn.execute(insert(_timers), new_rows)
