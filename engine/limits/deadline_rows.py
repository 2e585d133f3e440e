"""A command's deadline rows as plain rows: read with one Core SELECT, written back as Core statements.

The after-sync hook runs on every command of a procedure with limits. Loading the rows as ORM objects
and letting the session flush them cost several times what SQLite does with them, so the hook reads
them into :class:`PlainDeadline` (the same attributes as :class:`engine.store.models.Deadline`, so the
hook's arithmetic and its pause/resume/close serve both) and writes what changed itself: an INSERT per
opened row (its id is needed for its timer rows), one UPDATE per changed row.

Only when the session holds no ``Deadline`` object: an ORM row of the same case loaded or added by
another part of the command would otherwise disagree with what this module writes (the hook then
takes the ORM path, :func:`session_holds_deadlines`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from engine.store.models import Deadline
from engine.store.statements import Prebuilt

_deadlines = Deadline.__table__
P = "p_"  # bind names other than the columns' (SQLAlchemy reserves those in SET clauses)


@dataclass(eq=False)
class PlainDeadline:
    """A ``deadlines`` row, detached from any session."""

    id: int | None
    instance_id: int
    human_task_id: int | None
    element_id: str | None
    kind: str
    amount: int
    unit: str
    yellow_before: int
    red_before: int
    started_at: datetime
    paused_units: int
    extension_days: int
    paused_since: datetime | None
    due_at: datetime | None
    yellow_at: datetime | None
    red_at: datetime | None
    urgency: str
    state: str
    problem: str | None
    closed_at: datetime | None


COLUMNS = tuple(f.name for f in fields(PlainDeadline))
_WRITABLE = tuple(name for name in COLUMNS if name != "id")

_CASE_ROWS = Prebuilt(select(*(_deadlines.c[name] for name in COLUMNS))
                     .where(_deadlines.c.instance_id == bindparam(P + "instance_id")).order_by(_deadlines.c.id))
_INSERT = insert(_deadlines).values({name: bindparam(P + name, type_=_deadlines.c[name].type) for name in _WRITABLE})


@lru_cache(maxsize=64)
def _update(columns: tuple[str, ...]) -> Prebuilt:
    return Prebuilt(update(_deadlines).where(_deadlines.c.id == bindparam(P + "id"))
                    .values({name: bindparam(P + name, type_=_deadlines.c[name].type) for name in columns}))


def session_holds_deadlines(session: Session) -> bool:
    """Whether another part of the command has ``Deadline`` objects in the session (then stay on the ORM)."""
    return any(isinstance(obj, Deadline) for obj in (*session.identity_map.values(), *session.new))


class CaseDeadlines:
    """The case's deadline rows as read, and what writing them back needs."""

    def __init__(self, conn: Connection, instance_id: int) -> None:
        self.conn = conn
        self.rows = [PlainDeadline(*row) for row in _CASE_ROWS.rows(conn, {P + "instance_id": instance_id})]
        self._read = {id(row): _values(row) for row in self.rows}

    def insert(self, row: PlainDeadline) -> None:
        """Write a row just opened (its id is set: its timer rows name it)."""
        result = self.conn.execute(_INSERT, {P + name: getattr(row, name) for name in _WRITABLE})
        row.id = result.inserted_primary_key[0]  # type: ignore[index]
        self._read[id(row)] = _values(row)

    def write_back(self, rows: list[PlainDeadline]) -> None:
        """UPDATE each row whose columns changed since it was read (or inserted)."""
        for row in rows:
            before = self._read.get(id(row))
            if before is None:
                continue
            now = _values(row)
            changed = tuple(name for name in _WRITABLE if now[name] != before[name])
            if changed:
                _update(changed).run(self.conn, {P + "id": row.id, **{P + name: now[name] for name in changed}})
                self._read[id(row)] = now


def _values(row: PlainDeadline) -> dict[str, Any]:
    return {name: getattr(row, name) for name in _WRITABLE}


def new_row(instance_id: int, kind: str, amount: int, unit: str, yellow_before: int, red_before: int,
            at: datetime, task: tuple[int, str] | None) -> PlainDeadline:
    return PlainDeadline(id=None, instance_id=instance_id, human_task_id=task[0] if task else None,
                         element_id=task[1] if task else None, kind=kind, amount=amount, unit=unit,
                         yellow_before=yellow_before, red_before=red_before, started_at=at, paused_units=0,
                         extension_days=0, paused_since=None, due_at=None, yellow_at=None, red_at=None,
                         urgency="normal", state="running", problem=None, closed_at=None)
