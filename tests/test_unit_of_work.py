"""A write is run again only when the database itself says it lost a race, never on a bug.

The signals are produced for real: a second connection holding SQLite's write lock,
two PostgreSQL transactions in a serialization failure and in a deadlock, a unique
key taken by another insert, and a constraint the engine's own writes break.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from engine.store.db import Database
from engine.store.models import ProcessInstance
from engine.store.unit_of_work import BUSINESS_KEY, lost_race
from tests.audit_support import raw
from tests.case_helpers import ACCESS_START, VILLAGE_START
from tests.support import ApiClient

POSTGRES_ONLY = [pytest.param("postgres", marks=pytest.mark.postgres)]


def _taking(api: ApiClient) -> tuple[list[int], Any]:
    """A command that, on its first run only, inserts a case with a business key already taken."""
    taken = api.start("street_a", "village_to_community", VILLAGE_START).get_json()["business_key"]
    attempts: list[int] = []

    def command(session: Session) -> str:
        attempts.append(1)
        if len(attempts) == 1:
            row = session.scalar(select(ProcessInstance).where(ProcessInstance.business_key == taken))
            assert row is not None
            session.add(ProcessInstance(**{c.name: getattr(row, c.name) for c in ProcessInstance.__table__.columns
                                           if c.name != "id"}))
            session.flush()
        return "done"

    return attempts, command


def test_a_business_key_taken_meanwhile_is_a_named_retry(backend_api: ApiClient, backend: str) -> None:
    attempts, command = _taking(backend_api)
    uow = backend_api.engine.uow
    if backend == "postgres":
        assert uow.write(command, unique_races=(BUSINESS_KEY,)) == "done"
        assert len(attempts) == 2
    else:  # SQLite serialises writers: a taken key there is never a race, always a bug
        with pytest.raises(IntegrityError):
            uow.write(command, unique_races=(BUSINESS_KEY,))
        assert len(attempts) == 1


def test_a_violation_the_command_does_not_name_is_raised_at_once(backend_api: ApiClient) -> None:
    attempts, command = _taking(backend_api)
    with pytest.raises(IntegrityError):
        backend_api.engine.uow.write(command)
    assert len(attempts) == 1


def test_a_constraint_bug_answers_500_logged_with_its_cause_not_409(api: ApiClient,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    # a constraint the engine's writes do not expect: a second case's first task breaks it
    raw(api, "CREATE UNIQUE INDEX ix_bug ON human_tasks (element_id)")
    assert api.start("department", "community_access", ACCESS_START).status_code == 201
    with caplog.at_level(logging.ERROR):
        response = api.start("department", "community_access", ACCESS_START)
    assert response.status_code == 500, response.get_json()
    assert response.get_json()["error"]["code"] == "internal_error"
    logged = [r for r in caplog.records if r.exc_info]
    assert logged and isinstance(logged[-1].exc_info[1], IntegrityError)
    with api.engine.db.reader() as session:
        assert len(session.scalars(select(ProcessInstance.id)).all()) == 1  # nothing of the failed start stayed


def test_sqlite_busy_is_a_lost_race(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    try:
        with pytest.raises(DBAPIError) as caught, engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
        assert lost_race(caught.value) == "database locked"
    finally:
        holder.close()
        engine.dispose()


def test_sqlite_integrity_errors_are_not_races(api: ApiClient) -> None:
    with pytest.raises(IntegrityError) as caught, api.engine.db.writer() as session, session.begin():
        session.execute(text("INSERT INTO roles (id, name, scope) VALUES ('admin', 'x', 'none')"))
    assert lost_race(caught.value, unique_races=("roles_pkey", "admin")) is None


@pytest.mark.parametrize("backend", POSTGRES_ONLY)
def test_postgresql_serialization_failure_is_a_lost_race(backend_settings: Any) -> None:
    db = Database(backend_settings.database_url)
    try:
        with db.write_engine.connect() as setup, setup.begin():
            setup.execute(text("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)"))
            setup.execute(text("INSERT INTO counter VALUES (1, 0)"))
        first = db.write_engine.connect().execution_options(isolation_level="REPEATABLE READ")
        try:
            first.begin()
            first.execute(text("SELECT n FROM counter WHERE id = 1"))  # the snapshot is taken
            with db.write_engine.connect() as other, other.begin():
                other.execute(text("UPDATE counter SET n = n + 1 WHERE id = 1"))
            with pytest.raises(DBAPIError) as caught:
                first.execute(text("UPDATE counter SET n = n + 1 WHERE id = 1"))
            assert lost_race(caught.value) == "serialization failure"
        finally:
            first.close()
    finally:
        db.dispose()


@pytest.mark.parametrize("backend", POSTGRES_ONLY)
def test_postgresql_deadlock_is_a_lost_race(backend_settings: Any) -> None:
    db = Database(backend_settings.database_url)
    try:
        with db.write_engine.connect() as setup, setup.begin():
            setup.execute(text("CREATE TABLE pair (id INTEGER PRIMARY KEY)"))
            setup.execute(text("INSERT INTO pair VALUES (1), (2)"))
        conns = [db.write_engine.connect(), db.write_engine.connect()]
        both_locked = threading.Barrier(2)
        errors: list[BaseException] = []

        def lock(conn: Any, mine: int, theirs: int) -> None:
            try:
                with conn.begin():
                    conn.execute(text("SELECT id FROM pair WHERE id = :id FOR UPDATE"), {"id": mine})
                    both_locked.wait()
                    conn.execute(text("SELECT id FROM pair WHERE id = :id FOR UPDATE"), {"id": theirs})
            except DBAPIError as exc:
                errors.append(exc)

        threads = [threading.Thread(target=lock, args=(conns[0], 1, 2)),
                   threading.Thread(target=lock, args=(conns[1], 2, 1))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        for conn in conns:
            conn.close()
        assert len(errors) == 1  # PostgreSQL broke the cycle by failing one of the two
        assert lost_race(errors[0]) == "deadlock"
    finally:
        db.dispose()
