"""Both databases: a fresh SQLite file or a fresh PostgreSQL database per test.

PostgreSQL comes from ``TEST_DATABASE_URL`` (``make test`` starts a throw-away
server, see ``scripts/pg-test-server``). One template database is set up
per session (schema by the migrations, roles, demo users with the same pre-issued tokens as the
SQLite template, the four procedures); each test gets ``CREATE DATABASE …
TEMPLATE`` of it, dropped afterwards. Without a server the PostgreSQL cases
skip, except under ``CI=true`` where they fail: CI must not go green on SQLite
alone.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import Engine, make_url

from engine.service import WorkflowEngine
from engine.settings import Settings
from engine.store.models import AuthToken
from tests.support import ApiClient, fresh_settings, make_client, set_up, sqlite_url

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def postgres_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


def _require_postgres() -> str:
    url = postgres_url()
    if url is None:
        message = "PostgreSQL not available: set TEST_DATABASE_URL (make test starts one via scripts/pg-test-server)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message + " — required under CI", pytrace=False)
        pytest.skip(message)
    return url


def _with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


class PostgresServer:
    """Creates and drops databases on the test server."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.admin: Engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=2)

    def create(self, name: str, template: str | None = None) -> str:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
        return _with_database(self.url, name)

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def pg_template(template_db: Path) -> Iterator[tuple[PostgresServer, str]]:
    """A set-up template database carrying the SQLite template's demo tokens."""
    server = PostgresServer(_require_postgres())
    name = f"shequ_template_{os.getpid()}"
    url = server.create(name)
    engine = WorkflowEngine(Settings(database_url=url))
    set_up(engine)
    source = create_engine(sqlite_url(template_db))
    with source.connect() as conn:
        tokens = [dict(row._mapping) for row in conn.execute(select(AuthToken.__table__))]
    source.dispose()
    with engine.db.writer() as session, session.begin():
        session.execute(insert(AuthToken.__table__), tokens)
    engine.db.dispose()
    try:
        yield server, name
    finally:
        server.drop(name)
        server.admin.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def backend_settings(backend: str, request: pytest.FixtureRequest, template_db: Path,
                     tmp_path: Path) -> Iterator[Settings]:
    """Settings for a fresh database of the parametrised backend (set up, demo tokens valid)."""
    if backend == "sqlite":
        yield fresh_settings(template_db, tmp_path)
        return
    server, template = request.getfixturevalue("pg_template")
    name = f"shequ_test_{uuid.uuid4().hex[:12]}"
    url = server.create(name, template=template)
    try:
        yield Settings(database_url=url, attachments_dir=tmp_path / "attachments")
    finally:
        server.drop(name)


@pytest.fixture
def backend_api(backend_settings: Settings) -> Iterator[ApiClient]:
    """The real Flask app on a fresh database of each backend."""
    yield from make_client(backend_settings)


@pytest.fixture
def empty_database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of the parametrised backend (no schema at all)."""
    if backend == "sqlite":
        yield sqlite_url(tmp_path / "empty.db")
        return
    server = PostgresServer(_require_postgres())
    name = f"shequ_empty_{uuid.uuid4().hex[:12]}"
    try:
        yield server.create(name)
    finally:
        server.drop(name)
        server.admin.dispose()
