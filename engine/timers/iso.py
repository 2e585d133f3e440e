"""ISO 8601 durations, dates and cycles as timer events carry them, and the instants they are due.

Camunda Modeler and bpmn-js write the value unquoted (``PT3S``, ``P15D``, ``2027-01-01``,
``R4/2027-01-01T09:00:00+08:00/P3M``); SpiffWorkflow's own models write a Python expression
(``"P15D"``, or one computed from case data). Both are accepted: a text that is an ISO value
is taken literally, anything else is evaluated in the sandbox when the timer is armed.

A date or time without an offset is Beijing time (UTC+8, no daylight saving): the server's
own zone must not change when a case's timer is due. Months and years are calendar months
(31 January + P1M = 28/29 February), counted from the cycle's start for each occurrence, so a
quarterly cycle stays on its day of the month.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")

_DURATION = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
_CYCLE = re.compile(r"^R(?P<count>\d*)/(?P<first>[^/]+)(?:/(?P<second>[^/]+))?$")


class TimerValueError(ValueError):
    """A timer value that is not an ISO 8601 duration, date or cycle (message in Chinese)."""


@dataclass(frozen=True)
class Duration:
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0
    seconds: float = 0.0

    def add_to(self, start: datetime, times: int = 1) -> datetime:
        """``start`` plus ``times`` of this duration (months as calendar months, counted from ``start``)."""
        months = (self.years * 12 + self.months) * times
        moved = _add_months(start, months) if months else start
        return moved + times * timedelta(weeks=self.weeks, days=self.days, hours=self.hours,
                                         minutes=self.minutes, seconds=self.seconds)

    def subtract_from(self, end: datetime) -> datetime:
        months = self.years * 12 + self.months
        moved = _add_months(end, -months) if months else end
        return moved - timedelta(weeks=self.weeks, days=self.days, hours=self.hours, minutes=self.minutes,
                                 seconds=self.seconds)

    @property
    def empty(self) -> bool:
        return not any((self.years, self.months, self.weeks, self.days, self.hours, self.minutes, self.seconds))


@dataclass(frozen=True)
class Cycle:
    """``R[n]/start/duration`` (or ``R[n]/duration/end``, ``R[n]/duration``): occurrence k is start + k·duration."""

    count: int | None  # None: repeats without end
    start: datetime | None  # None: the first occurrence is one duration after arming
    period: Duration

    def occurrence(self, index: int, armed_at: datetime) -> datetime | None:
        """The due instant of occurrence ``index`` (1-based), or None past the last one."""
        if self.count is not None and index > self.count:
            return None
        if self.start is None:
            return self.period.add_to(armed_at, index)
        return self.period.add_to(self.start, index - 1)


def _add_months(at: datetime, months: int) -> datetime:
    index = at.year * 12 + at.month - 1 + months
    year, month = divmod(index, 12)
    day = min(at.day, calendar.monthrange(year, month + 1)[1])
    return at.replace(year=year, month=month + 1, day=day)


@lru_cache(maxsize=512)  # a model's timers repeat their values; the results are immutable
def parse_duration(text: str) -> Duration:
    match = _DURATION.match(text.strip().upper())
    if match is None:
        raise TimerValueError(f"{text!r} 不是 ISO 8601 时长（例如 PT3S、P15D、P1DT2H）")
    parts = {k: v for k, v in match.groupdict().items() if v is not None}
    duration = Duration(**{k: (float(v) if k == "seconds" else int(v)) for k, v in parts.items()})
    if duration.empty:
        raise TimerValueError(f"时长 {text!r} 为零")
    return duration


@lru_cache(maxsize=512)  # a model's timers repeat their values; the results are immutable
def parse_datetime(text: str) -> datetime:
    value = text.strip()
    if not _DATE.match(value):
        raise TimerValueError(f"{value!r} 不是 ISO 8601 日期时间（例如 2027-01-01 或 2027-01-01T09:00:00+08:00）")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise TimerValueError(f"{value!r} 不是有效的日期时间") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=BEIJING)
    return parsed.astimezone(UTC)


@lru_cache(maxsize=512)  # a model's timers repeat their values; the results are immutable
def parse_cycle(text: str) -> Cycle:
    match = _CYCLE.match(text.strip().upper().replace("--", "/"))
    if match is None:
        raise TimerValueError(f"{text!r} 不是 ISO 8601 重复周期（例如 R4/2027-01-01T09:00:00+08:00/P3M 或 R/P1D）")
    count = int(match["count"]) if match["count"] else None
    if count == 0:
        raise TimerValueError(f"周期 {text!r} 的重复次数为 0")
    first, second = match["first"], match["second"]
    if second is None:
        return Cycle(count, None, parse_duration(first))
    if first.startswith("P"):
        period = parse_duration(first)
        end = parse_datetime(second)
        return Cycle(count, period.subtract_from(end), period)
    return Cycle(count, parse_datetime(first), parse_duration(second))


def looks_literal(kind: str, text: str) -> bool:
    """Whether a timer text is an ISO value written as such (else it is an expression)."""
    value = text.strip()
    if kind == "duration":
        return bool(_DURATION.match(value.upper()))
    if kind == "date":
        return bool(_DATE.match(value))
    return bool(_CYCLE.match(value.upper().replace("--", "/")))


_ATTEMPT = re.compile(r"^(P[\dT][\dA-Z.,]*|R\d*/.*|\d{4}-\d{2}-\d{2}.*)$")


def looks_attempted(text: str) -> bool:
    """An unquoted text meant as an ISO value but not one (``PT15D``): refused, not evaluated as a name."""
    return bool(_ATTEMPT.match(text.strip().upper()))


def check(kind: str, value: str) -> None:
    """Raise :class:`TimerValueError` unless ``value`` is a valid timer value of ``kind``."""
    {"duration": parse_duration, "date": parse_datetime, "cycle": parse_cycle}[kind](value)


def first_due(kind: str, value: str, armed_at: datetime) -> datetime:
    """When a timer of ``kind`` with ``value``, armed at ``armed_at``, is first due."""
    if kind == "duration":
        return parse_duration(value).add_to(armed_at)
    if kind == "date":
        return parse_datetime(value)
    due = parse_cycle(value).occurrence(1, armed_at)
    assert due is not None
    return due


def beijing_date(at: datetime) -> date:
    return at.astimezone(BEIJING).date()
