"""The unit of work: every read and every write of the engine runs in one of these transactions.

A read is one read-only transaction (one snapshot on PostgreSQL, see
:mod:`engine.store.db`). A write is one write transaction, committed when the work
returns and rolled back when it raises. A write that lost a race is run again from
the start, up to ``MAX_ATTEMPTS`` times, and only then:

- the database says so itself: PostgreSQL's SQLSTATE 40001 (serialization failure)
  or 40P01 (deadlock detected), SQLite's SQLITE_BUSY or SQLITE_LOCKED result codes;
- the command's optimistic version check failed (:class:`VersionConflict`);
- a unique constraint the caller names as a race it expects was violated
  (PostgreSQL only: another transaction took the key between our check and our
  insert; SQLite serialises writers, so there the check cannot be overtaken).

Anything else, any other integrity error included, is a bug and propagates: the API
answers 500 and logs it with its cause, instead of a misleading 409. SQLite's BUSY is
a lost race too, but it comes only after the busy timeout was waited out in full
(writers begin IMMEDIATE), so it is not run again: it propagates, and the API answers
503 with Retry-After (:mod:`engine.store.faults`) rather than keep the request waiting
several timeouts.

Under an idempotent request (:mod:`engine.idempotency.keys`) the first write of the
request claims the key and stores the work's result in the same transaction; a key
already stored returns its result without running the work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from engine import metrics
from engine.errors import Conflict
from engine.idempotency import keys as idempotency
from engine.store import handed_read
from engine.store.db import Database

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_ATTEMPTS = 5

# Unique constraints whose violation means "another command took this key first", by PostgreSQL's names
# for the baseline's constraints (tests/test_migrations.py checks they exist). A command naming one is
# run again and then finds the key taken (a new business key, the next version, "user exists").
BUSINESS_KEY = "process_instances_business_key_key"
DEFINITION_VERSION = "process_definitions_key_version_key"
USERNAME = "users_username_key"
LOGIN_THROTTLE = "login_throttle_pkey"
ROLE = "roles_pkey"
# two requests with one Idempotency-Key at once (PostgreSQL): the later claim fails here, runs again and
# finds the stored result
IDEMPOTENCY_KEY = "idempotency_keys_pkey"
SQLITE_LOCKED_OUT = "database locked"
# session.info key: the journalled commands of the transaction (counted in metrics once it commits)
JOURNALLED = "journalled_commands"

_PG_RETRY = {"40001": "serialization failure", "40P01": "deadlock"}
_PG_UNIQUE_VIOLATION = "23505"
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6


class VersionConflict(Exception):
    """Another command changed the case between our read and our write."""


def lost_race(exc: BaseException, unique_races: Collection[str] = ()) -> str | None:
    """Why ``exc`` means the transaction lost a race worth running again, or None if it does not."""
    if isinstance(exc, VersionConflict):
        return "version conflict"
    if not isinstance(exc, DBAPIError):
        return None
    cause: Any = exc.orig
    sqlstate = getattr(cause, "sqlstate", None)  # psycopg
    if sqlstate in _PG_RETRY:
        return _PG_RETRY[sqlstate]
    if sqlstate == _PG_UNIQUE_VIOLATION:
        constraint = getattr(getattr(cause, "diag", None), "constraint_name", None)
        return f"unique {constraint}" if constraint in unique_races else None
    code = getattr(cause, "sqlite_errorcode", None)  # sqlite3 (extended result code)
    if isinstance(code, int) and code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return SQLITE_LOCKED_OUT
    return None


class UnitOfWork:
    def __init__(self, db: Database) -> None:
        self.db = db

    @property
    def is_sqlite(self) -> bool:
        return self.db.is_sqlite

    def read(self, work: Callable[[Session], T]) -> T:
        handed = handed_read.take(self)  # a request's authentication read, kept for its view
        with handed if handed is not None else self.db.reader() as session:
            return work(session)

    def read_by_key(self, work: Callable[[Session], T]) -> T:
        """A read of one case or task by its id (PostgreSQL keeps a plan for its statements: db.key_reader)."""
        handed = handed_read.take(self)  # SQLite only: there the key reader is the reader
        with handed if handed is not None else self.db.key_reader() as session:
            return work(session)

    def read_and_hand_over(self, work: Callable[[Session], T]) -> T:
        """``work`` in a read session kept open for this context's next ``read`` (engine/store/handed_read.py).

        On PostgreSQL the lookup stays one statement at autocommit (``read_one``): handing its session on
        would save a pool checkout but cost the same round trips, and would keep the case view and a task's
        page from their key reader, whose transaction reuses plans (db.key_reader)."""
        if not self.db.is_sqlite:
            return self.read_one(work)
        return handed_read.read_and_hand_over(self, self.db.reader, work)

    def read_one(self, work: Callable[[Session], T]) -> T:
        """A read that sends exactly one statement: no transaction around it on PostgreSQL."""
        with self.db.single_reader() as session:
            return work(session)

    def write(self, work: Callable[[Session], T], *, unique_races: Collection[str] = (),
              conflict_message: str = "数据正被他人同时修改，请稍后重试") -> T:
        """Run ``work`` in one write transaction; again when it lost a race (see the module)."""
        handed_read.release()  # reads after this write must not use a snapshot from before it
        request = idempotency.take()
        races = (*unique_races, IDEMPOTENCY_KEY) if request is not None else unique_races
        for attempt in range(1, MAX_ATTEMPTS + 1):
            session = self.db.writer()
            try:
                with session.begin():
                    stored = idempotency.claim(session, request) if request is not None else None
                    if stored is not None:
                        return stored.result  # type: ignore[no-any-return]
                    result = work(session)
                    if request is not None:
                        idempotency.record(session, request, result)
                metrics.command_committed(session.info.get(JOURNALLED, ()))
                return result
            except (VersionConflict, DBAPIError) as exc:
                reason = lost_race(exc, races)
                if reason is None or reason == SQLITE_LOCKED_OUT:
                    raise
                metrics.command_retried(reason.replace(" ", "_"))
                log.info("running the command again after a lost race: %s (attempt %d)", reason, attempt)
            finally:
                session.close()
        metrics.command_conflict()
        raise Conflict(conflict_message)


def note_journalled(session: Session, command: str) -> None:
    """Count ``command`` in the metrics once the session's transaction commits."""
    session.info.setdefault(JOURNALLED, []).append(command)
