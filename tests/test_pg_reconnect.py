"""PostgreSQL connections that die in the pool (a database restart): at worst a 503, never a 500; then requests work.

The pool probes a connection only after it sat idle (engine/store/db.py), so every backend of the
test's database is terminated by another session — what a restart does to the pool — once right after
requests (the connections are fresh: no probe) and once after they sat idle (probed, swapped).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from engine.settings import Settings
from engine.store import db as db_module
from tests.consistency import check_all_cases
from tests.hostile_support import deploy, start_loop_case
from tests.support import ApiClient, make_client

STEP = {"title": "重连", "amount": 1}


@pytest.fixture
def pg_api(backend_settings: Settings) -> Iterator[ApiClient]:
    yield from make_client(backend_settings)


def _terminate_backends(api: ApiClient) -> int:
    """Terminate every other session on the test's database, as a restart would; returns how many."""
    other = create_engine(api.engine.db.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with other.connect() as conn:
            return int(conn.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar_one())
    finally:
        other.dispose()


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_connections_killed_right_after_use_give_a_503_at_most_then_requests_work(pg_api: ApiClient) -> None:
    api = pg_api
    deploy(api.engine)
    case_id = start_loop_case(api)
    task = api.open_task(case_id, "submit", "street_a")
    assert _terminate_backends(api) >= 1
    first = api.complete(task["id"], "street_a", STEP)  # its pooled connection is dead and was not probed
    assert first.status_code in (200, 503), (first.status_code, first.get_json())
    if first.status_code == 503:
        assert first.get_json()["error"]["code"] == "service_unavailable"
        assert int(first.headers["Retry-After"]) >= 1
        first = api.complete(task["id"], "street_a", STEP)  # the pool reconnected: done now, once
    assert first.status_code == 200, first.get_json()
    assert api.get(f"/process-instances/{case_id}", "street_a").status_code == 200
    with api.engine.db.reader() as session:
        check_all_cases(session, api.engine.registry)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_connections_killed_while_idle_are_probed_and_replaced(pg_api: ApiClient,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    api = pg_api
    deploy(api.engine)
    case_id = start_loop_case(api)
    task = api.open_task(case_id, "submit", "street_a")
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_S", 0.0)  # every pooled connection counts as idle
    assert _terminate_backends(api) >= 1
    response = api.complete(task["id"], "street_a", STEP)
    assert response.status_code == 200, response.get_json()
    assert api.get(f"/process-instances/{case_id}", "street_a").status_code == 200
