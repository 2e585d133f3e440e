"""The schema is built by the Alembic revisions, equals the models, and is upgraded safely by concurrent starts."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DatabaseError

from engine.identity.tokens import load_actor
from engine.seed.loader import HERE as SEED_DIR
from engine.service import WorkflowEngine
from engine.settings import Settings
from engine.store import schema, unit_of_work
from engine.store.db import Database
from engine.store.models import Base, User
from engine.store.unmodelled import model_name
from tests.case_helpers import ACCESS_START

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ONLY = [pytest.param("postgres", marks=pytest.mark.postgres)]


def schema_differences(db: Database) -> list[Any]:
    with db.read_engine.connect() as conn:
        # SQLite's FTS5 search index (engine/read/search_index.py) is a virtual table, not a model
        return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True,
                                                                      "include_name": model_name}),
                                Base.metadata)


def test_the_migrated_schema_is_the_models_schema(empty_database_url: str, tmp_path: Path) -> None:
    engine = WorkflowEngine(Settings(database_url=empty_database_url, attachments_dir=tmp_path))
    try:
        first = engine.upgrade()
        assert (first.before, first.after) == (None, schema.head())
        assert schema_differences(engine.db) == []
        again = engine.upgrade()
        assert (again.before, again.after, again.changed) == (schema.head(), schema.head(), False)
        # a case runs on it, and the baseline's triggers keep its journal append-only
        engine.seed_demo()
        engine.deploy_processes()
        department = engine.uow.read(lambda s: load_actor(s, s.scalars(select(User).where(
            User.username == "department")).one()))
        engine.instances.start(department, "community_access", None, ACCESS_START)
        for statement in ("UPDATE journal_entries SET comment = 'x'", "DELETE FROM journal_entries"):
            with pytest.raises(DatabaseError, match="append-only"), engine.db.writer() as session, session.begin():
                session.execute(text(statement))
    finally:
        engine.db.dispose()


def test_the_baseline_adopts_a_database_made_by_create_all(empty_database_url: str) -> None:
    made = create_engine(empty_database_url)
    Base.metadata.create_all(made)
    made.dispose()
    db = Database(empty_database_url)
    try:
        result = schema.upgrade(db)
        assert (result.before, result.after) == (None, schema.head())
        assert schema_differences(db) == []
    finally:
        db.dispose()


def test_roles_are_reference_data_the_upgrade_loads(empty_database_url: str, tmp_path: Path) -> None:
    import json

    engine = WorkflowEngine(Settings(database_url=empty_database_url, attachments_dir=tmp_path))
    try:
        engine.upgrade()
        assert engine.users.roles() and {r["id"] for r in engine.users.roles()} == {
            r["id"] for r in json.loads((SEED_DIR / "roles.json").read_text(encoding="utf-8"))}
        assert not engine.has_admin()  # no demo users without seed-demo
    finally:
        engine.db.dispose()


@pytest.mark.parametrize("backend", POSTGRES_ONLY)
def test_the_named_races_are_constraints_of_the_postgresql_schema(empty_database_url: str) -> None:
    db = Database(empty_database_url)
    try:
        schema.upgrade(db)
        with db.read_engine.connect() as conn:
            names = set(conn.scalars(text("SELECT conname FROM pg_constraint WHERE contype IN ('u', 'p')")))
        assert {unit_of_work.BUSINESS_KEY, unit_of_work.DEFINITION_VERSION, unit_of_work.USERNAME,
                unit_of_work.LOGIN_THROTTLE, unit_of_work.ROLE} <= names
    finally:
        db.dispose()


def _waiting_for_the_migration_lock(db: Database) -> int:
    with db.read_engine.connect() as conn:
        return int(conn.scalar(text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND ((classid::bigint << 32) | objid::bigint) = :id"), {"id": schema.LOCK_ID & 0xFFFFFFFFFFFFFFFF}))


@pytest.mark.parametrize("backend", POSTGRES_ONLY)
def test_processes_starting_at_once_on_an_empty_postgresql_queue_on_the_migration_lock(
        empty_database_url: str) -> None:
    db = Database(empty_database_url)
    holder = db.write_engine.connect()
    env = {**os.environ, "DATABASE_URL": empty_database_url}
    processes: list[subprocess.Popen[str]] = []
    try:
        holder.execute(text("SELECT pg_advisory_lock(:id)"), {"id": schema.LOCK_ID})
        holder.commit()  # the session-level lock stays held: both upgrades must wait for it
        processes = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "api", "db", "upgrade"], cwd=ROOT,
                                      env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                     for _ in range(2)]
        deadline = time.monotonic() + 60
        while _waiting_for_the_migration_lock(db) < 2:  # an observed state, not a guess at timing
            assert all(p.poll() is None for p in processes), [p.communicate() for p in processes]
            assert time.monotonic() < deadline, "the upgrades never waited for the migration lock"
            time.sleep(0.05)
        holder.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": schema.LOCK_ID})
        holder.commit()
        outputs = [p.communicate(timeout=120)[0] for p in processes]
        assert [p.returncode for p in processes] == [0, 0], outputs
        assert sum("数据库已升级" in out for out in outputs) == 1, outputs  # one migrated, the other found head
        assert schema.revision_of(db) == schema.head()
        assert schema_differences(db) == []
        with db.read_engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM alembic_version")) == 1
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        holder.close()
        db.dispose()
