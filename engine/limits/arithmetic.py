"""When a limit is due, warns and turns red: the calendar's arithmetic on a deadline row's numbers.

A period starts on the day after its start (行政许可法 §82); N working days end at
the end of the Nth working day, Beijing time. Time that did not count (a suspension,
an excluded step) is kept in ``paused_units`` in the limit's own unit (days for day
limits, seconds for hours) and moves every instant on by that much; an extension adds
whole days of the limit's unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from engine.calendar.working_days import WorkingCalendar
from engine.limits.model import UNIT_NAMES
from engine.timers.iso import BEIJING, beijing_date


@dataclass(frozen=True)
class Instants:
    due_at: datetime
    yellow_at: datetime
    red_at: datetime


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), BEIJING)


def instants(calendar: WorkingCalendar, unit: str, amount: int, yellow_before: int, red_before: int,
             started_at: datetime, paused_units: int, extension_days: int) -> Instants:
    """The due, yellow and red instants; raises CalendarUnknown past the calendar's known years."""
    if unit == "hours":
        due = started_at + timedelta(hours=amount + extension_days * 24, seconds=paused_units)
        return Instants(due, max(started_at, due - timedelta(hours=yellow_before)),
                        max(started_at, due - timedelta(hours=red_before)))
    start = beijing_date(started_at)
    total = amount + paused_units + extension_days
    if unit == "workingDays":
        due_day = calendar.add_working_days(start, total)

        def day_with(remaining: int) -> datetime:
            counted = total - remaining
            return started_at if counted <= 0 else _end_of(calendar.add_working_days(start, counted))
    else:
        due_day = calendar.end_of_natural_days(start, total)

        def day_with(remaining: int) -> datetime:
            return started_at if total - remaining <= 0 else _end_of(due_day - timedelta(days=remaining))
    return Instants(_end_of(due_day), day_with(yellow_before), day_with(red_before))


def paused_span(calendar: WorkingCalendar, unit: str, since: datetime, until: datetime) -> int:
    """How much of a paused span does not count: working days from the pause's day up to (not
    including) the resumption's day, natural days likewise, or seconds for an hours limit."""
    if unit == "hours":
        return max(0, int((until - since).total_seconds()))
    first, end = beijing_date(since), beijing_date(until)
    if unit == "workingDays":
        return calendar.working_days_between(first, end)
    return max(0, (end - first).days)


# (unit, today, the due day, due later than now) -> the wording, for the last calendar asked about: a day
# limit's wording depends on nothing else, and twenty rows of an inbox page (the reads' calendar copy is
# kept per process, engine/read/table_cache.py) cost more to word than to read. Another calendar object,
# a changed one included, starts afresh; hour limits and the plain-day wording past the calendar's known
# years depend on the instant and are not kept.
_WORDING: tuple[WorkingCalendar | None, dict[tuple[str, date, date, bool], str]] = (None, {})


def remaining_text(calendar: WorkingCalendar, unit: str, due_at: datetime, now: datetime) -> str:
    """``剩余 3 个工作日`` (the days after today up to the last one), ``今日到期``, ``已超期 2 天``."""
    global _WORDING
    if unit == "hours":
        seconds = int((due_at - now).total_seconds())
        hours = abs(seconds) // 3600
        minutes = abs(seconds) % 3600 // 60
        amount = f"{hours} 小时" if hours else f"{minutes} 分钟"
        return f"剩余 {amount}" if seconds >= 0 else f"已超期 {amount}"
    key = (unit, beijing_date(now), beijing_date(due_at - timedelta(microseconds=1)), due_at > now)
    kept, words = _WORDING
    if kept is not calendar or len(words) > 10_000:
        words = {}
        _WORDING = (calendar, words)
    text = words.get(key)
    if text is None:
        try:
            text = words[key] = _day_text(calendar, *key)
        except Exception:  # a day past the calendar: say it in plain days
            days = (due_at - now).days
            return f"剩余约 {days} 天" if days >= 0 else f"已超期约 {-days} 天"
    return text


def _day_text(calendar: WorkingCalendar, unit: str, today: date, due_day: date, later: bool) -> str:
    if later:
        after_today = today + timedelta(days=1)
        count = (calendar.working_days_between(after_today, due_day + timedelta(days=1))
                 if unit == "workingDays" else (due_day - today).days)
        return f"剩余 {count} {UNIT_NAMES[unit]}" if count > 0 else "今日到期"
    count = (calendar.working_days_between(due_day + timedelta(days=1), today + timedelta(days=1))
             if unit == "workingDays" else (today - due_day).days)
    return f"已超期 {count} {UNIT_NAMES[unit]}"
