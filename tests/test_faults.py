"""Storage faults get clear answers: a locked database 503 with Retry-After, a full disk 507; the log names the cause.

The SQLite write lock is held by another connection (as another process
would); PostgreSQL's case row is locked FOR UPDATE by another session. The full
disk is a small tmpfs the test mounts (as root) and removes: the database and
the attachments live on it, and a filler file takes the last byte. Afterwards
the same requests succeed and every case still checks out.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from engine.settings import Settings
from tests.consistency import check_all_cases, counts
from tests.hostile_support import deploy, start_loop_case
from tests.support import ApiClient, make_client, sqlite_url

LOCK_TIMEOUT_MS = 300


def assert_fault(response: Any, status: int, code: str, words: str) -> None:
    body = response.get_json()
    assert response.status_code == status, (response.status_code, body)
    assert body["error"]["code"] == code
    assert words in body["error"]["message"]
    assert int(response.headers["Retry-After"]) >= 1


def fault_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "api.faults"]


@pytest.fixture
def quick_lock_api(backend_settings: Settings) -> Iterator[ApiClient]:
    settings = Settings(database_url=backend_settings.database_url, attachments_dir=backend_settings.attachments_dir,
                        db_lock_timeout_ms=LOCK_TIMEOUT_MS)
    yield from make_client(settings)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_held_sqlite_write_lock_is_a_503_and_reads_go_on(quick_lock_api: ApiClient,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    api = quick_lock_api
    deploy(api.engine)
    case_id = start_loop_case(api)
    path = api.engine.db.url.split("///", 1)[1]
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process writing
        caplog.set_level(logging.INFO)
        login = api.post("/auth/token", {"username": "street_a", "password": "demo"})
        assert_fault(login, 503, "service_unavailable", "数据库正被其他操作占用")
        assert_fault(api.start("street_a", "loop_approval", {}), 503, "service_unavailable", "请稍后重试")
        assert api.get(f"/process-instances/{case_id}", as_user="street_a").status_code == 200
        assert any("database busy (sqlite: database is locked)" in line for line in fault_lines(caplog))
    finally:
        other.rollback() if other.in_transaction else None
        other.close()
    assert api.post("/auth/token", {"username": "street_a", "password": "demo"}).status_code == 200
    with api.engine.db.reader() as session:
        check_all_cases(session, api.engine.registry)


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_a_case_row_locked_by_another_session_is_a_503_on_postgres(quick_lock_api: ApiClient,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    api = quick_lock_api
    deploy(api.engine)
    case_id = start_loop_case(api)
    task = api.open_task(case_id, "submit", "street_a")
    other = create_engine(api.engine.db.url)
    try:
        with other.connect() as conn:
            conn.execute(text("SELECT id FROM process_instances WHERE id = :id FOR UPDATE"), {"id": case_id})
            caplog.set_level(logging.INFO)
            response = api.complete(task["id"], "street_a", {"title": "锁", "amount": 1})
            assert_fault(response, 503, "service_unavailable", "数据库正被其他操作占用")
            assert any("database busy (postgresql 55P03" in line for line in fault_lines(caplog))
            conn.rollback()
    finally:
        other.dispose()
    assert api.complete(task["id"], "street_a", {"title": "锁", "amount": 1}).status_code == 200
    with api.engine.db.reader() as session:
        check_all_cases(session, api.engine.registry)


# -- a full disk ---------------------------------------------------------------------------------------------

def _under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs mounted for this test and removed after it."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    why = None
    if os.geteuid() != 0 or shutil.which("mount") is None:
        why = "mounting a tmpfs needs root and mount(8)"
    else:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", str(mount_point)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            why = f"cannot mount a tmpfs: {done.stderr.strip()}"
    if why is not None:
        if _under_ci():
            pytest.fail(why + " — required under CI", pytrace=False)
        pytest.skip(why)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(directory: Path) -> Path:
    """Write a file until the file system has no byte left."""
    filler = directory / "filler"
    chunk = b"\0" * 65536
    with filler.open("wb", buffering=0) as out:
        size = len(chunk)
        while size:
            try:
                out.write(chunk[:size])
            except OSError:
                size //= 2
    return filler


def test_a_full_disk_is_a_507_for_uploads_starts_completions_and_logins(
        small_disk: Path, template_db: Path, caplog: pytest.LogCaptureFixture) -> None:
    database = small_disk / "case.db"
    shutil.copyfile(template_db, database)
    settings = Settings(database_url=sqlite_url(database), attachments_dir=small_disk / "attachments")
    for api in make_client(settings):
        deploy(api.engine)
        case_id = start_loop_case(api)
        task = api.open_task(case_id, "submit", "street_a")
        with sqlite3.connect(database) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every later write must grow the WAL file
        with api.engine.db.reader() as session:
            before = counts(session)
        filler = fill(small_disk)
        caplog.set_level(logging.INFO)

        upload = api.client.post(f"/api/v1/process-instances/{case_id}/attachments", headers=api.headers("street_a"),
                                 data={"file": (io.BytesIO(b"%PDF-1.4\n" + b"x" * 300_000), "plan.pdf")},
                                 content_type="multipart/form-data")
        assert_fault(upload, 507, "insufficient_storage", "存储空间不足")
        assert_fault(api.start("street_a", "loop_approval", {}), 507, "insufficient_storage", "存储空间不足")
        assert_fault(api.complete(task["id"], "street_a", {"title": "满", "amount": 1}), 507,
                     "insufficient_storage", "存储空间不足")
        assert_fault(api.post("/auth/token", {"username": "street_a", "password": "demo"}), 507,
                     "insufficient_storage", "存储空间不足")
        assert api.get(f"/process-instances/{case_id}", as_user="street_a").status_code == 200
        lines = fault_lines(caplog)
        assert any(line.startswith("disk full (ENOSPC") and "/attachments" in line for line in lines), lines
        assert any(line.startswith("disk full (sqlite: database or disk is full)") for line in lines), lines
        assert list((small_disk / "attachments" / ".incoming").iterdir()) == []  # nothing half-received

        filler.unlink()
        with api.engine.db.reader() as session:
            assert counts(session) == before
        assert api.complete(task["id"], "street_a", {"title": "满", "amount": 1}).status_code == 200
        assert api.start("street_a", "loop_approval", {}).status_code == 201
        with api.engine.db.reader() as session:
            check_all_cases(session, api.engine.registry)
