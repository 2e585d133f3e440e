"""Repeated failed logins lock the account for a window that doubles, stored in the database.

The clock is injected (FixedClock), so the windows are walked through without sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from api import create_app
from engine.clock import FixedClock
from engine.identity.logins import LockoutPolicy
from engine.service import WorkflowEngine
from engine.settings import Settings
from tests.support import ApiClient


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))


def make_api(settings: Settings, clock: FixedClock) -> tuple[ApiClient, WorkflowEngine]:
    engine = WorkflowEngine(settings, clock=clock)
    app = create_app(settings, engine=engine)
    return ApiClient(app, app.test_client()), engine


@pytest.fixture
def api_at(settings: Settings, clock: FixedClock) -> Iterator[ApiClient]:
    api, engine = make_api(settings, clock)
    try:
        yield api
    finally:
        engine.db.dispose()


def attempt(api: ApiClient, username: str, password: str) -> tuple[int, str | None]:
    response = api.client.post("/api/v1/auth/token", json={"username": username, "password": password})
    if response.status_code != 200:
        assert response.get_json()["error"]["code"] in ("unauthorized", "too_many_requests")
    return response.status_code, response.headers.get("Retry-After")


def fail(api: ApiClient, username: str, times: int) -> list[tuple[int, str | None]]:
    return [attempt(api, username, "wrong-password") for _ in range(times)]


def test_lockout_after_five_failures_refuses_even_the_right_password(api_at: ApiClient, clock: FixedClock) -> None:
    assert fail(api_at, "street_a", 4) == [(401, None)] * 4
    assert attempt(api_at, "street_a", "wrong-password") == (429, "30")
    assert attempt(api_at, "street_a", "demo") == (429, "30")  # locked: the right password is refused too
    clock.advance(timedelta(seconds=20))
    assert attempt(api_at, "street_a", "demo") == (429, "10")
    assert attempt(api_at, "street_b", "demo") == (200, None)  # other accounts are not affected
    clock.advance(timedelta(seconds=10))
    assert attempt(api_at, "street_a", "demo") == (200, None)
    # success cleared the count: four more failures are plain 401s again
    assert fail(api_at, "street_a", 4) == [(401, None)] * 4


def test_the_window_doubles_with_each_further_failure_up_to_the_cap(api_at: ApiClient, clock: FixedClock,
                                                                    settings: Settings) -> None:
    windows = []
    fail(api_at, "civil_affairs", 4)
    for _ in range(9):
        status, retry_after = attempt(api_at, "civil_affairs", "wrong-password")
        assert status == 429 and retry_after is not None
        windows.append(int(retry_after))
        clock.advance(timedelta(seconds=int(retry_after)))
    assert windows == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert settings.login_lockout_max_seconds == 3600
    assert attempt(api_at, "civil_affairs", "demo") == (200, None)


def test_unknown_usernames_are_throttled_alike(api_at: ApiClient) -> None:
    """Whether an account exists cannot be told from the answers."""
    assert fail(api_at, "no_such_user", 5) == fail(api_at, "auditor", 5) == [(401, None)] * 4 + [(429, "30")]


def test_the_lockout_is_stored_and_outlives_the_process(settings: Settings, clock: FixedClock) -> None:
    first, engine = make_api(settings, clock)
    fail(first, "owner", 5)
    engine.db.dispose()
    second, engine = make_api(settings, clock)
    try:
        assert attempt(second, "owner", "demo") == (429, "30")
    finally:
        engine.db.dispose()


def test_the_policy_windows() -> None:
    policy = LockoutPolicy(max_failures=3, base_seconds=10, cap_seconds=100)
    assert [policy.window(n) for n in (1, 2)] == [None, None]
    assert [int(policy.window(n).total_seconds()) for n in (3, 4, 5, 6, 60)] == [10, 20, 40, 80, 100]
