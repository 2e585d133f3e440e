"""BPMN timer events on an injected clock, through the real app and the real worker code.

Intermediate catch, boundary (interrupting and not), an event-based gateway with timer
branches; every case still verifies (its journal replays to the same states).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from engine.settings import Settings
from tests.replay_check import verify_every_case
from tests.timer_support import TimerHarness, make_harness


@pytest.fixture
def timers(backend_settings: Settings) -> Iterator[TimerHarness]:
    yield from make_harness(backend_settings)


def test_interrupting_boundary_timer_closes_the_task(timers: TimerHarness) -> None:
    case_id = timers.start()
    armed = timers.armed(case_id)
    assert list(armed) == ["submit_timeout"]
    assert armed["submit_timeout"].due_at == timers.clock.now() + timedelta(days=3)
    timers.advance(timedelta(days=3) - timedelta(seconds=1))
    assert timers.run_worker().fired == 0  # not yet due
    timers.advance(timedelta(seconds=2))
    assert timers.run_worker().fired == 1
    case = timers.case(case_id)
    assert case["status"] == "completed" and case["end_event"] == "逾期关闭"
    assert case["active_tasks"] == []
    assert [t.state for t in timers.timers(case_id)] == ["fired"]
    verify_every_case(timers.api)


def test_completed_task_cancels_its_boundary_timer(timers: TimerHarness) -> None:
    case_id = timers.start()
    assert timers.complete(case_id, "submit", "street_a", {"title": "申请", "amount": 10}).status_code == 200
    states = {t.element_id: t.state for t in timers.timers(case_id)}
    assert states == {"submit_timeout": "cancelled", "review_reminder": "armed"}
    timers.advance(timedelta(days=5))
    timers.run_worker()  # the reminder fires; the cancelled timeout never does
    assert {t.element_id: t.state for t in timers.timers(case_id)}["submit_timeout"] == "cancelled"
    verify_every_case(timers.api)


def test_non_interrupting_timer_leaves_the_task_open(timers: TimerHarness) -> None:
    case_id = timers.start()
    timers.complete(case_id, "submit", "street_a", {"title": "申请", "amount": 10})
    reminder = timers.armed(case_id)["review_reminder"]
    assert reminder.due_at == timers.clock.now() + timedelta(hours=2)  # "PT2H", SpiffWorkflow's quoted form
    timers.advance(timedelta(hours=2, seconds=1))
    assert timers.run_worker().fired == 1
    case = timers.case(case_id)
    assert case["status"] == "running" and timers.open_elements(case_id) == ["review"]
    history = timers.api.get(f"/process-instances/{case_id}/history", as_user="auditor").get_json()
    steps = [(e["command"], e["element_id"]) for e in history]
    assert steps[-3:] == [("timer_fired", "review_reminder"), ("engine_step", "remind"),
                          ("engine_step", "end_reminded")]
    assert history[-2]["payload"]["result"] == {"reminded": True}
    assert history[-3]["actor"] == "system" and history[-3]["payload"]["due_at"]
    verify_every_case(timers.api)


def test_intermediate_timer_then_event_gateway_takes_the_first_due_branch(timers: TimerHarness) -> None:
    case_id = timers.start()
    timers.complete(case_id, "submit", "street_a", {"title": "申请", "amount": 500})
    timers.complete(case_id, "review", "civil_affairs", {"decision": "pass"})
    assert list(timers.armed(case_id)) == ["wait"]
    timers.advance(timedelta(minutes=31))
    assert timers.run_worker().fired == 1
    armed = timers.armed(case_id)
    assert sorted(armed) == ["t_fast", "t_slow"]
    assert armed["t_fast"].expression == "P3D"  # the expression, evaluated over the case data
    timers.advance(timedelta(days=2, seconds=1))
    assert timers.run_worker().fired == 1
    assert timers.open_elements(case_id) == ["sign"]
    states = {t.element_id: t.state for t in timers.timers(case_id)}
    assert states == {"submit_timeout": "cancelled", "review_reminder": "cancelled", "wait": "fired",
                      "t_fast": "cancelled", "t_slow": "fired"}
    verify_every_case(timers.api)


def test_event_gateway_fast_branch(timers: TimerHarness) -> None:
    case_id = timers.start()
    timers.complete(case_id, "submit", "street_a", {"title": "申请", "amount": 10})
    timers.complete(case_id, "review", "civil_affairs", {"decision": "pass"})
    timers.advance(timedelta(minutes=31))
    timers.run_worker()
    timers.advance(timedelta(hours=1))
    assert timers.run_worker().fired == 1
    case = timers.case(case_id)
    assert case["status"] == "completed" and case["end_event"] == "快速办结"
    history = timers.api.get(f"/process-instances/{case_id}/history", as_user="auditor").get_json()
    fired = [e for e in history if e["command"] == "timer_fired"]
    assert [e["element_id"] for e in fired] == ["wait", "t_fast"]
    verify_every_case(timers.api)


def test_suspension_holds_timers_without_moving_them(timers: TimerHarness) -> None:
    """As in Camunda: a suspended case's timers do not fire and keep their due instant (no remaining
    time is carried over). One that fell due while the case was suspended fires at the first pass after
    the resume; one still ahead at the resume fires when it was always due. (Time limits, unlike
    timers, pause: tests/test_limits.py.)"""
    held = timers.start()
    ahead = timers.start()
    due = timers.armed(held)["submit_timeout"].due_at
    timers.advance(timedelta(days=1))
    for case_id in (held, ahead):
        assert timers.api.post(f"/process-instances/{case_id}/suspend", {"reason": "等待补充材料"},
                               as_user="admin").status_code == 200
    timers.advance(timedelta(days=1))
    assert timers.api.post(f"/process-instances/{ahead}/resume", {"reason": "材料已补齐"},
                           as_user="admin").status_code == 200
    assert timers.armed(ahead)["submit_timeout"].due_at == due  # not re-armed a day later

    timers.advance(timedelta(days=1, hours=1))  # both due now; one case still suspended
    assert timers.run_worker().fired == 1
    assert timers.case(ahead)["end_event"] == "逾期关闭"
    assert timers.case(held)["status"] == "suspended"
    assert timers.armed(held)["submit_timeout"].due_at == due
    timers.advance(timedelta(days=1))
    assert timers.run_worker().fired == 0
    assert timers.api.post(f"/process-instances/{held}/resume", {"reason": "材料已补齐"},
                           as_user="admin").status_code == 200
    assert timers.run_worker().fired == 1
    case = timers.case(held)
    assert (case["status"], case["end_event"]) == ("completed", "逾期关闭")
    history = timers.api.get(f"/process-instances/{held}/history", as_user="auditor").get_json()
    commands = [e["command"] for e in history if e["command"] != "engine_step"]
    assert commands == ["start", "suspend", "resume", "timer_fired"]
    fired = history[[e["command"] for e in history].index("timer_fired")]
    # recorded: the instant it was due, and the later instant it fired (the worker's pass after the resume)
    assert fired["payload"]["due_at"] == "2026-03-05T01:00:00.000000Z" == due.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert fired["at"] == "2026-03-06T02:00:00.000000Z"
    verify_every_case(timers.api)
