"""Faults of the storage underneath a command, told apart so that users and operators learn what happened.

A database that stays locked past its busy timeout (SQLite) or lock timeout
(PostgreSQL), one that cannot be reached, and a full disk (the database's, or
the attachments' directory) are not bugs: the command did nothing (its
transaction rolled back, a received file was removed) and can be retried.
:func:`translate` turns such an exception into :class:`~engine.errors.Unavailable`
or :class:`~engine.errors.InsufficientStorage` with a Chinese message, and
names the cause for the operator's log (``Fault.cause``). A NUL that reached
the database despite the request checks is a :class:`~engine.errors.ValidationFailed`.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError

from engine.errors import EngineError, InsufficientStorage, Problem, Unavailable, ValidationFailed
from engine.store.storable import NUL_MESSAGE

BUSY_RETRY_SECONDS = 5
DOWN_RETRY_SECONDS = 30
FULL_RETRY_SECONDS = 60

BUSY_MESSAGE = "系统繁忙：数据库正被其他操作占用，本次操作未执行，请稍后重试"
DOWN_MESSAGE = "数据库暂时无法连接，本次操作未执行，请稍后重试"
FULL_MESSAGE = "服务器存储空间不足，本次操作未执行，请稍后重试或联系系统管理员"

# PostgreSQL SQLSTATEs: class 53 (insufficient resources), 55P03 lock_not_available,
# 57P0x (server shutting down or starting), 08 (connection exceptions)
_PG_FULL = {"53100"}
_PG_BUSY = {"53200", "53300", "53400", "55P03", "57014"}
_PG_DOWN_PREFIXES = ("08", "57P")
_SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
_SQLITE_FULL = ("database or disk is full",)
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


@dataclass(frozen=True)
class Fault:
    cause: str  # for the operator: "database busy (sqlite: database is locked)", "disk full (attachments)", …
    error: EngineError


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend([getattr(current, "orig", None), current.__cause__, current.__context__])


def _classify(exc: BaseException) -> Fault | None:
    if isinstance(exc, OSError) and exc.errno in _FULL_ERRNOS:
        where = getattr(exc, "filename", None) or "file system"
        return Fault(f"disk full ({errno.errorcode.get(exc.errno or 0, '')}: {where})",
                     InsufficientStorage(FULL_MESSAGE, FULL_RETRY_SECONDS))
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str):
        if sqlstate in _PG_FULL:
            return Fault(f"disk full (postgresql {sqlstate}: {_first_line(exc)})",
                         InsufficientStorage(FULL_MESSAGE, FULL_RETRY_SECONDS))
        if sqlstate in _PG_BUSY:
            return Fault(f"database busy (postgresql {sqlstate}: {_first_line(exc)})",
                         Unavailable(BUSY_MESSAGE, BUSY_RETRY_SECONDS))
        if sqlstate.startswith(_PG_DOWN_PREFIXES):
            return Fault(f"database unavailable (postgresql {sqlstate}: {_first_line(exc)})",
                         Unavailable(DOWN_MESSAGE, DOWN_RETRY_SECONDS))
    elif type(exc).__module__.startswith("psycopg") and type(exc).__name__ == "OperationalError":
        # no SQLSTATE: the connection itself failed (refused, reset, server gone)
        return Fault(f"database unavailable (postgresql: {_first_line(exc)})",
                     Unavailable(DOWN_MESSAGE, DOWN_RETRY_SECONDS))
    text = str(exc)
    if isinstance(exc, DBAPIError) or type(exc).__module__.startswith(("sqlite3", "psycopg")):
        if any(marker in text for marker in _SQLITE_FULL):
            return Fault(f"disk full (sqlite: {_first_line(exc)})",
                         InsufficientStorage(FULL_MESSAGE, FULL_RETRY_SECONDS))
        if any(marker in text for marker in _SQLITE_BUSY):
            return Fault(f"database busy (sqlite: {_first_line(exc)})", Unavailable(BUSY_MESSAGE, BUSY_RETRY_SECONDS))
        if "NUL (0x00)" in text:
            return Fault("text with NUL reached the database",
                         ValidationFailed(f"请求数据不合规：文本{NUL_MESSAGE}", [Problem("/", NUL_MESSAGE)]))
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return Fault(f"database unavailable ({_first_line(exc)})", Unavailable(DOWN_MESSAGE, DOWN_RETRY_SECONDS))
    return None


def _first_line(exc: BaseException) -> str:
    inner = getattr(exc, "orig", None) or exc  # the driver's own message, without SQLAlchemy's wrapping
    return (str(inner).strip().splitlines() or [type(inner).__name__])[0][:300]


def translate(exc: BaseException) -> Fault | None:
    """The fault behind ``exc`` (looking through SQLAlchemy's wrapping and exception chains), or None."""
    for current in _chain(exc):
        fault = _classify(current)
        if fault is not None:
            return fault
    return None
