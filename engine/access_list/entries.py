"""What an access-list entry says, derived from the approving case's data (no database here).

The 社区事务准入 case marks its approval with the script step that sets ``access_list_status`` to
``"entered"``; the entry then follows from the case's own fields — 内容、对象、权限、时限、经费 and the
approving meeting (002 §四(一) "明确准入项目的内容、对象、权限、时限和经费") — and the day of approval.
Replay derives it again from the replayed data and compares it with the journal, so an entry
cannot say anything its case did not.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from engine.timers.iso import beijing_date

COMMAND = "access_list_enter"
MARKER = "access_list_status"  # set to "entered" by the model's script step
ENTERED = "entered"

# the case fields an entry copies: entry field -> case data variable
COPIED = {
    "title": "item_title",
    "item_type": "item_type",
    "content": "item_content",
    "target_group": "target_group",
    "authority_scope": "authority_scope",
    "time_limit_months": "time_limit_months",
    "time_limit_desc": "time_limit_desc",
    "funding_source": "funding_source",
    "applicant_department": "applicant_department",
    "meeting_no": "resolution_no",
    "meeting_quarter": "meeting_quarter",
}


def is_entered(data: dict[str, Any]) -> bool:
    return data.get(MARKER) == ENTERED


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (31 January + 1 month = 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _amount(value: Any) -> str:
    # the amount as the form gave it, without float noise ("60000", "1234.5")
    number = Decimal(str(value))
    return format(number.normalize(), "f") if number == number.to_integral() else str(number)


def _day(value: Any) -> date | None:
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def derive(data: dict[str, Any], approved_on: date) -> dict[str, Any]:
    """The entry's fields (JSON-ready) for a case approved on ``approved_on``.

    The 时限 runs from the item's start date (``start_date``, else the day of approval) for
    ``time_limit_months`` months: the entry is in force up to and including the day before.
    """
    fields: dict[str, Any] = {name: data.get(var) for name, var in COPIED.items()}
    fields["time_limit_months"] = int(data.get("time_limit_months") or 0)
    fields["funding_amount"] = _amount(data.get("funding_amount", 0))
    meeting_date = _day(data.get("meeting_date"))
    fields["meeting_date"] = meeting_date.isoformat() if meeting_date else None
    valid_from = _day(data.get("start_date")) or approved_on
    fields["approved_on"] = approved_on.isoformat()
    fields["valid_from"] = valid_from.isoformat()
    fields["valid_until"] = (add_months(valid_from, fields["time_limit_months"]) - timedelta(days=1)).isoformat()
    return fields


def approval_day(at: datetime) -> date:
    return beijing_date(at)


def status_on(valid_from: date, valid_until: date, today: date) -> str:
    """``active`` (有效), ``pending`` (未到起始日期) or ``expired`` (时限已届满)."""
    if today > valid_until:
        return "expired"
    if today < valid_from:
        return "pending"
    return "active"


STATUS_NAMES = {"active": "有效", "pending": "尚未生效", "expired": "已过期"}
