"""Time limits on an injected clock through the real app: a case's 法定/承诺时限 and a task's 环节时限,
an excluded step (专家评审), a suspension across National Day, warnings, overdue with 催办, an extension.

Dates as counted by hand in tests/test_calendar.py (2025: 10月1日至8日放假, 9月28日、10月11日上班).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from engine.seed.loader import DEMO_PASSWORD
from engine.settings import Settings
from tests.replay_check import verify_every_case
from tests.timer_support import FIXTURES, TIMER_FORMS, TimerHarness, make_harness

LIMIT_BPMN = (FIXTURES / "limit_approval.bpmn").read_bytes()


def beijing(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00+08:00").astimezone(UTC)


@pytest.fixture
def limits(backend_settings: Settings) -> Iterator[TimerHarness]:
    for harness in make_harness(backend_settings, at=beijing("2025-09-23")):
        harness.deploy(LIMIT_BPMN, TIMER_FORMS)
        yield harness


def _deadlines(h: TimerHarness, case_id: int) -> dict[str, dict]:
    rows = h.api.get(f"/process-instances/{case_id}/deadlines", as_user="admin").get_json()
    return {(r["kind"] if r["kind"] != "task" else f"task:{r['element_id']}"): r for r in rows}


def _commands(h: TimerHarness, case_id: int) -> list[str]:
    history = h.api.get(f"/process-instances/{case_id}/history", as_user="auditor").get_json()
    return [e["command"] for e in history if e["command"] != "engine_step"]


def _due(day: str) -> str:
    """The deadline of a limit that ends with ``day`` (the start of the next day, Beijing time, in UTC)."""
    start = datetime.fromisoformat(f"{day}T00:00:00+08:00")
    return (start.astimezone(UTC) + (datetime(2000, 1, 2) - datetime(2000, 1, 1))).isoformat()


def test_excluded_step_warning_overdue_urge_and_extension(limits: TimerHarness) -> None:
    h = limits
    case_id = h.start("limit_approval")
    found = _deadlines(h, case_id)
    assert found["statutory"]["deadline"] == _due("2025-10-27")  # 20 working days across National Day
    assert found["promised"]["deadline"] == _due("2025-10-20")  # 15
    assert found["statutory"]["urgency"] == "normal" and found["statutory"]["remaining"] == "剩余 20 个工作日"

    h.clock.set(beijing("2025-09-29"))
    h.complete(case_id, "accept", "street_a", {"agree": True})  # 专家评审 opens: the case's clock stops
    assert _deadlines(h, case_id)["statutory"]["state"] == "paused"
    h.clock.set(beijing("2025-10-10", 9))
    h.complete(case_id, "expert", "civil_affairs", {"agree": True})
    found = _deadlines(h, case_id)
    # 29 Sep, 30 Sep and 9 Oct did not count: three working days later
    assert found["statutory"]["state"] == "running" and found["statutory"]["deadline"] == _due("2025-10-30")
    assert found["task:decide"]["deadline"] == _due("2025-10-14")  # Sat 11 Oct is a working day (调休)
    assert _commands(h, case_id) == ["start", "complete", "clock_paused", "complete", "clock_resumed"]

    h.clock.set(beijing("2025-10-12"))  # Sunday: one working day (13 Oct) left before the task's limit
    assert h.run_worker().fired == 1
    assert _deadlines(h, case_id)["task:decide"]["urgency"] == "yellow"
    inbox = h.api.get("/tasks?sort=urgency", as_user="civil_affairs").get_json()
    assert inbox[0]["instance_id"] == case_id and inbox[0]["urgency"] == "yellow"
    assert inbox[0]["deadline"] == _due("2025-10-14")

    h.clock.set(beijing("2025-10-15", 9))
    assert h.run_worker().fired == 2  # red, then overdue (one pass, in due order)
    found = _deadlines(h, case_id)
    assert found["task:decide"]["urgency"] == "overdue" and found["task:decide"]["remaining"] == "已超期 1 个工作日"
    assert _commands(h, case_id)[-3:] == ["deadline_warning", "deadline_overdue", "urge"]
    notes = h.api.get("/notifications", as_user="civil_affairs").get_json()
    assert len(notes) == 1 and "环节时限 3 个工作日" in notes[0]["message"] and "审批" in notes[0]["message"]
    assert h.api.get("/notifications", as_user="street_a").get_json() == []
    # one list with the operations' notifications: the holder's own row, unread until they read it
    listed = h.api.get("/notifications?unread=true", as_user="civil_affairs")
    assert listed.headers["X-Unread-Count"] == "1" and notes[0]["kind_name"] == "催办" and notes[0]["actor"] is None
    read = h.api.post(f"/notifications/{notes[0]['id']}/read", {}, as_user="civil_affairs")
    assert read.status_code == 200 and read.get_json()["read"] is True
    assert h.api.get("/notifications/unread-count", as_user="civil_affairs").get_json() == {"unread": 0}
    colleague = h.api.get("/notifications", as_user="civil_affairs_qian").get_json()  # the other holder: unread
    assert [(n["kind"], n["read"]) for n in colleague] == [("urge", False)]
    overdue = h.api.get("/overdue", as_user="district_gov").get_json()
    assert [c["id"] for c in overdue] == [case_id] and overdue[0]["org_name"] == "沣西新城甲街道"
    assert h.api.get("/overdue", as_user="street_a").status_code == 403

    denied = h.api.post(f"/process-instances/{case_id}/deadlines/extend",
                        {"kind": "statutory", "days": 10, "opinion": "同意延期"}, as_user="street_a")
    assert denied.status_code == 403
    too_long = h.api.post(f"/process-instances/{case_id}/deadlines/extend",
                          {"kind": "statutory", "days": 11, "opinion": "同意延期"}, as_user="civil_affairs")
    assert too_long.status_code == 422
    extended = h.api.post(f"/process-instances/{case_id}/deadlines/extend",
                          {"kind": "statutory", "days": 10, "opinion": "情况复杂，经负责人批准延期十个工作日"},
                          as_user="civil_affairs")
    assert extended.status_code == 200, extended.get_json()
    assert _deadlines(h, case_id)["statutory"]["deadline"] == _due("2025-11-13")
    history = h.api.get(f"/process-instances/{case_id}/history", as_user="auditor").get_json()
    extension = next(e for e in history if e["command"] == "extend_deadline")
    assert extension["actor"] == "civil_affairs" and "延期十个工作日" in extension["comment"]
    assert extension["payload"]["days"] == 10

    h.complete(case_id, "decide", "civil_affairs", {"agree": True})
    assert {r["state"] for r in _deadlines(h, case_id).values()} == {"closed"}
    assert not [t for t in h.timers(case_id) if t.state == "armed"]
    verify_every_case(h.api)


def test_suspension_across_national_day_moves_the_deadline(limits: TimerHarness) -> None:
    h = limits
    case_id = h.start("limit_approval")
    h.clock.set(beijing("2025-09-29"))
    assert h.api.post(f"/process-instances/{case_id}/suspend", {"reason": "等待补充材料"},
                      as_user="admin").status_code == 200
    assert _deadlines(h, case_id)["statutory"]["state"] == "paused"
    h.clock.set(beijing("2025-10-10", 9))
    assert h.api.post(f"/process-instances/{case_id}/resume", {"reason": "材料已补齐"},
                      as_user="admin").status_code == 200
    found = _deadlines(h, case_id)
    assert found["statutory"]["deadline"] == _due("2025-10-30")
    history = h.api.get(f"/process-instances/{case_id}/history", as_user="auditor").get_json()
    resumed = next(e for e in history if e["command"] == "clock_resumed")["payload"]["deadlines"]
    assert {d["kind"]: d["not_counted"] for d in resumed} == {"statutory": 3, "promised": 3}
    verify_every_case(h.api)


def test_case_view_and_inbox_show_the_limit(limits: TimerHarness) -> None:
    h = limits
    case_id = h.start("limit_approval")
    case = h.case(case_id)
    assert case["urgency"] == "normal" and case["deadline"] == _due("2025-10-20")  # the promise comes first
    assert case["active_tasks"][0]["remaining"] == "剩余 15 个工作日"
    inbox = h.api.get("/tasks?sort=due", as_user="street_a").get_json()
    assert inbox[0]["deadline"] == _due("2025-10-20")


def test_a_page_of_more_cases_than_one_limits_read_takes_words_every_item(limits: TimerHarness) -> None:
    """The lists read their cases' limits a hundred cases at a time: the items past the first hundred are
    worded as the first ones, from their own case's rows."""
    h = limits
    ids = [h.start("limit_approval") for _ in range(105)]
    fields = ("deadline", "remaining", "urgency")
    [task] = h.case(ids[-1])["active_tasks"]
    inbox = h.api.get("/tasks?limit=200", as_user="street_a").get_json()
    assert sorted(item["instance_id"] for item in inbox) == ids
    assert {tuple(item[k] for k in fields) for item in inbox} == {tuple(task[k] for k in fields)}
    assert task["deadline"] is not None


