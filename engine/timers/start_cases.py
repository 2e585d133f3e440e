"""Firing a timer start event's row: the system starts the cases (see engine.timers.start_timers)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.audit.journal import iso_utc
from engine.identity.actors import SYSTEM
from engine.store.models import ProcessDefinition, Timer
from engine.timers import iso
from engine.timers.firing import HANDLERS, TimerService
from engine.timers.start_timers import start_orgs

_definitions = ProcessDefinition.__table__


def _fire_start(service: TimerService, session: Session, row: Timer, at: datetime) -> str:
    latest = session.execute(select(func.max(_definitions.c.id)).where(_definitions.c.key == select(
        _definitions.c.key).where(_definitions.c.id == row.definition_id).scalar_subquery())).scalar()
    if latest != row.definition_id:
        row.state, row.cancelled_at = "cancelled", at
        return "superseded"
    definition = service.registry.compiled(session, row.definition_id)
    version = session.execute(select(_definitions.c.version).where(_definitions.c.id == row.definition_id)).scalar()
    directory = service.directory(session)
    extra = {"timer": {"timer_id": row.id, "element_id": row.element_id, "due_at": iso_utc(row.due_at),
                       "value": row.expression, **({"cycle": row.cycle} if row.cycle is not None else {})}}
    started = [service.instances.create_case(session, directory, SYSTEM, definition.key, row.definition_id,
                                             int(version or 0), definition, org, None, None, {}, at, extra)
               for org in start_orgs(definition, directory)]
    row.state, row.fired_at = "fired", at
    session.flush()
    if row.cycle is not None:
        cycle = iso.parse_cycle(row.expression)
        index = row.cycle + 1
        due = cycle.period.add_to(row.due_at) if cycle.start is None else cycle.occurrence(index, at)
        while due is not None and due <= at:  # missed occurrences are not made up
            index += 1
            due = cycle.period.add_to(due) if cycle.start is None else cycle.occurrence(index, at)
        if due is not None:
            session.add(Timer(instance_id=None, definition_id=row.definition_id, spiff_task_id=None,
                              element_id=row.element_id, kind="start", expression=row.expression, cycle=index,
                              deadline_id=None, due_at=due, state="armed", created_at=at))
            session.flush()
    return f"fired: {len(started)} cases"


HANDLERS["start"] = _fire_start
