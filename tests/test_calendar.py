"""Working-day arithmetic against hand-checked dates, and the admin's calendar API.

The expectations were counted by hand from the State Council General Office's notices
(国务院办公厅关于2025年部分节假日安排的通知 and …2026年…) and checked against what the
pinned ``chinese-calendar`` encodes: 2025 国庆节、中秋节 10月1日至8日放假，9月28日（周日）、
10月11日（周六）上班; 2026 春节 2月15日至23日放假，2月14日（周六）、2月28日（周六）上班.
"""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest

from engine.calendar.working_days import PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR, CalendarUnknown, WorkingCalendar
from tests.support import ApiClient

CAL = WorkingCalendar()


def test_the_package_encodes_the_notices_as_read() -> None:
    assert chinese_calendar.__version__ == "1.11.0"  # pinned: a new release may move deadlines
    assert [d.day for d in _days_off(date(2025, 9, 27), date(2025, 10, 12))] == [27, 1, 2, 3, 4, 5, 6, 7, 8, 12]
    assert CAL.is_workday(date(2025, 9, 28)) and CAL.is_workday(date(2025, 10, 11))  # 调休 Sunday, Saturday
    assert CAL.is_workday(date(2026, 2, 14)) and CAL.is_workday(date(2026, 2, 28))  # 调休 Saturdays
    assert not any(CAL.is_workday(date(2026, 2, d)) for d in range(15, 24))


def _days_off(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if not CAL.is_workday(day):
            days.append(day)
        day = date.fromordinal(day.toordinal() + 1)
    return days


def test_twenty_working_days_across_national_day() -> None:
    # from Tue 23 Sep 2025: 24–26, Sun 28 (调休), 29, 30, then 9, 10, Sat 11 (调休), 13–17, 20–24, 27 October
    assert CAL.add_working_days(date(2025, 9, 23), 20) == date(2025, 10, 27)


def test_twenty_working_days_across_spring_festival_with_make_up_saturdays() -> None:
    # from Mon 9 Feb 2026: 10–13, Sat 14 (调休), 24–27, Sat 28 (调休), 2–6, 9–13 March
    assert CAL.add_working_days(date(2026, 2, 9), 20) == date(2026, 3, 13)


def test_a_suspension_spanning_the_holiday_counts_only_its_working_days() -> None:
    # suspended on Mon 29 Sep, resumed on Fri 10 Oct 2025: 29 Sep, 30 Sep and 9 Oct were not counted
    assert CAL.working_days_between(date(2025, 9, 29), date(2025, 10, 10)) == 3
    assert CAL.add_working_days(date(2025, 10, 27), 3) == date(2025, 10, 30)


def test_an_extension_of_ten_working_days() -> None:
    assert CAL.add_working_days(date(2025, 10, 27), 10) == date(2025, 11, 10)


def test_natural_days_ending_on_a_day_off_run_to_the_next_working_day() -> None:
    assert CAL.end_of_natural_days(date(2025, 9, 26), 5) == date(2025, 10, 9)  # 1 Oct is a holiday


def test_past_the_last_known_year_is_refused_not_guessed() -> None:
    with pytest.raises(CalendarUnknown) as caught:
        CAL.add_working_days(date(PACKAGE_LAST_YEAR, 12, 20), 20)
    assert f"{PACKAGE_LAST_YEAR + 1} 年的法定节假日和调休安排尚未录入" in str(caught.value)
    entered = WorkingCalendar({date(PACKAGE_LAST_YEAR + 1, 1, 1): False}, frozenset({PACKAGE_LAST_YEAR + 1}))
    assert entered.add_working_days(date(PACKAGE_LAST_YEAR, 12, 31), 1) != date(PACKAGE_LAST_YEAR + 1, 1, 1)


def test_counting_working_days_over_years_gives_what_walking_them_gives() -> None:
    # the count over long spans comes from per-year tables plus the overrides; it must be the day-by-day count
    import random
    from datetime import timedelta
    rng = random.Random(5)
    last = PACKAGE_LAST_YEAR + 1
    overrides = {date(PACKAGE_LAST_YEAR, 10, 1): True, date(PACKAGE_LAST_YEAR, 3, 4): False,
                 date(last, 1, 2): False, date(last, 2, 7): True, date(PACKAGE_FIRST_YEAR, 1, 3): True}
    calendar = WorkingCalendar(overrides, frozenset({last}))
    low = date(PACKAGE_FIRST_YEAR, 1, 1)
    span = (date(last, 12, 31) - low).days
    for _ in range(300):
        first = low + timedelta(days=rng.randrange(span))
        end = min(first + timedelta(days=rng.randrange(1200)), date(last + 1, 1, 1))
        assert calendar.working_days_between(first, end) == calendar._walked_between(first, end), (first, end)
    with pytest.raises(CalendarUnknown):
        calendar.working_days_between(date(last, 12, 1), date(last + 1, 1, 10))


def test_calendar_api(api: ApiClient) -> None:
    year = PACKAGE_LAST_YEAR + 1
    unknown = api.get(f"/calendar/deadline?from={PACKAGE_LAST_YEAR}-12-20&working_days=20", as_user="street_a")
    assert unknown.status_code == 422 and "尚未录入" in unknown.get_json()["error"]["message"]
    assert api.get(f"/calendar/years/{year}", as_user="street_a").status_code == 422
    body = {"days_off": [f"{year}-01-01"], "workdays": [], "note": "测试录入（非真实通知）"}
    denied = api.client.put(f"/api/v1/calendar/years/{year}", json=body, headers=api.headers("street_a"))
    assert denied.status_code == 403
    entered = api.client.put(f"/api/v1/calendar/years/{year}", json=body, headers=api.headers("admin"))
    assert entered.status_code == 200, entered.get_json()
    first = entered.get_json()["days"][0]
    assert first == {"day": f"{year}-01-01", "workday": False, "source": "override", "note": "测试录入（非真实通知）"}
    known = api.get(f"/calendar/deadline?from={PACKAGE_LAST_YEAR}-12-20&working_days=20", as_user="street_a")
    assert known.status_code == 200 and known.get_json()["due"].startswith(f"{year}-01")
    national = api.get("/calendar/deadline?from=2025-09-23&working_days=20", as_user="street_a").get_json()
    assert national["due"] == "2025-10-27"
    # a local day off moves it; removing the override moves it back
    assert api.client.put("/api/v1/calendar/days/2025-10-27", json={"workday": False, "note": "本地停电"},
                          headers=api.headers("admin")).status_code == 204
    assert api.get("/calendar/deadline?from=2025-09-23&working_days=20", as_user="street_a").get_json()["due"] \
        == "2025-10-28"
    assert api.client.delete("/api/v1/calendar/days/2025-10-27", headers=api.headers("admin")).status_code == 204
    assert api.client.delete("/api/v1/calendar/days/2025-10-27", headers=api.headers("admin")).status_code == 404
    bad = api.client.put("/api/v1/calendar/days/2025-13-40", json={"workday": True}, headers=api.headers("admin"))
    assert bad.status_code == 404 and "2025-13-40" in bad.get_json()["error"]["message"]
    assert api.client.put("/api/v1/calendar/years/2025", json=body, headers=api.headers("admin")).status_code == 422


def test_every_day_the_package_knows_reads_as_the_package_says() -> None:
    day = date(PACKAGE_FIRST_YEAR, 1, 1)
    while day.year <= PACKAGE_LAST_YEAR:
        assert CAL.is_workday(day) == chinese_calendar.is_workday(day), day
        day = date.fromordinal(day.toordinal() + 1)