def test_lists_word_the_same_limit_as_the_case_page(limits: TimerHarness) -> None:
    """Lists word only each item's most urgent limit from its rows; the case page words every limit. Both
    must name the same one, paused, warned and overdue alike."""
    h = limits
    case_id = h.start("limit_approval")
    fields = ("deadline", "remaining", "urgency")
    seen: set[tuple[str, str]] = set()
    for day, hour, done_step in (("2025-09-24", 10, None), ("2025-09-29", 10, ("accept", "street_a")),
                                 ("2025-10-10", 9, ("expert", "civil_affairs")), ("2025-10-12", 10, None),
                                 ("2025-10-15", 9, None)):
        h.clock.set(beijing(day, hour))
        if done_step:
            h.complete(case_id, *done_step, {"agree": True})
        h.run_worker()
        case = h.case(case_id)
        for done in h.api.get("/tasks/done", as_user="street_a").get_json():  # 已办 words the case's limit
            assert done["instance_id"] == case_id
            assert {k: done[k] for k in fields} == {k: case[k] for k in fields}
        [task] = case["active_tasks"]
        holder = "street_a" if task["element_id"] == "accept" else "civil_affairs"
        [item] = h.api.get(f"/tasks?instance_id={case_id}", as_user=holder).get_json()
        assert {k: item[k] for k in fields} == {k: task[k] for k in fields}
        seen.add((task["urgency"], task["remaining"]))
    assert {u for u, _ in seen} >= {"normal", "yellow", "overdue"}, seen
    assert any("暂停" in r for _, r in seen), seen


