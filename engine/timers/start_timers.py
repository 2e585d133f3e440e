"""Timer start events: cases the clock starts (a date, or a cycle such as a quarterly meeting).

The latest version of a definition with a timer start event has one armed row of kind
``start`` (no case yet): deploying a new version cancels the old version's row and arms
the new one's. When the row fires, the system actor starts one case for every
organisation at the level of the start event's lane (a lane of ``leadership_group``,
offered at the district, starts one case per district; a street-office lane one per
street office), all in the command's one transaction, each journalled as a ``start``
whose payload names the timer and its due instant. A cycle then arms its next
occurrence; occurrences missed while no worker ran are not made up (the next one is
the first still ahead), and a redeployed version does not repeat an occurrence that an
earlier version already fired.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.clock import as_utc
from engine.definitions.compile import CompiledDefinition
from engine.errors import InvalidModel, Problem
from engine.identity.orgs import OrgDirectory
from engine.store.models import ProcessDefinition, Timer
from engine.timers import iso
from engine.timers.model import START_LEVELS

_timers = Timer.__table__
_definitions = ProcessDefinition.__table__


def start_orgs(definition: CompiledDefinition, directory: OrgDirectory) -> list[str]:
    """The organisations a timer start creates one case for each (see the module's docstring)."""
    role = definition.start_role
    scope = directory.role_scopes.get(role or "", "none")
    return sorted(o.id for o in directory.orgs.values() if o.level == scope)


def check_start_lane(definition: CompiledDefinition, directory: OrgDirectory) -> None:
    timer = definition.start_timer
    if timer is None:
        return
    scope = directory.role_scopes.get(definition.start_role or "", "none")
    if scope not in START_LEVELS:
        raise InvalidModel("定时启动事件所在泳道无法确定办件单位", [Problem(
            timer.element_id, "定时启动的办件由系统发起：启动事件须位于街道、区县或市级角色的泳道中")])


def _last_fired_due(session: Session, key: str, element_id: str) -> datetime | None:
    found = session.execute(
        select(func.max(_timers.c.due_at)).select_from(_timers.join(_definitions,
                                                                      _definitions.c.id == _timers.c.definition_id))
        .where(_definitions.c.key == key, _timers.c.kind == "start", _timers.c.element_id == element_id,
               _timers.c.state == "fired")).scalar()
    return as_utc(found) if isinstance(found, datetime) else None


def _first_due(definition: CompiledDefinition, session: Session, at: datetime) -> tuple[datetime, int | None] | None:
    timer = definition.start_timer
    assert timer is not None
    last = _last_fired_due(session, definition.key, timer.element_id)
    if timer.kind == "date":
        due = iso.parse_datetime(timer.text)
        return None if last is not None and last >= due else (due, None)
    cycle = iso.parse_cycle(timer.text)
    index, due = 1, cycle.occurrence(1, at)
    while due is not None and (due < at or (last is not None and due <= last)):
        index += 1
        due = cycle.occurrence(index, at)
        if index > 100_000:
            return None
    return None if due is None else (due, index)


def arm_for_version(session: Session, definition: CompiledDefinition, row: ProcessDefinition,
                    directory: OrgDirectory, at: datetime) -> None:
    """A new version was deployed: its start timer replaces the earlier versions'."""
    older = select(_definitions.c.id).where(_definitions.c.key == row.key, _definitions.c.id != row.id)
    session.execute(update(_timers).where(_timers.c.kind == "start", _timers.c.state == "armed",
                                          _timers.c.definition_id.in_(older))
                    .values(state="cancelled", cancelled_at=at))
    if definition.start_timer is None:
        return
    check_start_lane(definition, directory)
    first = _first_due(definition, session, at)
    if first is None:
        return
    due, index = first
    session.add(Timer(instance_id=None, definition_id=row.id, spiff_task_id=None,
                      element_id=definition.start_timer.element_id, kind="start",
                      expression=definition.start_timer.text[:500], cycle=index, deadline_id=None, due_at=due,
                      state="armed", created_at=at))
    session.flush()
