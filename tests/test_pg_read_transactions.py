"""PostgreSQL: a view's transaction is READ ONLY and ends with COMMIT, so psycopg keeps its prepared statements.

psycopg forgets every prepared statement after a ROLLBACK (and sends ``DEALLOCATE ALL``); ending the
read-only transactions of views with COMMIT keeps them (engine/store/db.py). What must hold: a view
still cannot write, a failed read and a writer's rollback still roll back, and the next request's
statements find the prepared ones of the last.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from engine.settings import Settings
from engine.store.db import Database
from engine.store.models import User

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


def _prepared_on_connection(db: Database) -> int:
    with db.reader() as session:
        return int(session.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar_one())


def test_prepared_statements_outlive_a_view(backend_settings: Settings) -> None:
    db = Database(backend_settings.database_url)
    try:
        for _ in range(6):  # psycopg prepares a statement at its 5th execution on a connection
            with db.reader() as session:
                assert session.scalars(select(User.username).where(User.username == "admin")).all() == ["admin"]
        # the pool is LIFO and this thread has used one connection: the same one answers here
        assert _prepared_on_connection(db) >= 1
    finally:
        db.dispose()


def test_a_view_cannot_write_and_a_failed_read_leaves_the_connection_usable(backend_settings: Settings) -> None:
    db = Database(backend_settings.database_url)
    try:
        with db.reader() as session, pytest.raises(DBAPIError, match="read-only transaction"):
            session.execute(text("UPDATE users SET display_name = 'x' WHERE username = 'admin'"))
        with db.reader() as session, pytest.raises(DBAPIError):
            session.execute(text("SELECT 1 / 0"))
        with db.reader() as session:
            assert session.execute(text("SELECT display_name FROM users WHERE username = 'admin'")).scalar_one() != "x"
    finally:
        db.dispose()


def test_a_writer_that_does_not_commit_is_still_rolled_back(backend_settings: Settings) -> None:
    db = Database(backend_settings.database_url)
    try:
        with db.writer() as session:
            session.execute(text("UPDATE users SET display_name = 'rolled back' WHERE username = 'admin'"))
            # closed without commit: a read-write transaction must be rolled back, not committed
        with db.reader() as session:
            name = session.execute(text("SELECT display_name FROM users WHERE username = 'admin'")).scalar_one()
        assert name != "rolled back"
    finally:
        db.dispose()


def test_prepared_statements_are_planned_for_their_values(backend_settings: Settings) -> None:
    """A prepared statement run again and again never falls back to one generic plan for every value."""
    db = Database(backend_settings.database_url)
    try:
        for n in range(15):  # prepared at the 5th; PostgreSQL weighs a generic plan from the 6th custom one
            with db.reader() as session:
                session.scalars(select(User.username).where(User.username == f"user{n % 3}")).all()
        with db.reader() as session:
            generic, custom = session.execute(text(
                "SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0)"
                " FROM pg_prepared_statements")).one()
        assert custom >= 10 and generic == 0
    finally:
        db.dispose()
