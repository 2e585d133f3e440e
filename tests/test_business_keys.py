"""Case numbers (办件编号) stay unique when cases start at the same moment (SQLite, and PostgreSQL if given)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import create_app
from engine.case_store import run_command
from engine.seed.loader import DEMO_PASSWORD
from engine.service import WorkflowEngine
from engine.settings import Settings
from engine.store.models import Base, ProcessInstance
from tests.case_helpers import VILLAGE_START
from tests.support import ApiClient

STARTERS = 6


def start_concurrently(api: ApiClient, count: int) -> list[str]:
    """``count`` clients start a case each, released together by a barrier."""
    barrier = threading.Barrier(count)
    headers = api.headers("street_a")
    results: list[Any] = [None] * count

    def starter(index: int) -> None:
        client = api.app.test_client()
        barrier.wait()
        results[index] = client.post("/api/v1/process-instances", headers=headers,
                                     json={"definition_key": "village_to_community", "data": VILLAGE_START})

    threads = [threading.Thread(target=starter, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r.status_code == 201 for r in results), [r.get_json() for r in results]
    return [r.get_json()["business_key"] for r in results]


def expected_keys(count: int) -> set[str]:
    return {f"CJJ-{datetime.now(UTC).year}-{n:06d}" for n in range(1, count + 1)}


def test_concurrent_starts_get_distinct_consecutive_numbers(api: ApiClient) -> None:
    assert set(start_concurrently(api, STARTERS)) == expected_keys(STARTERS)


def test_a_unique_violation_makes_the_command_retry(api: ApiClient) -> None:
    taken = api.start("street_a", "village_to_community", VILLAGE_START).get_json()["business_key"]
    attempts: list[int] = []

    def command(session: Session) -> str:
        attempts.append(1)
        row = session.scalar(select(ProcessInstance).where(ProcessInstance.business_key == taken))
        assert row is not None
        if len(attempts) == 1:  # as if another transaction had taken our number in the meantime
            session.add(ProcessInstance(**{c.name: getattr(row, c.name) for c in ProcessInstance.__table__.columns
                                           if c.name != "id"}))
            session.flush()
        return "done"

    assert run_command(api.engine.db, command) == "done"
    assert len(attempts) == 2


@pytest.fixture
def postgres_api(tmp_path: Path) -> Iterator[ApiClient]:
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TEST_POSTGRES_URL is not set (an empty PostgreSQL database the test may wipe)")
    settings = Settings(database_url=url, attachments_dir=tmp_path / "attachments")
    engine = WorkflowEngine(settings)
    Base.metadata.drop_all(engine.db.write_engine)
    app = create_app(settings, engine=engine)
    client = ApiClient(app, app.test_client())
    login = client.client.post("/api/v1/auth/token", json={"username": "street_a", "password": DEMO_PASSWORD})
    client.tokens["street_a"] = login.get_json()["token"]  # the SQLite template's tokens are not valid here
    try:
        yield client
    finally:
        engine.db.dispose()


@pytest.mark.postgres
def test_concurrent_starts_on_postgresql(postgres_api: ApiClient) -> None:
    assert set(start_concurrently(postgres_api, STARTERS)) == expected_keys(STARTERS)
