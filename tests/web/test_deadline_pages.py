"""剩余时限 in the pages: the inbox, the task page, the case page and 已办 show each limit's remaining time,
yellow when the worker has warned and red once overdue, on a server whose clock the test moves.

The limit_approval model (tests/fixtures): 20 working days 法定, 15 承诺, 3 working days on 审批 with
yellow 2 and red 1 days before; dates as in tests/test_limits.py (2025: National Day 1–8 Oct, 11 Oct worked).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, expect
from waitress.server import create_server

from api import create_app
from engine.clock import FixedClock
from engine.service import WorkflowEngine
from engine.settings import Settings
from tests.support import ApiClient
from tests.timer_support import FIXTURES, TIMER_FORMS, TimerHarness
from tests.web.conftest import ConsoleWatch, LiveServer, login, new_page, shot

LIMIT_BPMN = (FIXTURES / "limit_approval.bpmn").read_bytes()


def beijing(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00").astimezone(UTC)


@pytest.fixture
def clocked(settings: Settings) -> Iterator[tuple[LiveServer, TimerHarness]]:
    """The real app on an injected clock behind waitress; the harness drives the worker on the same clock."""
    clock = FixedClock(beijing("2025-09-23"))
    engine = WorkflowEngine(settings, clock)
    app = create_app(settings, engine=engine)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    client = ApiClient(app, app.test_client())
    harness = TimerHarness(client, clock)
    harness.deploy(LIMIT_BPMN, TIMER_FORMS)
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.effective_port}", client), harness
    finally:
        server.close()
        thread.join(timeout=10)
        engine.db.dispose()


def test_pages_show_remaining_time_and_colour_by_urgency(clocked: tuple[LiveServer, TimerHarness], browser: Browser,
                                                         console: ConsoleWatch) -> None:
    server, h = clocked
    case_id = h.start("limit_approval")
    h.clock.set(beijing("2025-09-29"))
    h.complete(case_id, "accept", "street_a", {"agree": True})
    h.clock.set(beijing("2025-10-10", 9))
    h.complete(case_id, "expert", "civil_affairs", {"agree": True})  # 审批 is due at the end of 14 Oct
    key = h.case(case_id)["business_key"]

    context, page = new_page(browser, console)
    try:
        # Sunday 12 Oct: the worker warns (yellow); the inbox sorts the most urgent first
        h.clock.set(beijing("2025-10-12"))
        assert h.run_worker().fired == 1
        login(page, server, "civil_affairs")
        row = page.locator("#tasks tbody tr", has_text=key)
        badge = row.locator("td.remaining .deadline")
        expect(badge).to_have_class("deadline urgency-yellow")
        expect(badge).to_have_text(h.case(case_id)["active_tasks"][0]["remaining"])
        expect(row).to_have_class("urgency-yellow")
        page.select_option("#list-sort", "urgency")
        expect(page.locator("#tasks tbody tr").first).to_contain_text(key)
        shot(page, "deadline-1-inbox-yellow")

        # Wednesday 15 Oct: red, then overdue, in one pass
        h.clock.set(beijing("2025-10-15", 9))
        assert h.run_worker().fired == 2
        login(page, server, "civil_affairs")  # three days on, the login token has expired
        badge = page.locator("#tasks tbody tr", has_text=key).locator("td.remaining .deadline")
        expect(badge).to_have_class("deadline urgency-overdue")
        expect(badge).to_have_text("已超期 1 个工作日")
        shot(page, "deadline-2-inbox-overdue")

        task_id = h.case(case_id)["active_tasks"][0]["id"]
        page.goto(f"{server.url}/tasks/{task_id}")
        expect(page.locator("#task-remaining")).to_have_class("deadline urgency-overdue")
        expect(page.locator("#task-remaining")).to_have_text("已超期 1 个工作日")

        # the case page: the case's own limits (the promise is the nearest) and each limit in a table
        case = h.case(case_id)
        page.goto(f"{server.url}/cases/{case_id}")
        expect(page.locator("#case-remaining")).to_have_text(case["remaining"])
        expect(page.locator("#case-remaining")).to_have_class(f"deadline urgency-{case['urgency']}")
        expect(page.locator("#active-tasks .deadline")).to_have_class("deadline urgency-overdue")
        limits = page.locator("#case-limits tbody tr")
        expect(limits).to_have_count(len(case["deadlines"]))
        task_limit = page.locator("#case-limits tr[data-kind=task]", has_text="审批")
        expect(task_limit.locator(".deadline")).to_have_class("deadline urgency-overdue")
        expect(page.locator("#case-limits tr[data-kind=statutory]")).to_contain_text("法定时限")
        shot(page, "deadline-3-case")
        context.close()

        # 已办: the clerk who accepted the case sees where its time stands now
        context, page = new_page(browser, console)
        login(page, server, "street_a", then="/done")
        done = page.locator("#done tbody tr", has_text=key)
        expect(done.locator("td.remaining .deadline")).to_have_text(case["remaining"])
        expect(done.locator("td.remaining .deadline")).to_have_class(f"deadline urgency-{case['urgency']}")
        shot(page, "deadline-4-done")
    finally:
        context.close()
    assert not console.unexpected(), console.unexpected()
