"""Verification of a case's deadline rows against its model and its journal.

A deadline row is derived data, like a task row: its limit comes from the model, its start
from the command that opened it, its paused span and extensions from ``clock_resumed`` and
``extend_deadline`` entries, its level from ``deadline_warning``/``deadline_overdue``, and its
instants from those numbers and the working calendar. A row that disagrees with any of
them was written by something other than the engine (or the calendar changed under it:
an admin's later edit of a day is not applied to running limits, and verification says so).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.calendar.overrides import load_calendar
from engine.calendar.working_days import CalendarUnknown
from engine.clock import as_utc
from engine.definitions.compile import CompiledDefinition
from engine.limits.arithmetic import instants
from engine.limits.model import KIND_NAMES, Limit
from engine.limits.tracking import RANK
from engine.store.models import Deadline, HumanTask, JournalEntry, ProcessInstance

_LEVELS = ("deadline_warning", "deadline_overdue")
_RECORDING = frozenset({"clock_resumed", "extend_deadline", *_LEVELS})  # the entries that say something of a limit


def _same(a: datetime | None, b: datetime | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and as_utc(a) == as_utc(b))


def _parse(value: Any) -> datetime | None:
    return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00"))) if isinstance(value, str) else None


def _name(row: Deadline) -> str:
    return KIND_NAMES.get(row.kind, row.kind) + (f"（{row.element_id}）" if row.element_id else "")


# the closing states of a step's row whose holder changed: a new row carries the same step (and its limits) on
_REPLACED = ("transferred", "delegated", "resolved")


def _step_opened_at(task: HumanTask, tasks: dict[int, HumanTask]) -> datetime:
    """When the step ``task`` stands for opened: a row opened by 转办, 委派 or 办理完毕 carries on the row
    it replaced."""
    seen = {task.id}
    while task.previous_task_id is not None:
        before = tasks.get(task.previous_task_id)
        if (before is None or before.id in seen or before.kind != "task" or before.state not in _REPLACED
                or before.spiff_task_id != task.spiff_task_id):
            break
        seen.add(before.id)
        task = before
    return task.created_at


class _Journal:
    """What the journal says about each deadline row (by id)."""

    def __init__(self, entries: Sequence[JournalEntry]) -> None:
        self.extension: dict[int, int] = {}
        self.paused: dict[int, int] = {}
        self.due: dict[int, datetime | None] = {}  # the last due instant recorded
        self.level: dict[int, str] = {}  # the highest level since the last extension
        for entry in entries:
            if entry.command not in _RECORDING:
                continue  # most entries: their payload is not even parsed (verify reads it lazily)
            payload = entry.payload or {}
            if entry.command == "clock_resumed":
                for item in payload.get("deadlines", []):
                    key = item.get("deadline_id")
                    self.paused[key] = self.paused.get(key, 0) + int(item.get("not_counted") or 0)
                    if "due_at" in item:
                        self.due[key] = _parse(item["due_at"])
            elif entry.command == "extend_deadline":
                key = payload.get("deadline_id")
                self.extension[key] = self.extension.get(key, 0) + int(payload.get("days") or 0)
                self.due[key] = _parse(payload.get("due_at"))
                self.level.pop(key, None)  # an extension may take a limit back out of red
            elif entry.command in _LEVELS:
                key = payload.get("deadline_id")
                level = str(payload.get("level"))
                if RANK.get(level, -1) > RANK.get(self.level.get(key, "normal"), 0):
                    self.level[key] = level


def check_deadlines(session: Session, instance: ProcessInstance, definition: CompiledDefinition,
                    entries: Sequence[JournalEntry]) -> str | None:
    """The first disagreement of the case's deadline rows with its model and journal (Chinese), or None."""
    rows = list(session.scalars(select(Deadline).where(Deadline.instance_id == instance.id).order_by(Deadline.id)))
    limits = definition.limits
    if limits is None:
        return "流程未定义办理时限，办件却有时限记录" if rows else None
    journal = _Journal(entries)
    case_rows = [r for r in rows if r.human_task_id is None]
    declared = {limit.kind: limit for limit in limits.case}
    if sorted(r.kind for r in case_rows) != sorted(declared):
        return f"办件的时限记录 {sorted(r.kind for r in case_rows)} 与流程定义的 {sorted(declared)} 不符"
    # the case's task rows only when a step's limit needs them (a long case has hundreds)
    tasks = {t.id: t for t in session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id))} \
        if any(r.human_task_id is not None for r in rows) else {}
    ended = instance.status in ("completed", "terminated")
    calendar = None
    for row in rows:
        if row.human_task_id is None:
            limit: Limit | None = declared[row.kind]
            opened_at = entries[0].at if entries else None
            open_now = not ended
        else:
            task = tasks.get(row.human_task_id)
            limit = limits.tasks.get(row.element_id or "")
            if task is None or limit is None or task.element_id != row.element_id:
                return f"{_name(row)} 没有对应的环节或流程定义中的环节时限"
            opened_at = _step_opened_at(task, tasks)
            open_now = not ended and task.state == "ready"
        assert limit is not None
        if (row.kind, row.amount, row.unit, row.yellow_before, row.red_before) != (
                limit.kind, limit.amount, limit.unit, limit.yellow_before, limit.red_before):
            return f"{_name(row)} 的时限数值与流程定义的 {limit.describe()} 不符"
        if not _same(row.started_at, opened_at):
            return f"{_name(row)} 的起算时间与日志不符"
        if row.extension_days != journal.extension.get(row.id, 0):
            return f"{_name(row)} 的延期天数 {row.extension_days} 与日志记录的 {journal.extension.get(row.id, 0)} 不符"
        if row.paused_units != journal.paused.get(row.id, 0):
            return f"{_name(row)} 的暂停计时 {row.paused_units} 与日志记录的 {journal.paused.get(row.id, 0)} 不符"
        if (row.state == "closed") == open_now:
            return f"{_name(row)} 的状态 {row.state} 与办件{'仍在办理' if open_now else '已结束'}不符"
        if row.state == "unknown":
            continue
        if calendar is None:
            calendar = load_calendar(session)
        try:
            expected = instants(calendar, row.unit, row.amount, row.yellow_before, row.red_before,
                                as_utc(row.started_at), row.paused_units, row.extension_days)
        except CalendarUnknown:
            expected = None
        if expected is None and row.due_at is None and row.id not in journal.due:
            continue  # the calendar of its period was never known (and still is not): no due instant either way
        recorded = journal.due.get(row.id)
        matches = expected is not None and _same(row.due_at, expected.due_at) \
            and _same(row.yellow_at, expected.yellow_at) and _same(row.red_at, expected.red_at)
        if not matches and not (row.id in journal.due and _same(row.due_at, recorded)):
            return f"{_name(row)} 的期限与按时限、日志和当前工作日历重算的结果不符"
        level = journal.level.get(row.id)
        if level is not None and RANK[row.urgency] < RANK[level]:
            return f"{_name(row)} 的预警状态 {row.urgency} 低于日志记录的 {level}"
    return None
