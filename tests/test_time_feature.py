"""features/time.feature: timers and limits on an injected clock, through the real HTTP API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from api import create_app
from engine.clock import FixedClock
from engine.service import WorkflowEngine
from engine.settings import Settings
from tests.support import ApiClient
from tests.timer_support import FIXTURES, TIMER_FORMS

scenarios("time.feature")

T0 = datetime.fromisoformat("2026-03-02T09:00:00+08:00")


def _beijing(text: str) -> datetime:
    return datetime.fromisoformat(text.replace(" ", "T") + ":00+08:00")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def api(settings: Settings, clock: FixedClock) -> Iterator[ApiClient]:
    """The shared steps' client, on an engine whose clock the scenario moves."""
    engine = WorkflowEngine(settings, clock)
    app = create_app(settings, engine=engine)
    try:
        yield ApiClient(app, app.test_client())
    finally:
        engine.db.dispose()


@given(parsers.re(r'^the clock is at "(?P<at>[^"]+)"$'))
def clock_at(clock: FixedClock, at: str) -> None:
    clock.set(_beijing(at))


@given(parsers.re(r'^the test procedure "(?P<key>[^"]+)" is deployed$'))
def deploy_test_procedure(api: ApiClient, key: str) -> None:
    with api.engine.db.writer() as session, session.begin():
        api.engine.registry.deploy(session, (FIXTURES / f"{key}.bpmn").read_bytes(), TIMER_FORMS)


@when(parsers.re(r'^the clock moves to "(?P<at>[^"]+)" and the worker runs$'))
def worker_runs(api: ApiClient, clock: FixedClock, at: str) -> None:
    clock.set(_beijing(at))
    done = api.engine.worker("feature").run_once()
    assert done.failed == 0, done


@then(parsers.re(r'^the limit "(?P<label>[^"]+)" of task "(?P<element>[^"]+)" is due at the end of '
                 r'"(?P<day>[^"]+)" with urgency "(?P<urgency>[^"]+)"$'))
def limit_is(api: ApiClient, case: dict[str, Any], label: str, element: str, day: str, urgency: str) -> None:
    rows = api.get(f"/process-instances/{case['id']}/deadlines", as_user="admin").get_json()
    found = [r for r in rows if r["label"] == label and r["element_id"] == element]
    assert len(found) == 1, rows
    end = datetime.fromisoformat(f"{day}T00:00:00+08:00")
    assert datetime.fromisoformat(found[0]["deadline"]) - end == (datetime(2000, 1, 2) - datetime(2000, 1, 1))
    assert found[0]["urgency"] == urgency, found[0]


@then(parsers.re(r'^user "(?P<user>[^"]+)" has a notification containing "(?P<text>[^"]+)"$'))
def has_notification(api: ApiClient, case: dict[str, Any], user: str, text: str) -> None:
    notes = api.get("/notifications", as_user=user).get_json()
    assert any(n["instance_id"] == case["id"] and text in n["message"] for n in notes), notes


@then(parsers.re(r'^user "(?P<user>[^"]+)" sees the case in the overdue list$'))
def in_overdue_list(api: ApiClient, case: dict[str, Any], user: str) -> None:
    cases = api.get("/overdue", as_user=user).get_json()
    assert case["id"] in [c["id"] for c in cases], cases


@then(parsers.re(r'^the case history ends with "(?P<command>[^"]+)" at "(?P<element>[^"]*)" by "(?P<actor>[^"]+)"$'))
def history_ends_with(api: ApiClient, case: dict[str, Any], command: str, element: str, actor: str) -> None:
    history = api.get(f"/process-instances/{case['id']}/history", as_user="auditor").get_json()
    commands = [e for e in history if e["command"] != "engine_step"]
    last = commands[-1]
    assert (last["command"], last["element_id"] or "", last["actor"]) == (command, element, actor), last
