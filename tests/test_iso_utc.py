"""iso_utc's fast path (times already in UTC) spells every time as its strftime does: the text is hashed in
every journal entry (tests/test_hash_pins.py pins the hashes themselves)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.audit.journal import _strftime_utc, iso_utc


@settings(max_examples=500, deadline=None)
@given(st.datetimes(timezones=st.one_of(st.none(), st.just(UTC), st.timezones())))
def test_every_time_is_spelled_as_strftime_spells_it(at: datetime) -> None:
    assert iso_utc(at) == _strftime_utc(at)


def test_years_before_1000_and_other_zones_take_strftime() -> None:
    for at in (datetime(999, 5, 6, 7, 8, 9, 10), datetime(1, 1, 1, tzinfo=UTC),
               datetime(2026, 12, 2, 20, 0, tzinfo=timezone(timedelta(hours=8)))):
        assert iso_utc(at) == _strftime_utc(at)
    assert iso_utc(datetime(2026, 12, 2, 20, 0, tzinfo=timezone(timedelta(hours=8)))) == "2026-12-02T12:00:00.000000Z"
