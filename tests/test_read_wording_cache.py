"""The remaining time's wording kept per calendar copy (engine/limits/views.py) follows a calendar another
writer changed, once the reads' copy of the calendar is reloaded (its age bound: another process's
writes are not seen by this process's commit events)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import create_engine, insert

from engine.limits.arithmetic import remaining_text
from engine.limits.views import READ_CALENDARS
from engine.store.models import CalendarDay
from tests.support import ApiClient

NOW = datetime(2025, 12, 2, 2, tzinfo=UTC)  # Tuesday 10:00 in Beijing
DUE = datetime(2025, 12, 4, 16, tzinfo=UTC)  # the end of Thursday in Beijing


def wording(api: ApiClient) -> str:
    with api.engine.db.reader() as session:
        return remaining_text(READ_CALENDARS.get(session), "workingDays", DUE, NOW)


def test_a_limits_wording_follows_a_calendar_changed_by_another_writer(api: ApiClient,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1000.0]
    monkeypatch.setattr(READ_CALENDARS, "_monotonic", lambda: clock[0])  # the cache's clock, injected
    READ_CALENDARS.clear()
    assert wording(api) == "剩余 2 个工作日"  # Wednesday and Thursday
    # another process (its own connection, no session of this one) makes Wednesday a holiday
    other: Any = create_engine(api.engine.settings.database_url)
    with other.begin() as conn:
        conn.execute(insert(CalendarDay.__table__).values(day=date(2025, 12, 3), workday=False, note="调休",
                                                          updated_by="admin", updated_at=NOW))
    other.dispose()
    assert wording(api) == "剩余 2 个工作日"  # this process's copy, within its age bound
    clock[0] += READ_CALENDARS.max_age + 1
    assert wording(api) == "剩余 1 个工作日"  # the reloaded calendar's wording, not the one kept before
    READ_CALENDARS.clear()
