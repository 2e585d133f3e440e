"""A timer fires exactly once: two workers racing for one row, a clerk completing the task as its
boundary timer fires, a worker SIGKILLed in the middle of firing. On SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.settings import Settings
from engine.store.models import JournalEntry
from tests.replay_check import verify_every_case
from tests.support import ApiClient
from tests.timer_support import TimerHarness, make_harness

ROUNDS = 3


@pytest.fixture
def timers(backend_settings: Settings) -> Iterator[TimerHarness]:
    yield from make_harness(backend_settings)


def _together(calls: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def _fired_entries(timers: TimerHarness, case_id: int) -> int:
    with timers.engine.db.reader() as session:
        return int(session.scalar(select(func.count()).select_from(JournalEntry).where(
            JournalEntry.instance_id == case_id, JournalEntry.command == "timer_fired")) or 0)


def test_two_workers_race_for_one_row(timers: TimerHarness) -> None:
    for _ in range(ROUNDS):
        case_id = timers.start()
        timer = timers.armed(case_id)["submit_timeout"]
        timers.advance(timedelta(days=3, seconds=1))
        at = timers.clock.now()
        results = _together([lambda name=name, timer_id=timer.id, at=at: timers.engine.timers.fire(timer_id, at, name)
                             for name in ("w1", "w2")])
        assert sorted(results) == ["already fired", "fired"], results
        assert _fired_entries(timers, case_id) == 1
    verify_every_case(timers.api)


def test_two_worker_passes_share_the_due_rows(timers: TimerHarness) -> None:
    cases = [timers.start() for _ in range(6)]
    timers.advance(timedelta(days=3, seconds=1))
    passes = _together([timers.worker(name).run_once for name in ("w1", "w2")])
    assert sum(p.fired for p in passes) == 6 and sum(p.failed for p in passes) == 0
    assert all(_fired_entries(timers, case_id) == 1 for case_id in cases)
    verify_every_case(timers.api)


def test_clerk_completes_as_the_boundary_timer_fires(timers: TimerHarness) -> None:
    outcomes = set()
    for _ in range(ROUNDS * 2):
        case_id = timers.start()
        timer = timers.armed(case_id)["submit_timeout"]
        task = timers.api.open_task(case_id, "submit", "street_a")
        timers.advance(timedelta(days=3, seconds=1))
        at = timers.clock.now()
        clerk = ApiClient(timers.api.app, timers.api.app.test_client(), dict(timers.api.tokens))
        fired, completed = _together([
            lambda timer_id=timer.id, at=at: timers.engine.timers.fire(timer_id, at, "w1"),
            lambda clerk=clerk, task_id=task["id"]: clerk.complete(
                task_id, "street_a", {"title": "赶在最后一刻", "amount": 1}).status_code,
        ])
        case = timers.case(case_id)
        if fired == "fired":  # the timer won: the task was cancelled under the clerk
            assert completed == 409 and case["end_event"] == "逾期关闭"
        else:  # the clerk won: the timer was cancelled with the task and never fires
            assert completed == 200 and fired == "already cancelled"
            assert timers.open_elements(case_id) == ["review"]
        assert _fired_entries(timers, case_id) == (1 if fired == "fired" else 0)
        outcomes.add(fired)
    verify_every_case(timers.api)


def test_worker_killed_mid_fire_leaves_the_timer_armed_for_another(timers: TimerHarness) -> None:
    case_id = timers.start()
    timer = timers.armed(case_id)["submit_timeout"]
    timers.advance(timedelta(days=3, seconds=1))
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.timer_kill_child", timers.engine.db.url, str(timer.id),
         timers.clock.now().isoformat()], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "in-transaction"  # everything written, nothing committed
        child.kill()
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert timers.armed(case_id)["submit_timeout"].claimed_by == "doomed"
    assert _fired_entries(timers, case_id) == 0
    assert timers.run_worker("w2").claimed == 0  # the dead worker's lease still holds
    timers.advance(timedelta(minutes=2))
    done = timers.run_worker("w2")
    assert (done.claimed, done.fired) == (1, 1)
    assert _fired_entries(timers, case_id) == 1
    assert timers.case(case_id)["end_event"] == "逾期关闭"
    verify_every_case(timers.api)
