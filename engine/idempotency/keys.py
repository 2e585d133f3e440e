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

Two requests with one key at once: on PostgreSQL the second's claim waits on
the first's uncommitted row and then fails on the primary key, and the retry
loop of :meth:`engine.store.unit_of_work.UnitOfWork.write` runs it again, now finding
the stored result; SQLite serialises writers, so the second simply finds it.
Keys are kept ``ttl`` (24 h by default); a user's expired keys are removed
when they claim a new one.

Generic: the API marks a request idempotent around its view
(:func:`requested`); the first :meth:`~engine.store.unit_of_work.UnitOfWork.write` of
that request uses it. Any command that returns a JSON value can take part.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from engine.errors import Problem, ValidationFailed
from engine.store.models import IdempotencyKey

HEADER = "Idempotency-Key"
DEFAULT_TTL = timedelta(hours=24)


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


def claim(session: Session, request: IdempotentRequest) -> Stored | None:
    """The stored result of an earlier request with this key, or None after claiming the key for this one."""
    row = session.get(IdempotencyKey, (request.username, request.key), populate_existing=True)
    if row is not None and row.created_at < request.at - request.ttl:
        session.delete(row)
        session.flush()
        row = None
    if row is not None:
        if (row.operation, row.fingerprint) != (request.operation, request.fingerprint):
            message = "该幂等键（Idempotency-Key）已用于另一请求；重试时请求须与原请求完全相同，新请求请使用新的幂等键"
            raise ValidationFailed(message, [Problem(HEADER, message)])
        request.replayed = True
        return Stored(row.result)
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.username == request.username,
                                                 IdempotencyKey.created_at < request.at - request.ttl))
    session.add(IdempotencyKey(username=request.username, key=request.key, operation=request.operation,
                               fingerprint=request.fingerprint, result=None, created_at=request.at))
    session.flush()  # PostgreSQL: a concurrent claim of the same key waits here until this one commits
    return None


def record(session: Session, request: IdempotentRequest, result: Any) -> None:
    row = session.get(IdempotencyKey, (request.username, request.key))
    assert row is not None, "record() without claim()"
    row.result = result
    session.flush()