def test_a_limit_past_the_known_years_is_unknown_until_the_year_is_entered(backend_settings: Settings) -> None:
    from engine.calendar.working_days import PACKAGE_LAST_YEAR

    for h in make_harness(backend_settings, at=beijing(f"{PACKAGE_LAST_YEAR}-12-20")):
        h.deploy(LIMIT_BPMN, TIMER_FORMS)
        with h.engine.db.writer() as session, session.begin():  # tokens valid at the harness's time
            for user in ("street_a", "admin"):
                h.api.tokens[user] = h.engine.identity.login(session, user, DEMO_PASSWORD)
        case_id = h.start("limit_approval")
        found = _deadlines(h, case_id)["statutory"]
        assert found["state"] == "unknown" and found["deadline"] is None
        assert f"{PACKAGE_LAST_YEAR + 1} 年的法定节假日和调休安排尚未录入" in found["problem"]
        assert h.case(case_id)["urgency"] == "unknown"
        year = PACKAGE_LAST_YEAR + 1
        entered = h.api.client.put(f"/api/v1/calendar/years/{year}", headers=h.api.headers("admin"),
                                   json={"days_off": [f"{year}-01-01"], "note": "测试录入（非真实通知）"})
        assert entered.status_code == 200
        h.complete(case_id, "accept", "street_a", {"agree": True})  # the case moves: its limits are computed
        found = _deadlines(h, case_id)["statutory"]
        assert found["deadline"] is not None and found["problem"] is None
        verify_every_case(h.api)


