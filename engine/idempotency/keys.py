"""``Idempotency-Key``: a client that did not get an answer may send the same request again, safely.

A request carrying a key runs its command as usual, and in the command's own
transaction the key is claimed (a row in ``idempotency_keys``: user, key,
operation, fingerprint of the request) and then given the command's result. A
later request of the same user with the same key does not run the command: it
gets the stored result (the view renders its answer from it, e.g. the case
started). So the key is stored exactly when the command is, whatever happens
to the answer on its way back. A key reused for a different request (another
operation or other arguments) is refused. A failed command stores nothing: its
retry runs again.

A claim is one ``INSERT … ON CONFLICT DO NOTHING``: a new key (nearly every
request) costs that statement alone; only a key already there is read back.
Two requests with one key at once: on PostgreSQL the second's insert waits on
the first's uncommitted row, and once that commits it inserts nothing and reads
the stored result (were the first rolled back, the second's insert goes in);
SQLite serialises writers, so the second simply finds it. The retry loop of
:meth:`engine.store.unit_of_work.UnitOfWork.write` still covers a failure on the
primary key. Keys are kept ``ttl`` (24 h by default); an expired key met by its
own reuse is replaced, and every ``SWEEP_EVERY``-th claim of a process removes
all expired keys (through the index on ``created_at``), so the table holds about
a day of keys whoever sent them.

Generic: the API marks a request idempotent around its view
(:func:`requested`); the first :meth:`~engine.store.unit_of_work.UnitOfWork.write` of
that request uses it. Any command that returns a JSON value can take part.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Insert, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.errors import Problem, ValidationFailed
from engine.store.models import IdempotencyKey

HEADER = "Idempotency-Key"
DEFAULT_TTL = timedelta(hours=24)
SWEEP_EVERY = 16


@dataclass
class IdempotentRequest:
    key: str
    username: str
    operation: str
    fingerprint: str
    at: datetime
    ttl: timedelta = DEFAULT_TTL
    replayed: bool = field(default=False)  # set when the stored result was returned
    used: bool = field(default=False)  # set when a command took it (only the first command of a request does)


_CURRENT: ContextVar[IdempotentRequest | None] = ContextVar("idempotent_request", default=None)


@contextmanager
def requested(request: IdempotentRequest) -> Iterator[IdempotentRequest]:
    """Make the commands run inside the block idempotent under ``request``."""
    token = _CURRENT.set(request)
    try:
        yield request
    finally:
        _CURRENT.reset(token)


def take() -> IdempotentRequest | None:
    """The current request's key for the command about to run (once per request), or None."""
    request = _CURRENT.get()
    if request is None or request.used:
        return None
    request.used = True
    return request


@dataclass(frozen=True)
class Stored:
    result: Any


_keys = IdempotencyKey.__table__
# bind names differ from the columns' (an INSERT or UPDATE keeps the columns' own names for its values)
_NEW = {"username": bindparam("k_user"), "key": bindparam("k_key"), "operation": bindparam("k_operation"),
        "fingerprint": bindparam("k_fingerprint"), "created_at": bindparam("k_at")}  # result: NULL until recorded
_INSERT_NEW: dict[str, Insert] = {
    name: dialect.insert(_keys).values(_NEW).on_conflict_do_nothing(index_elements=["username", "key"])
    .returning(_keys.c.username)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))}
_INSERT = _keys.insert().values(_NEW)
_THIS_KEY = (_keys.c.username == bindparam("k_user")) & (_keys.c.key == bindparam("k_key"))
_READ = select(_keys.c.operation, _keys.c.fingerprint, _keys.c.result, _keys.c.created_at).where(_THIS_KEY)
_FORGET = delete(_keys).where(_THIS_KEY)
_SWEEP = delete(_keys).where(_keys.c.created_at < bindparam("k_before"))
_RECORD = update(_keys).where(_THIS_KEY).values(result=bindparam("k_result"))
_claims = itertools.count(1)


def claim(session: Session, request: IdempotentRequest) -> Stored | None:
    """The stored result of an earlier request with this key, or None after claiming the key for this one."""
    conn = session.connection()
    this = {"k_user": request.username, "k_key": request.key}
    new = this | {"k_operation": request.operation, "k_fingerprint": request.fingerprint, "k_at": request.at}
    expired_before = request.at - request.ttl
    if next(_claims) % SWEEP_EVERY == 0:
        conn.execute(_SWEEP, {"k_before": expired_before})
    # PostgreSQL: a concurrent claim of the same key waits here until the other commits (this one then inserts
    # nothing and reads what the other stored) or rolls back (this one inserts)
    if conn.execute(_INSERT_NEW[conn.dialect.name], new).first() is not None:
        return None
    row = conn.execute(_READ, this).first()
    if row is None or row.created_at < expired_before:
        # the key's earlier use is past keeping (or was swept since the insert above met it): a new request;
        # a concurrent claim of it inserting first fails this one on the primary key, and the retry replays
        conn.execute(_FORGET, this)
        conn.execute(_INSERT, new)
        return None
    if (row.operation, row.fingerprint) != (request.operation, request.fingerprint):
        message = "该幂等键（Idempotency-Key）已用于另一请求；重试时请求须与原请求完全相同，新请求请使用新的幂等键"
        raise ValidationFailed(message, [Problem(HEADER, message)])
    request.replayed = True
    return Stored(row.result)


def record(session: Session, request: IdempotentRequest, result: Any) -> None:
    updated = session.connection().execute(_RECORD, {"k_user": request.username, "k_key": request.key,
                                                     "k_result": result})
    assert updated.rowcount == 1, "record() without claim()"
