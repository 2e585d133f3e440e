"""A request's authentication read handed on to its first view: one read transaction, not two.

Every API request looks its bearer token up before anything else (401 before 422). A read request
(GET) then reads its view in a transaction of its own: two sessions, two connection checkouts, two
snapshots. :func:`read_and_hand_over` runs the token lookup in a read session and keeps that session
open for the next read of the same unit of work in this context (thread), which then runs in it and
closes it: the token and the view are read in one snapshot. Nothing else changes: the lookup is the
same statement, a refused token still closes its session at once, and the view's transaction is a
read-only one as before.

A write in between would be read past (the snapshot predates its commit), so a write releases the
handed session first (``UnitOfWork.write``), and the request's teardown releases one no read took
(:func:`release`), e.g. when the arguments were refused. Used on SQLite only
(``UnitOfWork.read_and_hand_over``: on PostgreSQL the lookup is one autocommit statement).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")

# (the owner that may take it: a unit of work, the session)
_HANDED: ContextVar[tuple[Any, Session] | None] = ContextVar("handed_read", default=None)


def read_and_hand_over(owner: Any, open_session: Callable[[], Session], work: Callable[[Session], T]) -> T:
    """``work`` in a new read session, kept for ``owner``'s next read in this context (see the module)."""
    release()
    session = open_session()
    try:
        result = work(session)
    except BaseException:
        session.close()
        raise
    _HANDED.set((owner, session))
    return result


def take(owner: Any) -> Session | None:
    """The session handed on to ``owner`` (now the caller's to close), or None."""
    handed = _HANDED.get()
    if handed is None or handed[0] is not owner:
        return None
    _HANDED.set(None)
    return handed[1]


def release() -> None:
    """Close a handed session no read took (a request's teardown, a write)."""
    handed = _HANDED.get()
    if handed is not None:
        _HANDED.set(None)
        handed[1].close()
