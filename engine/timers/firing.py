"""The ``timer_fired`` command: one due timer row, fired exactly once, in one transaction.

The worker hands over a row id and the instant it fires at (its clock, recorded in the
journal: replay uses that, never a clock). Under the transaction the row is read again:
a row that another worker fired, that a clerk's completion cancelled, or that another
worker still holds a claim on is left alone, so a timer fires once whatever races it.
On PostgreSQL the case row is locked first (as a completion locks it), then the timer
row: one order of locks for every command, so no two deadlock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.audit.journal import iso_utc
from engine.cases.commands import InstanceService
from engine.definitions.registry import DefinitionRegistry
from engine.identity.actors import SYSTEM
from engine.identity.orgs import OrgDirectory
from engine.runtime import runner
from engine.store.case_store import CaseCommand, record, sync_tasks, workflow_values
from engine.store.models import ProcessInstance, Timer
from engine.store.unit_of_work import UnitOfWork
from engine.timers import arming, events, iso

log = logging.getLogger(__name__)

# other kinds of timer rows (start events, deadlines) register how they fire
FireHandler = Callable[["TimerService", Session, Timer, datetime], str]
HANDLERS: dict[str, FireHandler] = {}


class TimerService:
    def __init__(self, uow: UnitOfWork, registry: DefinitionRegistry,
                 directory_loader: Callable[[Session], OrgDirectory], instances: InstanceService) -> None:
        self.uow = uow
        self.registry = registry
        self.directory = directory_loader
        self.instances = instances  # a timer start event starts cases through it

    def fire(self, timer_id: int, at: datetime, worker: str | None = None) -> str:
        """Fire one timer row at ``at``; what happened: ``fired`` or why it was skipped."""
        return self.uow.write(lambda s: self._fire(s, timer_id, at, worker),
                              conflict_message="办件正被他人同时办理，请稍后重试")

    def _fire(self, session: Session, timer_id: int, at: datetime, worker: str | None) -> str:
        row = session.get(Timer, timer_id)
        if row is None:
            return "missing"
        instance = None
        if row.instance_id is not None:
            instance = session.get(ProcessInstance, row.instance_id, with_for_update=not self.uow.is_sqlite,
                                   populate_existing=True)
        row = session.get(Timer, timer_id, with_for_update=not self.uow.is_sqlite, populate_existing=True)
        assert row is not None
        if row.state != "armed":
            return f"already {row.state}"
        if worker is not None and row.claimed_by not in (None, worker) \
                and row.claimed_until is not None and row.claimed_until > at:
            return "claimed by another worker"
        if row.kind != "event":
            return HANDLERS[row.kind](self, session, row, at)
        assert instance is not None
        if instance.status != "running":
            return f"case is {instance.status}"
        return self._fire_event(session, row, instance, at)

    def _fire_event(self, session: Session, row: Timer, instance: ProcessInstance, at: datetime) -> str:
        definition = self.registry.compiled(session, instance.definition_id)
        workflow = definition.codec.loads(instance.snapshot)
        task = next((t for t, element in arming.waiting_timers(workflow)
                     if str(t.id) == row.spiff_task_id and element == row.element_id), None)
        if task is None:  # the row outlived its task: never fire it
            row.state, row.cancelled_at = "cancelled", at
            return "task gone"
        info = definition.timers[row.element_id]
        next_due = self._next_occurrence(row) if info.kind == "cycle" else None
        last = info.kind == "cycle" and next_due is None
        payload: dict[str, Any] = {"timer_id": row.id, "due_at": iso_utc(row.due_at), "value": row.expression}
        if row.cycle is not None:
            payload["cycle"] = row.cycle
            payload["last"] = last
        ordinal = arming.ordinal_of(workflow, task, row.element_id)
        if ordinal:
            payload["task_ordinal"] = ordinal
        outcome = runner.fire_event(definition, workflow, task, row.element_id,
                                    lambda t: events.mark_fired(t, row.element_id, last))
        events.clear_marks(task)
        row.state, row.fired_at = "fired", at
        session.flush()
        if next_due is not None:  # a cycle waits on: its next occurrence is armed on the same task
            session.add(Timer(**arming.arm_row(instance, row.spiff_task_id or "", row.element_id, row.expression,
                                               next_due, at, (row.cycle or 1) + 1)))
            session.flush()
        directory = self.directory(session)
        command = CaseCommand(session, instance, definition, SYSTEM, at, workflow, extra=payload)
        record(command, outcome.steps, **workflow_values(command, state=outcome.state, directory=directory))
        sync_tasks(command, directory, ready_tasks=outcome.ready)
        return "fired"

    @staticmethod
    def _next_occurrence(row: Timer) -> datetime | None:
        cycle = iso.parse_cycle(row.expression)
        index = (row.cycle or 1) + 1
        if cycle.count is not None and index > cycle.count:
            return None
        if cycle.start is None:
            return cycle.period.add_to(row.due_at)
        return cycle.occurrence(index, row.due_at)
