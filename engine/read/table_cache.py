"""A per-process copy of a small table the reads use on every request (the working calendar), kept until it changes.

The same rule as the organisation directory's cache (engine/identity/orgs.py): a commit in this process that
wrote one of the tables through a session (an ORM object added, changed or deleted, or an ORM-executed
INSERT/UPDATE/DELETE) makes every cache of that table reload on its next use; a time bound (``max_age``,
30 s) covers what the events cannot see — another process (each gunicorn worker has its own copy), raw SQL.
Only reads use these copies: what a read shows (a remaining time) may be that many seconds old after
another process changed the table; no command decides anything from them.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T")

_GENERATIONS: dict[str, int] = {}  # table name -> commits in this process that wrote it
_TOUCHED = "table_cache_touched"


def _note(session: Session, name: str | None) -> None:
    if name is not None:
        session.info.setdefault(_TOUCHED, set()).add(name)


@event.listens_for(Session, "before_flush")
def _mark_flush(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        _note(session, getattr(getattr(obj, "__table__", None), "name", None))


@event.listens_for(Session, "do_orm_execute")
def _mark_statement(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _note(state.session, getattr(getattr(state.statement, "table", None), "name", None))


@event.listens_for(Session, "after_commit")
def _bump_on_commit(session: Session) -> None:
    for name in session.info.pop(_TOUCHED, ()):
        _GENERATIONS[name] = _GENERATIONS.get(name, 0) + 1


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop(_TOUCHED, None)


class TableCache(Generic[T]):
    """``load(session)`` once per database (the session's engine), reused until a commit here writes one of
    ``tables`` or ``max_age`` seconds pass."""

    def __init__(self, tables: tuple[str, ...], load: Callable[[Session], T], max_age: float = 30.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.tables = tables
        self.max_age = max_age
        self._load = load
        self._monotonic = monotonic
        self._cached: weakref.WeakKeyDictionary[Any, tuple[tuple[int, ...], float, T]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def _generation(self) -> tuple[int, ...]:
        return tuple(_GENERATIONS.get(name, 0) for name in self.tables)

    def get(self, session: Session) -> T:
        database = session.get_bind()
        cached, now, generation = self._cached.get(database), self._monotonic(), self._generation()
        if cached is not None and cached[0] == generation and now - cached[1] < self.max_age:
            return cached[2]
        value = self._load(session)
        with self._lock:
            self._cached[database] = (generation, now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._cached.clear()
