"""The calendar's override table: read into a :class:`WorkingCalendar`, and edited by admins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Boolean, Date, Integer, cast, delete, null, select, union_all
from sqlalchemy.orm import Session

from engine.calendar.working_days import PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR, CalendarUnknown, WorkingCalendar
from engine.clock import Clock
from engine.errors import Problem, ValidationFailed
from engine.identity import access
from engine.identity.actors import Actor
from engine.store.models import CalendarDay, CalendarYear
from engine.store.unit_of_work import UnitOfWork

MAX_NOTE_CHARS = 200


# The overrides and the entered years in one statement: on PostgreSQL each statement is a round trip, and
# every view of a case with a running time limit words its remaining time with the calendar.
_CALENDAR = union_all(
    select(CalendarDay.day.label("day"), CalendarDay.workday.label("workday"), cast(null(), Integer).label("year")),
    select(cast(null(), Date), cast(null(), Boolean), CalendarYear.year))


def load_calendar(session: Session) -> WorkingCalendar:
    overrides: dict[date, bool] = {}
    years: set[int] = set()
    for day, workday, year in session.execute(_CALENDAR):
        if year is None:
            overrides[day] = bool(workday)
        else:
            years.add(year)
    return WorkingCalendar(overrides, frozenset(years))


@dataclass(frozen=True)
class DayInfo:
    day: date
    workday: bool
    source: str  # package, entered, override
    note: str | None


def _check_note(note: str | None) -> str | None:
    text = (note or "").strip() or None
    if text is not None and len(text) > MAX_NOTE_CHARS:
        raise ValidationFailed("说明过长", [Problem("note", f"最多 {MAX_NOTE_CHARS} 个字符")])
    return text


class CalendarAdmin:
    """Reading the calendar (anyone signed in) and overriding it (admins)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    @staticmethod
    def load(session: Session) -> WorkingCalendar:
        return load_calendar(session)

    def current(self) -> WorkingCalendar:
        """The working calendar as the database has it now (package years and overrides)."""
        return self.uow.read(load_calendar)

    def year(self, year: int) -> tuple[WorkingCalendar, list[DayInfo]]:
        def read(session: Session) -> tuple[WorkingCalendar, dict[date, str | None]]:
            return load_calendar(session), {row.day: row.note for row in session.scalars(select(CalendarDay).where(
                CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)))}

        calendar, notes = self.uow.read(read)
        if not calendar.knows(year):
            raise ValidationFailed(str(CalendarUnknown(year, calendar.last_known_year)),
                                   [Problem("year", "该年份的节假日安排尚未录入")])
        days, day = [], date(year, 1, 1)
        while day.year == year:
            days.append(DayInfo(day, calendar.is_workday(day), calendar.source(day), notes.get(day)))
            day += timedelta(days=1)
        return calendar, days

    def set_day(self, actor: Actor, day: date, workday: bool, note: str | None) -> None:
        access.require_case_admin(actor)
        text = _check_note(note)

        def write(session: Session) -> None:
            row = session.get(CalendarDay, day)
            if row is None:
                session.add(CalendarDay(day=day, workday=workday, note=text, updated_by=actor.username,
                                        updated_at=self.clock.now()))
            else:
                row.workday, row.note, row.updated_by, row.updated_at = workday, text, actor.username, self.clock.now()

        self.uow.write(write)

    def clear_day(self, actor: Actor, day: date) -> bool:
        access.require_case_admin(actor)
        return self.uow.write(lambda session: bool(session.execute(
            delete(CalendarDay).where(CalendarDay.day == day)).rowcount))  # type: ignore[attr-defined]

    def enter_year(self, actor: Actor, year: int, days_off: list[date], workdays: list[date],
                   note: str | None) -> None:
        """A year's notice entered: its days off and make-up working days, and the year declared known."""
        access.require_case_admin(actor)
        text = _check_note(note)
        problems = [Problem("year", f"{PACKAGE_FIRST_YEAR}–{PACKAGE_LAST_YEAR} 年已由日历包收录，"
                                    "只能逐日调整（PUT /calendar/days/{日期}）")] \
            if PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR else []
        problems += [Problem(f"days_off[{i}]", "日期不在该年份") for i, d in enumerate(days_off) if d.year != year]
        problems += [Problem(f"workdays[{i}]", "日期不在该年份") for i, d in enumerate(workdays) if d.year != year]
        problems += [Problem("workdays", f"{d.isoformat()} 同时列为放假日和上班日")
                     for d in sorted(set(days_off) & set(workdays))]
        if problems:
            raise ValidationFailed("工作日历录入有误", problems)
        at: datetime = self.clock.now()

        def write(session: Session) -> None:
            session.execute(delete(CalendarDay).where(CalendarDay.day >= date(year, 1, 1),
                                                      CalendarDay.day <= date(year, 12, 31)))
            for day in sorted(set(days_off)):
                session.add(CalendarDay(day=day, workday=False, note=text, updated_by=actor.username, updated_at=at))
            for day in sorted(set(workdays)):
                session.add(CalendarDay(day=day, workday=True, note=text, updated_by=actor.username, updated_at=at))
            row = session.get(CalendarYear, year)
            if row is None:
                session.add(CalendarYear(year=year, note=text, declared_by=actor.username, declared_at=at))
            else:
                row.note, row.declared_by, row.declared_at = text, actor.username, at

        self.uow.write(write)
