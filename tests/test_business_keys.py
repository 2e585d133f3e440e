"""Case numbers (办件编号) stay unique when cases start at the same moment (SQLite, and PostgreSQL if given)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

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


def test_concurrent_starts_on_each_backend(backend_api: ApiClient) -> None:
    """The same race on SQLite and on PostgreSQL (tests/backends.py)."""
    assert set(start_concurrently(backend_api, STARTERS)) == expected_keys(STARTERS)
