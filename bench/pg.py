"""A PostgreSQL database for row 4, or the reason there is none.

``TEST_DATABASE_URL`` or a PostgreSQL ``DATABASE_URL``: a scratch database is
created on that server and dropped afterwards, so nothing is written into the
named database. ``make bench`` runs under ``scripts/pg-test-server``, which
starts a throw-away server and sets ``TEST_DATABASE_URL``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine.settings import ROOT

PG_SCRIPT = ROOT / "scripts" / "pg-test-server"


class NoPostgres(Exception):
    """No PostgreSQL server could be had; the message says why."""


def _server_url() -> str | None:
    for name in ("TEST_DATABASE_URL", "DATABASE_URL"):
        url = os.environ.get(name, "")
        if url.startswith("postgresql"):
            return url
    return None


@contextmanager
def _scratch_database(server_url: str, suffix: str = "") -> Iterator[str]:
    """A new database on the server of ``server_url``, dropped on exit."""
    url = make_url(server_url)
    name = f"shequ_bench_{os.getpid()}" + (f"_{suffix}" if suffix else "")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # no server, no privilege: say so in the table
        admin.dispose()
        raise NoPostgres(f"cannot create a scratch database: {str(exc).splitlines()[0]}") from exc
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def postgres(suffix: str = "") -> Iterator[tuple[str, str]]:
    """Yield (database URL, where it came from); raise NoPostgres when there is none. Scratch databases held at
    once need different suffixes."""
    server = _server_url()
    if server:
        with _scratch_database(server, suffix) as url:
            yield url, "DATABASE_URL/TEST_DATABASE_URL"
        return
    raise NoPostgres("no PostgreSQL server: set TEST_DATABASE_URL (make bench starts one with scripts/pg-test-server)")
