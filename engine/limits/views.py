"""Reading deadlines: on a case, on its tasks, in the inbox's order, and the supervisors' overdue list.

``remaining`` is worded for the reader at the moment of reading (the read side may use
the clock; no command does).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session

from engine.calendar.overrides import load_calendar
from engine.calendar.working_days import WorkingCalendar
from engine.clock import as_utc
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.limits.arithmetic import remaining_text
from engine.limits.model import KIND_NAMES
from engine.limits.tracking import RANK
from engine.read.table_cache import TableCache
from engine.store.models import CalendarDay, CalendarYear, Deadline, HumanTask, ProcessInstance

OPEN_STATES = ("running", "paused", "unknown")
SUPERVISOR_ROLES = ("civil_affairs", "district_government", "civil_affairs_upper")


def _remaining(row: Any, due: datetime | None, calendar: WorkingCalendar, now: datetime) -> str | None:
    if due is None or row.state == "closed":
        return None
    remaining = remaining_text(calendar, row.unit, due, now)
    return remaining + "（已暂停计时）" if row.state == "paused" else remaining


def _seconds_left(due: datetime | None, now: datetime) -> int | None:
    return int((due - now).total_seconds()) if due is not None else None


def _urgency_rank(urgency: str, seconds_left: int | None) -> tuple[int, int]:
    """The order of "most urgent": the urgency level, then the least time left."""
    return RANK[urgency], -(seconds_left or 0)


def _view(row: Any, calendar: WorkingCalendar, now: datetime) -> dict[str, Any]:
    due = as_utc(row.due_at)
    remaining = _remaining(row, due, calendar, now)
    return {"id": row.id, "kind": row.kind, "label": KIND_NAMES[row.kind], "task_id": row.human_task_id,
            "element_id": row.element_id, "amount": row.amount, "unit": row.unit,
            "extension_days": row.extension_days, "state": row.state, "urgency": row.urgency, "deadline": due,
            "remaining": remaining,
            "remaining_seconds": _seconds_left(due, now),
            "problem": row.problem}


def most_urgent(views: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    live = [v for v in views if v["state"] != "closed"]
    if not live:
        return None
    return max(live, key=lambda v: _urgency_rank(v["urgency"], v["remaining_seconds"]))


_NO_LIMIT: Mapping[str, Any] = MappingProxyType({"deadline": None, "remaining": None, "urgency": None})


def summary_fields(views: list[dict[str, Any]]) -> Mapping[str, Any]:
    top = most_urgent(views)
    if top is None:
        return _NO_LIMIT
    return {"deadline": top["deadline"], "remaining": top["remaining"], "urgency": top["urgency"]}


_deadlines = Deadline.__table__
# the working calendar for wording remaining times: two tables read on every inbox and task page before
READ_CALENDARS: TableCache[WorkingCalendar] = TableCache(
    (CalendarDay.__table__.name, CalendarYear.__table__.name), load_calendar)
# the columns a view shows (the others, five instants among them, are the command path's)
_SHOWN = ("id", "instance_id", "kind", "human_task_id", "element_id", "amount", "unit", "extension_days", "state",
          "urgency", "due_at", "problem")
# Every inbox, task and case page reads the limits of a few cases. A statement per number of cases, each id
# a plain parameter: an expanding parameter is written into the SQL again on every execution.
_CASES_AT_ONCE = 100  # more (a page holds up to 500, api/pagination.py) are read in groups of this many


@lru_cache(maxsize=2 * _CASES_AT_ONCE)
def _of_cases(count: int, open_only: bool) -> Select[Any]:
    where = [_deadlines.c.instance_id.in_([bindparam(f"id_{i}") for i in range(count)])]
    if open_only:
        where.append(_deadlines.c.state.in_([bindparam(f"open_{i}", state) for i, state in enumerate(OPEN_STATES)]))
    return select(*(_deadlines.c[name] for name in _SHOWN)).where(*where).order_by(_deadlines.c.id)


class DeadlineReader:
    """Deadline rows worded for one reader at one moment. Rows are read as plain rows (not ORM objects), and a
    case read in full once (its page) serves the open-only asks that follow (its tasks' fields) unread."""

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self._calendar: WorkingCalendar | None = None
        self._full: dict[int, list[dict[str, Any]]] = {}  # every limit of the cases read in full so far

    @property
    def calendar(self) -> WorkingCalendar:
        if self._calendar is None:
            self._calendar = READ_CALENDARS.get(self.session)
        return self._calendar

    def for_cases(self, instance_ids: Iterable[int], open_only: bool = False) -> dict[int, list[dict[str, Any]]]:
        ids = sorted(set(instance_ids))
        if not ids:
            return {}
        if all(i in self._full for i in ids):
            return {i: views for i in ids
                    if (views := [v for v in self._full[i] if not open_only or v["state"] in OPEN_STATES])}
        found = {i: [_view(row, self.calendar, self.now) for row in rows]
                 for i, rows in self._rows(open_only, ids).items()}
        if not open_only:
            self._full.update({i: found.get(i, []) for i in ids})
        return found

    def _rows(self, open_only: bool, instance_ids: Iterable[int]) -> dict[int, list[Any]]:
        """The limit rows of the cases (only the open ones: ``open_only``), by case, in id order."""
        found: dict[int, list[Any]] = {}
        ids = sorted(set(instance_ids))
        if not ids:
            return found
        conn = self.session.connection()
        for start in range(0, len(ids), _CASES_AT_ONCE):
            group = ids[start:start + _CASES_AT_ONCE]
            params = {f"id_{i}": instance_id for i, instance_id in enumerate(group)}
            for row in conn.execute(_of_cases(len(group), open_only), params):
                found.setdefault(row.instance_id, []).append(row)
        return found

    def _row_summary(self, rows: list[Any]) -> Mapping[str, Any]:
        """``summary_fields`` of open rows without a view of each: only the most urgent one is worded."""
        if not rows:
            return _NO_LIMIT
        now = self.now
        top = rows[0] if len(rows) == 1 else max(
            rows, key=lambda row: _urgency_rank(row.urgency, _seconds_left(as_utc(row.due_at), now)))
        due = as_utc(top.due_at)
        return {"deadline": due, "remaining": _remaining(top, due, self.calendar, now), "urgency": top.urgency}

    def task_fields(self, tasks: list[dict[str, Any]]) -> None:
        """Add ``deadline``, ``remaining``, ``urgency`` to task summaries: the most urgent of the task's own
        limit and its case's limits."""
        ids = {t["instance_id"] for t in tasks}
        if ids and all(i in self._full for i in ids):  # a case page's views, read already
            by_case = self.for_cases(ids, open_only=True)
            for task in tasks:
                task.update(summary_fields([v for v in by_case.get(task["instance_id"], [])
                                            if v["task_id"] is None or v["task_id"] == task["id"]]))
            return
        rows = self._rows(True, ids)
        for task in tasks:
            task.update(self._row_summary([r for r in rows.get(task["instance_id"], [])
                                           if r.human_task_id is None or r.human_task_id == task["id"]]))

    def case_fields(self, items: list[dict[str, Any]]) -> None:
        """Add the case's ``deadline``, ``remaining``, ``urgency`` (its own open limits, else its tasks')
        to list items of cases (``instance_id``), as the case page sums them up."""
        rows = self._rows(True, (i["instance_id"] for i in items))
        for item in items:
            found = rows.get(item["instance_id"], [])
            item.update(self._row_summary([r for r in found if r.human_task_id is None] or found))


def inbox_sorts() -> dict[str, ColumnElement[Any]]:
    """``urgency`` (most urgent first when ascending) and ``due`` (earliest first) as correlated subqueries."""
    mine = and_(Deadline.instance_id == HumanTask.instance_id, Deadline.state.in_(("running", "paused")),
                or_(Deadline.human_task_id.is_(None), Deadline.human_task_id == HumanTask.id))
    rank = case({"overdue": 0, "red": 1, "yellow": 2, "normal": 3}, value=Deadline.urgency, else_=4)
    urgency = func.coalesce(select(func.min(rank)).where(mine).correlate(HumanTask).scalar_subquery(), 5)
    due = func.coalesce(select(func.min(Deadline.due_at)).where(mine).correlate(HumanTask).scalar_subquery(),
                        datetime(9999, 12, 31))
    return {"urgency": urgency, "due": due}


def overdue_cases(session: Session, actor: Actor, directory: OrgDirectory, now: datetime) -> list[dict[str, Any]]:
    """Cases with an overdue limit (the case's or a task's) of the actor's unit and the units below it
    (督办); admins and auditors see all."""
    from engine.errors import Forbidden

    sees_all = actor.is_admin or actor.is_auditor
    if not sees_all and not any(actor.has_role(r) for r in SUPERVISOR_ROLES):
        raise Forbidden("只有民政、区政府等督办单位和审计人员可以查看超期办件")
    ids = set(session.scalars(select(Deadline.instance_id).where(Deadline.urgency == "overdue",
                                                                  Deadline.state.in_(("running", "paused")))))
    cases = list(session.scalars(select(ProcessInstance).where(ProcessInstance.id.in_(sorted(ids)))
                                 .order_by(ProcessInstance.id)))
    if not sees_all:
        cases = [c for c in cases if directory.is_within(c.org_id, actor.org_id)]
    reader = DeadlineReader(session, now)
    views = reader.for_cases((c.id for c in cases), open_only=True)
    return [{"id": c.id, "business_key": c.business_key, "definition_key": c.definition_key, "org": c.org_id,
             "org_name": directory.orgs[c.org_id].name if c.org_id in directory.orgs else c.org_id,
             "status": c.status, "deadlines": views.get(c.id, [])} for c in cases]