TAMPERING = {
    # what an edit of the deadline row does: (column, value, what verify says)
    "due-later": ("due_at", lambda row: row.due_at + timedelta(days=5), "期限"),
    "warning-erased": ("urgency", lambda row: "normal", "预警状态"),
    "extended-without-approval": ("extension_days", lambda row: row.extension_days + 10, "延期天数"),
    "longer-limit": ("amount", lambda row: row.amount + 5, "时限数值"),
    "closed-early": ("state", lambda row: "closed", "状态"),
}


@pytest.mark.parametrize(("column", "value", "says"), list(TAMPERING.values()), ids=list(TAMPERING))
def test_verify_reports_a_tampered_deadline(limits: TimerHarness, column: str, value: Any, says: str) -> None:
    from sqlalchemy import select, update

    from engine.store.models import Deadline

    h = limits
    case_id = h.start("limit_approval")
    h.clock.set(beijing("2025-10-21"))  # the promise (due 20 Oct) is overdue, the statute not yet
    assert h.run_worker().fired >= 1
    assert h.api.post(f"/process-instances/{case_id}/verify", as_user="auditor").get_json()["ok"]
    with h.engine.db.writer() as session, session.begin():
        row = session.scalar(select(Deadline).where(Deadline.instance_id == case_id, Deadline.kind == "promised"))
        assert row is not None and row.urgency != "normal"
        session.execute(update(Deadline).where(Deadline.id == row.id).values({column: value(row)}))
    verdict = h.api.post(f"/process-instances/{case_id}/verify", as_user="auditor").get_json()
    assert verdict["ok"] is False and "承诺时限" in verdict["reason"] and says in verdict["reason"], verdict


def test_a_transferred_step_keeps_its_limit_and_its_overdue_urge_reaches_the_new_holder(
        limits: TimerHarness) -> None:
    h = limits
    case_id = h.start("limit_approval")
    h.clock.set(beijing("2025-09-29"))
    h.complete(case_id, "accept", "street_a", {"agree": True})
    h.clock.set(beijing("2025-10-10", 9))
    h.complete(case_id, "expert", "civil_affairs", {"agree": True})
    before = _deadlines(h, case_id)["task:decide"]
    assert before["deadline"] == _due("2025-10-14")

    h.clock.set(beijing("2025-10-13"))
    task = h.api.get(f"/tasks?instance_id={case_id}", as_user="civil_affairs").get_json()[0]
    moved = h.api.post(f"/tasks/{task['id']}/transfer", {"to_user": "civil_affairs_qian", "comment": "请钱丽决定"},
                       as_user="civil_affairs")
    assert moved.status_code == 200, moved.get_json()
    after = _deadlines(h, case_id)["task:decide"]  # a new holder is not a new step: the same limit runs on
    assert (after["id"], after["deadline"], after["state"]) == (before["id"], before["deadline"], "running")
    assert after["task_id"] != task["id"] and after["task_id"] == moved.get_json()["active_tasks"][0]["id"]

    h.clock.set(beijing("2025-10-15", 9))
    h.run_worker()
    assert _deadlines(h, case_id)["task:decide"]["urgency"] == "overdue"
    assert [n["kind"] for n in h.api.get("/notifications", as_user="civil_affairs_qian").get_json()] == [
        "urge", "transferred"]
    assert h.api.get("/notifications", as_user="civil_affairs").get_json() == []
    verify_every_case(h.api)
