"""Prebuilt Core statements for the command hot path.

Building an ``update(...).where(...).values(...)`` per call costs SQLAlchemy
~0.3 ms (construction and cache key) against ~0.01 ms of SQLite's own work;
a statement built once with bind parameters runs in ~0.04 ms. Every command
writes through these, so they are built once per process here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Update, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError

from engine.store.models import HumanTask, JournalEntry, ProcessInstance

_instances = ProcessInstance.__table__
_tasks = HumanTask.__table__
_journal = JournalEntry.__table__

# Bind parameter names carry a prefix: SQLAlchemy reserves a column's own name in SET/VALUES clauses.
P = "p_"


@lru_cache(maxsize=64)
def instance_update(columns: tuple[str, ...], check_version: bool) -> Update:
    """UPDATE process_instances SET <columns> WHERE id = :p_id [AND version = :p_expected]."""
    stmt = update(_instances).where(_instances.c.id == bindparam(P + "id"))
    if check_version:
        stmt = stmt.where(_instances.c.version == bindparam(P + "expected"))
    return stmt.values({name: bindparam(P + name, type_=_instances.c[name].type) for name in columns})


def instance_params(instance_id: int, values: dict[str, Any], expected_version: int | None = None) -> dict[str, Any]:
    params = {P + name: value for name, value in values.items()}
    params[P + "id"] = instance_id
    if expected_version is not None:
        params[P + "expected"] = expected_version
    return params


# ORM: the task row and its case in one statement (both objects are handed on to the command's writers).
task_with_instance = (select(HumanTask, ProcessInstance)
                      .outerjoin(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
                      .where(HumanTask.id == bindparam(P + "task_id")))

# PostgreSQL: lock the case of a task before reading either (one round trip; the read that follows, a new
# statement under READ COMMITTED, sees what the command that held the lock committed).
lock_task_instance = (select(_instances.c.id)
                      .where(_instances.c.id == select(_tasks.c.instance_id)
                             .where(_tasks.c.id == bindparam(P + "task_id")).scalar_subquery())
                      .with_for_update())

journal_insert = insert(_journal)

instance_insert = insert(_instances)

# (element and kind too: the time-limit hook after the sync needs the open steps, engine/store/case_store.py)
ready_tasks = (select(_tasks.c.id, _tasks.c.spiff_task_id, _tasks.c.element_id, _tasks.c.kind)
               .where(_tasks.c.instance_id == bindparam(P + "instance_id"), _tasks.c.state == "ready")
               .order_by(_tasks.c.id))

close_task = (update(_tasks).where(_tasks.c.id == bindparam(P + "id"), _tasks.c.state == "ready")
              .values(state=bindparam(P + "state"),
                      completed_at=bindparam(P + "completed_at", type_=_tasks.c.completed_at.type),
                      completed_by=bindparam(P + "completed_by")))

task_insert = insert(_tasks)


class Prebuilt:
    """A statement of the command path run on the DBAPI cursor of the session's connection.

    SQLAlchemy's ``Connection.execute`` of an already compiled statement still costs 30–50 µs
    (execution context, result set-up) beside SQLite's ~10 µs. The statement is compiled once per
    dialect and set of columns by SQLAlchemy itself, and each value goes through that compilation's
    own bind processors, so the database receives exactly what ``Connection.execute`` would send.
    A database error is raised as SQLAlchemy's ``DBAPIError`` with the DBAPI error as ``orig``,
    as ``Connection.execute`` raises it (the retry of a lost race and the fault messages read that).
    """

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._compiled: dict[tuple[str, tuple[str, ...] | None], tuple[str, Any, dict[str, Any]] | None] = {}
        self._processors: dict[str, list[Any]] = {}

    def _compile(self, dialect: Any, keys: tuple[str, ...] | None) -> tuple[str, Any, dict[str, Any]] | None:
        """SQL, compilation and the scalar column defaults an INSERT fills in; None: leave it to SQLAlchemy
        (a column default or ``onupdate`` that SQLAlchemy computes at execution)."""
        cache_key = (dialect.name, keys)
        if cache_key in self._compiled:
            return self._compiled[cache_key]
        defaults: dict[str, Any] = {}
        if self._computed_by_sqlalchemy(dialect, keys, defaults):
            self._compiled[cache_key] = None
            return None
        compiled = self.statement.compile(dialect=dialect, column_keys=list(keys) if keys is not None else None)
        found = (compiled.string, compiled, defaults)
        self._compiled[cache_key] = found
        return found

    def _computed_by_sqlalchemy(self, dialect: Any, keys: tuple[str, ...] | None, defaults: dict[str, Any]) -> bool:
        """Whether executing needs SQLAlchemy's execution context: a column default other than a constant,
        an ``onupdate``. Fills ``defaults``."""
        if self.statement.is_select:
            return False
        for column in self.statement.table.c:
            if self.statement.is_insert and column.default is not None and column.key not in (keys or ()):
                if not column.default.is_scalar:
                    return True
                defaults[column.key] = column.default.arg
            if self.statement.is_update and column.onupdate is not None:
                return True
        return False

    def run(self, conn: Any, params: dict[str, Any] | list[dict[str, Any]]) -> int:
        """Execute an INSERT/UPDATE/DELETE with ``params`` (a list: executemany); the rows it touched."""
        prepared = self._prepared(conn, params)
        if prepared is None:
            return int(conn.execute(self.statement, params).rowcount)
        cursor = self._execute(conn, params, *prepared)
        try:
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def rows(self, conn: Any, params: dict[str, Any]) -> list[Any]:
        """Run a SELECT; its rows as tuples, each value converted as SQLAlchemy's result would convert it."""
        prepared = self._prepared(conn, params)
        assert prepared is not None
        cursor = self._execute(conn, params, *prepared)
        try:
            found = cursor.fetchall()
        finally:
            cursor.close()
        processors = self._result_processors(conn.dialect)
        if not any(processors):
            return list(found)
        return [tuple(value if process is None or value is None else process(value)
                      for process, value in zip(processors, row, strict=True)) for row in found]

    def _result_processors(self, dialect: Any) -> list[Any]:
        found = self._processors.get(dialect.name)
        if found is None:
            found = [column.type._cached_result_processor(dialect, None)
                     for column in self.statement.selected_columns]
            self._processors[dialect.name] = found
        return found

    def _prepared(self, conn: Any, params: dict[str, Any] | list[dict[str, Any]]) -> Any:
        first = params[0] if isinstance(params, list) else params
        return self._compile(conn.dialect, tuple(first) if self.statement.is_insert else None)

    @staticmethod
    def _execute(conn: Any, params: dict[str, Any] | list[dict[str, Any]], sql: str, compiled: Any,
                 defaults: dict[str, Any]) -> Any:
        dialect = conn.dialect
        processors = compiled._bind_processors
        positional = compiled.positiontup if dialect.positional else None
        many = isinstance(params, list)
        args = [_bound(compiled, processors, positional, p, defaults) for p in params] if many \
            else _bound(compiled, processors, positional, params, defaults)
        cursor = conn.connection.driver_connection.cursor()
        try:
            if many:
                cursor.executemany(sql, args)
            else:
                cursor.execute(sql, args)
        except dialect.loaded_dbapi.Error as exc:
            cursor.close()
            raise DBAPIError.instance(sql, args, exc, dialect.loaded_dbapi.Error, dialect=dialect) from exc
        return cursor


def _bound(compiled: Any, processors: dict[str, Any], positional: list[str] | None, params: dict[str, Any],
           defaults: dict[str, Any]) -> Any:
    values = compiled.construct_params({**defaults, **params} if defaults else params, _check=False)
    for name, process in processors.items():
        if name in values:
            values[name] = process(values[name])
    return [values[name] for name in positional] if positional is not None else values


# the command path's statements, run on the DBAPI cursor (see Prebuilt)
run_journal_insert = Prebuilt(journal_insert)
run_ready_tasks = Prebuilt(ready_tasks)
run_close_task = Prebuilt(close_task)
run_task_insert = Prebuilt(task_insert)


@lru_cache(maxsize=64)
def run_instance_update(columns: tuple[str, ...], check_version: bool) -> Prebuilt:
    return Prebuilt(instance_update(columns, check_version))
