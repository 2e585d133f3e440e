"""A PostgreSQL database for row 4, or the reason there is none.

In order: ``TEST_DATABASE_URL`` or a PostgreSQL ``DATABASE_URL`` (a scratch
database is created on that server and dropped afterwards, so nothing is
written into the named database); ``scripts/pg-test-server`` when it exists
(HOOK: the hostile-input engineer's script, issue 5 — connect it after merge);
else a throw-away cluster made with the local ``initdb``/``pg_ctl`` in a
temporary directory, listening on a Unix socket only, removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
def _scratch_database(server_url: str) -> Iterator[str]:
    """A new database on the server of ``server_url``, dropped on exit."""
    url = make_url(server_url)
    name = f"shequ_bench_{os.getpid()}"
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _local_cluster() -> Iterator[str]:
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if not initdb or not pg_ctl:
        raise NoPostgres("no DATABASE_URL/TEST_DATABASE_URL and no local initdb/pg_ctl")
    prefix: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="shequ-bench-pg-"))
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        if not shutil.which("runuser"):
            raise NoPostgres("running as root without runuser")
        prefix = ["runuser", "-u", "postgres", "--"]
        shutil.chown(base, "postgres")
    data, port = base / "data", _free_port()
    try:
        subprocess.run([*prefix, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                        "--no-sync"], check=True, capture_output=True, timeout=120)
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-l", str(base / "log"), "-w", "-o",
                        f"-k {base} -p {port} -c listen_addresses='' -c max_connections=50", "start"],
                       check=True, capture_output=True, timeout=120)
    except (subprocess.SubprocessError, OSError) as exc:
        shutil.rmtree(base, ignore_errors=True)
        raise NoPostgres(f"local PostgreSQL did not start: {exc}") from exc
    try:
        with _scratch_database(f"postgresql+psycopg://postgres@/postgres?host={base}&port={port}") as url:
            yield url
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"], capture_output=True,
                       timeout=120)
        time.sleep(0.1)
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def postgres() -> Iterator[tuple[str, str]]:
    """Yield (database URL, where it came from); raise NoPostgres when there is none."""
    server = _server_url()
    if server:
        with _scratch_database(server) as url:
            yield url, "DATABASE_URL/TEST_DATABASE_URL"
        return
    # HOOK(pg-test-server): when scripts/pg-test-server (issue 5) is merged, prefer it here; its interface
    # was not known when this was written, so the local cluster below does the same job meanwhile.
    with _local_cluster() as url:
        yield url, "throw-away local cluster (initdb)"
