from __future__ import annotations

from datetime import date
from typing import Any

import chinese_calendar
from flask_smorest import Blueprint

from engine.calendar.working_days import CalendarUnknown
from engine.errors import NotFound, Problem, ValidationFailed

from ..context import current_actor, engine
from ..schemas import ApiErrorSchema
from ..time_schemas import (
    CalendarYearSchema,
    DeadlineAnswerSchema,
    DeadlineQuerySchema,
    EnterYearSchema,
    SetDaySchema,
)

blp = Blueprint("calendar", __name__, description="工作日历：法定节假日、调休与本地调整")


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise NotFound(f"没有日期 {text}（格式应为 YYYY-MM-DD）") from None
    _check_year(day.year)
    return day


def _year(year: int) -> dict[str, Any]:
    calendar, days = engine().calendar.year(year)
    return {"year": year, "last_known_year": calendar.last_known_year, "package_version": chinese_calendar.__version__,
            "days": [{"day": d.day, "workday": d.workday, "source": d.source, "note": d.note} for d in days]}


def _check_year(year: int) -> None:
    if not 1900 <= year <= 2100:
        raise NotFound(f"没有 {year} 年的日历（年份应在 1900–2100 之间）")


@blp.route("/calendar/years/<int:year>")
@blp.response(200, CalendarYearSchema)
@blp.alt_response(404, schema=ApiErrorSchema, description="年份超出 1900–2100")
@blp.alt_response(422, schema=ApiErrorSchema, description="该年份的节假日安排尚未录入")
def get_year(year: int) -> dict[str, Any]:
    """Every day of a year: working day or not, and where that comes from (package, entered year, override)."""
    current_actor()
    _check_year(year)
    return _year(year)


@blp.route("/calendar/years/<int:year>", methods=["PUT"])
@blp.arguments(EnterYearSchema)
@blp.response(200, CalendarYearSchema)
@blp.alt_response(403, schema=ApiErrorSchema, description="不是管理员")
@blp.alt_response(404, schema=ApiErrorSchema, description="年份超出 1900–2100")
@blp.alt_response(422, schema=ApiErrorSchema, description="录入有误")
def enter_year(body: dict[str, Any], year: int) -> dict[str, Any]:
    """Enter a year the package does not know from its State Council notice (admin): days off, make-up days."""
    _check_year(year)
    engine().calendar.enter_year(current_actor(), year, body["days_off"], body["workdays"], body["note"])
    return _year(year)


@blp.route("/calendar/days/<string:day>", methods=["PUT"])
@blp.arguments(SetDaySchema)
@blp.response(204)
@blp.alt_response(403, schema=ApiErrorSchema, description="不是管理员")
@blp.alt_response(404, schema=ApiErrorSchema, description="不是有效日期")
@blp.alt_response(422, schema=ApiErrorSchema, description="说明过长")
def set_day(body: dict[str, Any], day: str) -> None:
    """Override one day (admin): a local day off, or a make-up working day."""
    parsed = _day(day)
    engine().calendar.set_day(current_actor(), parsed, body["workday"], body["note"])


@blp.route("/calendar/days/<string:day>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(403, schema=ApiErrorSchema, description="不是管理员")
@blp.alt_response(404, schema=ApiErrorSchema, description="该日没有调整，或不是有效日期")
def clear_day(day: str) -> None:
    """Remove one day's override (admin)."""
    if not engine().calendar.clear_day(current_actor(), _day(day)):
        raise NotFound(f"{day} 没有调整记录")


@blp.route("/calendar/deadline")
@blp.arguments(DeadlineQuerySchema, location="query")
@blp.response(200, DeadlineAnswerSchema)
@blp.alt_response(422, schema=ApiErrorSchema, description="超出工作日历已知的年份")
def deadline(query: dict[str, Any]) -> dict[str, Any]:
    """The N-th working day after a date (the start day not counted, 行政许可法 §82)."""
    current_actor()
    calendar = engine().calendar.current()
    try:
        due = calendar.add_working_days(query["start"], query["working_days"])
    except CalendarUnknown as exc:
        raise ValidationFailed(str(exc), [Problem("from", "超出工作日历已知的年份")]) from None
    except ValueError as exc:
        raise ValidationFailed(str(exc), [Problem("working_days", str(exc))]) from None
    return {"start": query["start"], "working_days": query["working_days"], "due": due}
