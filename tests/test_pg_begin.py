"""PostgreSQL: a transaction's BEGIN goes out with its first statement, and the transaction is the same.

engine/store/db.py sends ``BEGIN`` (with the engine's isolation level, read-only or not) in one pipeline with
a transaction's first statement, switching psycopg to autocommit for as long as that transaction is open.
What must hold: every statement of a writer is in one transaction (a failure rolls back what came before,
the first statement included), readers get their snapshot and cannot write, a failing first statement
leaves the connection usable, no connection goes back to the pool at autocommit, the autocommit reads
stay outside any transaction — and the BEGIN is no round trip of its own (counted by bench/pg_trips.py's
proxy).
"""

from __future__ import annotations

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bench.pg_trips import Proxy
from engine.settings import Settings
from engine.store.db import Database

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

ADMIN_NAME = "SELECT display_name FROM users WHERE username = 'admin'"


def _raw(session: object) -> object:
    return session.connection().connection.dbapi_connection  # type: ignore[attr-defined]


def test_a_writer_is_one_transaction_from_its_first_statement(backend_settings: Settings) -> None:
    db = Database(backend_settings.database_url)
    try:
        with db.reader() as session:
            before = session.execute(text(ADMIN_NAME)).scalar_one()
        with db.writer() as session, pytest.raises(DBAPIError):
            session.execute(text("UPDATE users SET display_name = 'half done' WHERE username = 'admin'"))
            level, xid = session.execute(text(
                "SELECT current_setting('transaction_isolation'), pg_current_xact_id_if_assigned()")).one()
            assert level == "read committed" and xid is not None  # the UPDATE's transaction is still open
            session.execute(text("SELECT 1 / 0"))
        with db.reader() as session:
            assert session.execute(text(ADMIN_NAME)).scalar_one() == before
        with db.writer() as session, session.begin():
            session.execute(text("UPDATE users SET display_name = 'done' WHERE username = 'admin'"))
        with db.reader() as session:
            assert session.execute(text(ADMIN_NAME)).scalar_one() == "done"
    finally:
        db.dispose()


def test_a_reader_is_one_read_only_snapshot(backend_settings: Settings) -> None:
    db = Database(backend_settings.database_url)
    try:
        with db.reader() as session:
            level, read_only, started = session.execute(text(
                "SELECT current_setting('transaction_isolation'), current_setting('transaction_read_only'),"
                " now()")).one()
            assert (level, read_only) == ("repeatable read", "on")
            with db.writer() as other, other.begin():  # committed between the reader's two statements
                other.execute(text("UPDATE users SET display_name = 'later' WHERE username = 'admin'"))
            assert session.execute(text(ADMIN_NAME)).scalar_one() != "later"
            assert session.execute(text("SELECT now()")).scalar_one() == started
            with pytest.raises(DBAPIError, match="read-only transaction"):
                session.execute(text("UPDATE users SET display_name = 'x' WHERE username = 'admin'"))
    finally:
        db.dispose()


def test_a_failed_first_statement_and_the_pool_leave_no_autocommit_behind(backend_settings: Settings) -> None:
    db = Database(backend_settings.database_url)
    try:
        with db.writer() as session, pytest.raises(DBAPIError):
            session.execute(text("SELECT 1 / 0"))
        with db.writer() as session:
            session.execute(text("SELECT 1"))
            raw = _raw(session)
            assert raw.autocommit and raw.pgconn.transaction_status == TransactionStatus.INTRANS
            session.commit()
            assert not raw.autocommit and raw.pgconn.transaction_status == TransactionStatus.IDLE
        with db.writer() as session:
            session.execute(text("SELECT 1"))
        # closed without commit: rolled back by the pool, and back at psycopg's own transactions
        assert not raw.autocommit and raw.pgconn.transaction_status == TransactionStatus.IDLE
        with db.single_reader() as session:  # SQLAlchemy's autocommit: no transaction is opened
            assert session.execute(text("SELECT pg_current_xact_id_if_assigned()")).scalar_one() is None
            raw = _raw(session)
            assert raw.autocommit and raw.pgconn.transaction_status == TransactionStatus.IDLE
        with db.writer() as session, session.begin():  # the same connection, back from autocommit
            assert _raw(session) is raw
            session.execute(text("UPDATE users SET display_name = 'after' WHERE username = 'admin'"))
            assert raw.pgconn.transaction_status == TransactionStatus.INTRANS
    finally:
        db.dispose()


def test_begin_is_no_round_trip_of_its_own(backend_settings: Settings) -> None:
    url = make_url(backend_settings.database_url)
    proxy = Proxy(url.host or "127.0.0.1", url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port, query={"sslmode": "disable"})
    db = Database(proxied.render_as_string(hide_password=False))
    try:
        with db.writer() as session:
            session.execute(text("SELECT 1"))  # connects
            session.commit()
        proxy.reset()
        with db.writer() as session, session.begin():
            session.execute(text("UPDATE users SET display_name = 'one trip' WHERE username = 'admin'"))
            session.execute(text(ADMIN_NAME))
        trips = proxy.reset()
        assert len(trips) == 3, trips  # BEGIN (+ the plan setting) + UPDATE, SELECT, COMMIT
        assert trips[0][0].startswith("P BEGIN") and "UPDATE users" in trips[0][-1]
    finally:
        db.dispose()


def test_commands_reuse_plans_and_nothing_else_does(backend_settings: Settings) -> None:
    """A writer's prepared statements may keep a generic plan; the setting ends with its transaction."""
    db = Database(backend_settings.database_url)
    by_key = "SELECT display_name FROM users WHERE username = :name"
    try:
        for n in range(12):  # prepared at the 5th run; PostgreSQL weighs a generic plan after five custom ones
            with db.writer() as session, session.begin():
                assert session.execute(text("SELECT current_setting('plan_cache_mode')")).scalar_one() == "auto"
                session.execute(text(by_key), {"name": f"user{n % 3}"}).all()
        with db.single_reader() as session:  # the same connection, outside any transaction
            assert session.execute(text("SELECT current_setting('plan_cache_mode')")).scalar_one() == (
                "force_custom_plan")
            generic = session.execute(text(
                "SELECT generic_plans FROM pg_prepared_statements WHERE statement LIKE '%username = $1%'")).scalar()
        assert generic is not None and generic >= 1
        with db.reader() as session:  # lists and searches: planned for their values
            assert session.execute(text("SELECT current_setting('plan_cache_mode')")).scalar_one() == (
                "force_custom_plan")
        with db.key_reader() as session:  # a case's view by its id: a snapshot as any reader's, plans kept
            assert tuple(session.execute(text(
                "SELECT current_setting('plan_cache_mode'), current_setting('transaction_isolation'),"
                " current_setting('transaction_read_only')")).one()) == ("auto", "repeatable read", "on")
        with db.reader() as session:
            assert session.execute(text("SELECT current_setting('plan_cache_mode')")).scalar_one() == (
                "force_custom_plan")
    finally:
        db.dispose()
