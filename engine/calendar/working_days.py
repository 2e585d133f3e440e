"""China's working days (法定节假日 and 调休), from the ``chinese-calendar`` package and an admin's overrides.

The package encodes the State Council General Office's yearly holiday notices
(国务院办公厅关于部分节假日安排的通知) up to its last year; it is pinned in
``pyproject.toml`` so that a deadline does not move when the package is upgraded.
For a year the package does not know, an admin enters the notice's days off and
make-up working days and declares the year entered (``calendar_years``); local days
off or make-up days override any year (``calendar_days``). A day of a year that is
neither known nor entered is refused (:class:`CalendarUnknown`), never guessed.

Counting follows 行政许可法 §82 and the civil rule for periods: the day a period starts
is not counted; a period of N working days ends at the end of the Nth working day after
it; a period of N natural days ending on a day off runs to the end of the next working day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

PACKAGE_FIRST_YEAR = min(chinese_calendar.holidays).year
PACKAGE_LAST_YEAR = max(chinese_calendar.holidays).year
_PACKAGE_WORKDAYS = frozenset(chinese_calendar.workdays)  # make-up working days (调休上班)
_PACKAGE_HOLIDAYS = frozenset(chinese_calendar.holidays)  # days off, weekends of a holiday included
MAX_SPAN_DAYS = 5 * 366  # a limit is months, not decades: refuse a runaway count


class CalendarUnknown(Exception):
    """A day of a year whose holidays nobody entered: the deadline cannot be computed (message in Chinese)."""

    def __init__(self, year: int, last_known: int) -> None:
        super().__init__(
            f"无法计算工作日期限：{year} 年的法定节假日和调休安排尚未录入（工作日历已知至 {last_known} 年）。"
            f"请系统管理员按国务院办公厅关于 {year} 年部分节假日安排的通知，在工作日历中录入该年的放假和调休日期。")
        self.year = year


@dataclass(frozen=True)
class WorkingCalendar:
    overrides: Mapping[date, bool] = field(default_factory=dict)  # day -> working day?
    entered_years: frozenset[int] = frozenset()

    def knows(self, year: int) -> bool:
        return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR or year in self.entered_years

    @property
    def last_known_year(self) -> int:
        year = PACKAGE_LAST_YEAR
        while year + 1 in self.entered_years:
            year += 1
        return year

    def is_workday(self, day: date) -> bool:
        found = self.overrides.get(day)
        if found is not None:
            return found
        if not self.knows(day.year):
            raise CalendarUnknown(day.year, self.last_known_year)
        if day.year <= PACKAGE_LAST_YEAR:
            # chinese_calendar.is_workday's own rule, on its tables (it scans them for their years on every call)
            return day in _PACKAGE_WORKDAYS or (day.weekday() < 5 and day not in _PACKAGE_HOLIDAYS)
        return day.weekday() < 5  # an entered year: its holidays and make-up days are overrides

    def source(self, day: date) -> str:
        if day in self.overrides:
            return "override"
        return "package" if day.year <= PACKAGE_LAST_YEAR else "entered"

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted); ``start`` for 0."""
        day, found = start, 0
        while found < count:
            day += timedelta(days=1)
            if (day - start).days > MAX_SPAN_DAYS:
                raise ValueError("期限过长")
            if self.is_workday(day):
                found += 1
        return day

    def working_days_between(self, first: date, end: date) -> int:
        """Working days ``d`` with ``first <= d < end`` (0 when ``end <= first``)."""
        if (end - first).days > MAX_SPAN_DAYS:
            raise ValueError("时间段过长")
        if end > first and all(self.knows(year) for year in range(first.year, end.year + 1)):
            return self._counted_between(first, end)
        return self._walked_between(first, end)

    def _counted_between(self, first: date, end: date) -> int:
        """The same count from per-year tables, then the overrides in the span: the remaining time of
        every task on an inbox page is one of these, and an old overdue task spans years of days."""
        count = 0
        for year in range(first.year, end.year + 1):
            low = first if first.year == year else date(year, 1, 1)
            high = end if end.year == year else date(year + 1, 1, 1)
            prefix = _year_prefix(year)
            count += prefix[_day_of_year(high, year)] - prefix[_day_of_year(low, year)]
        for day, working in self.overrides.items():
            if first <= day < end and working != _base_workday(day):
                count += 1 if working else -1
        return count

    def _walked_between(self, first: date, end: date) -> int:
        count, day = 0, first
        while day < end:
            if self.is_workday(day):
                count += 1
            day += timedelta(days=1)
        return count

    def end_of_natural_days(self, start: date, count: int) -> date:
        """``start`` + ``count`` days, moved on to the next working day if that is a day off."""
        day = start + timedelta(days=count)
        while not self.is_workday(day):
            day += timedelta(days=1)
            if (day - start).days > MAX_SPAN_DAYS:
                raise ValueError("期限过长")
        return day


def _base_workday(day: date) -> bool:
    """``is_workday`` without overrides, for a known year."""
    if day.year <= PACKAGE_LAST_YEAR:
        return day in _PACKAGE_WORKDAYS or (day.weekday() < 5 and day not in _PACKAGE_HOLIDAYS)
    return day.weekday() < 5


def _day_of_year(day: date, year: int) -> int:
    """Days of ``year`` before ``day`` (``day`` may be 1 January of the next year)."""
    return (day - date(year, 1, 1)).days


@lru_cache(maxsize=64)
def _year_prefix(year: int) -> tuple[int, ...]:
    """prefix[i]: the working days among the first i days of ``year`` (no overrides)."""
    prefix, count, day = [0], 0, date(year, 1, 1)
    while day.year == year:
        count += _base_workday(day)
        prefix.append(count)
        day += timedelta(days=1)
    return tuple(prefix)
