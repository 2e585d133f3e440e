"""A completion that pauses or resumes the case's clock journals two commands (``complete``, ``clock_paused``)
but writes the case row once and the journal with one INSERT, and ends with the row and entries that
writing them one by one gave: the version raised once per journalled command, the chain intact."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, select

from engine.settings import Settings
from engine.store.models import JournalEntry, ProcessInstance
from tests.replay_check import verify_every_case
from tests.test_limits import LIMIT_BPMN, beijing
from tests.timer_support import TIMER_FORMS, TimerHarness, make_harness


@pytest.fixture
def limits(backend_settings: Settings) -> Iterator[TimerHarness]:
    for harness in make_harness(backend_settings, at=beijing("2025-09-23")):
        harness.deploy(LIMIT_BPMN, TIMER_FORMS)
        yield harness


def _row(h: TimerHarness, case_id: int) -> tuple[int, int, str]:
    with h.engine.db.reader() as session:
        row = session.get(ProcessInstance, case_id)
        assert row is not None
        return row.version, row.journal_seq, row.journal_hash


def _commands(h: TimerHarness, case_id: int, after: int) -> list[tuple[int, str]]:
    with h.engine.db.reader() as session:
        return list(session.execute(select(JournalEntry.seq, JournalEntry.command)
                                    .where(JournalEntry.instance_id == case_id, JournalEntry.seq > after)
                                    .where(JournalEntry.command != "engine_step").order_by(JournalEntry.seq)))


def test_clock_entries_share_the_commands_case_write(limits: TimerHarness) -> None:
    h = limits
    case_id = h.start("limit_approval")
    version, seq, _ = _row(h, case_id)
    h.clock.set(beijing("2025-09-29"))
    response = h.complete(case_id, "accept", "street_a", {"agree": True})  # 专家评审 opens: the clock stops
    assert response.status_code == 200, response.get_json()
    assert [c for _, c in _commands(h, case_id, seq)] == ["complete", "clock_paused"]
    after_version, after_seq, head = _row(h, case_id)
    assert after_version == version + 2  # as when each record wrote the row itself
    with h.engine.db.reader() as session:
        last = session.scalars(select(JournalEntry.hash).where(JournalEntry.instance_id == case_id)
                               .order_by(JournalEntry.seq.desc()).limit(1)).one()
    assert (after_seq, head) == (_commands(h, case_id, seq)[-1][0], last)
    verify_every_case(h.api)


def test_a_clock_pausing_completion_updates_the_case_row_once(limits: TimerHarness) -> None:
    h = limits
    if not h.engine.db.is_sqlite:
        pytest.skip("counted with SQLite's trace callback")
    statements: list[str] = []
    counting = [False]
    write_engine = h.engine.db.write_engine
    write_engine.dispose()  # new connections, each traced

    @event.listens_for(write_engine, "connect")
    def _trace(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_trace_callback(lambda sql: statements.append(sql) if counting[0] else None)

    case_id = h.start("limit_approval")
    task = h.api.open_task(case_id, "accept", "street_a")
    h.clock.set(beijing("2025-09-29"))
    counting[0] = True
    response = h.api.complete(task["id"], "street_a", {"agree": True})
    counting[0] = False
    assert response.status_code == 200, response.get_json()
    updates = [s for s in statements if s.lstrip().upper().startswith("UPDATE PROCESS_INSTANCES")]
    assert len(updates) == 1, updates
    assert [c for _, c in _commands(h, case_id, 0)][-2:] == ["complete", "clock_paused"]
