"""The database schema is Alembic's revisions (``engine/store/migrations/versions``), upgraded under a lock.

:func:`upgrade` brings a database to the newest revision in one transaction that
holds the migration lock: PostgreSQL's transaction-scoped advisory lock, SQLite's
write lock (the write engine begins with ``BEGIN IMMEDIATE``). Several processes
starting at once on one empty database therefore queue: the first migrates, the
others find the schema at head and do nothing. A database made before migrations
existed is adopted by the baseline revision (it only adds what is missing).
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from engine.store.db import Database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001_baseline"
LOCK_ID = int.from_bytes(hashlib.sha256(b"shequ-bpm:schema-migrations").digest()[:8], "big", signed=True)


@dataclass(frozen=True)
class Upgrade:
    before: str | None  # None: a database without the revision table (empty, or made before migrations)
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("file_template", "%%(rev)s")  # versions/<revision id>.py
    config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def head() -> str:
    found = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if found is None:  # pragma: no cover - the baseline is always there
        raise RuntimeError("no migration revisions")
    return found


def current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def revision_of(db: Database) -> str | None:
    """The revision the database is at (None: no revision table)."""
    with db.read_engine.connect() as conn:
        return current(conn)


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": LOCK_ID})


def upgrade(db: Database, target: str = "head") -> Upgrade:
    """Upgrade to ``target`` (the newest revision by default) under the migration lock."""
    # One transaction begun here, so Alembic runs every revision inside it (it leaves an outer
    # transaction to its owner): the lock covers reading the revision and every change after.
    with db.write_engine.connect() as conn, conn.begin():
        _lock(conn)
        before = current(conn)
        command.upgrade(alembic_config(conn), target)
        after = current(conn)
    assert after is not None
    return Upgrade(before, after)


def new_revision(message: str, rev_id: str, autogenerate: bool) -> Path:
    """Write ``versions/<rev_id>.py`` after the current head; with ``autogenerate``, filled with the
    differences between the models and the schema at head (on a scratch SQLite database: check the
    operations, and that they suit PostgreSQL too)."""
    with tempfile.TemporaryDirectory() as scratch:
        db = Database(f"sqlite:///{Path(scratch) / 'head.db'}")
        try:
            upgrade(db)
            with db.write_engine.connect() as conn, conn.begin():
                script = command.revision(alembic_config(conn), message=message, rev_id=rev_id,
                                          autogenerate=autogenerate)
        finally:
            db.dispose()
    head.cache_clear()
    assert script is not None and not isinstance(script, list)
    return Path(script.path)
