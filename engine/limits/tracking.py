"""Deadline rows kept in step with their case, inside the command that moved it.

- A case of a procedure with limits gets its case deadlines when it starts; a task with a
  环节时限 gets its own when its row opens; both close when the case (or task) ends.
- The case's clock pauses while the case is suspended and while a step the model marks
  as excluded (§45) is open, and resumes after: each pause and resumption is a journal
  entry (``clock_paused``, ``clock_resumed``, the latter with the span that did not count
  and the new due instant). A suspension's own ``suspend`` entry marks where it paused.
- Each running deadline has timer rows (kind ``deadline``) at its yellow, red and due
  instants; the worker fires them (:func:`fire_deadline`): ``deadline_warning`` for
  yellow and red, ``deadline_overdue`` and an automatic ``urge`` (催办) with a
  notification to the holders of the open tasks when it is overdue.

Deadlines never read a clock: every instant comes from the command's recorded time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from engine import notifications
from engine.audit.journal import iso_utc
from engine.calendar.overrides import load_calendar
from engine.calendar.working_days import CalendarUnknown, WorkingCalendar
from engine.definitions.compile import CompiledDefinition
from engine.identity.actors import SYSTEM, Actor
from engine.limits.arithmetic import instants, paused_span
from engine.limits.deadline_rows import CaseDeadlines, PlainDeadline, new_row, session_holds_deadlines
from engine.limits.model import KIND_NAMES, Limit, LimitModel
from engine.runtime import runner
from engine.store.case_store import CaseCommand, open_steps_known, record
from engine.store.models import Deadline, HumanTask, ProcessInstance, Timer
from engine.store.statements import Prebuilt
from engine.timers.iso import beijing_date

LEVELS = ("yellow", "red", "overdue")
RANK = {"normal": 0, "yellow": 1, "red": 2, "overdue": 3, "unknown": -1}
_timers = Timer.__table__
_tasks = HumanTask.__table__

# Built once: constructing these per command cost SQLAlchemy more than SQLite's own work on them
# (every command of a procedure with limits runs them; see engine/store/statements.py).
_CASE_DEADLINES = select(Deadline).where(Deadline.instance_id == bindparam("instance_id")).order_by(Deadline.id)
# the steps themselves, not their signers' rows (加签: the signers work within the step's limit)
_OPEN_STEPS = (select(_tasks.c.id, _tasks.c.element_id)
               .where(_tasks.c.instance_id == bindparam("instance_id"), _tasks.c.state == "ready",
                      _tasks.c.kind == "task")
               .order_by(_tasks.c.id))
# (bind names other than the columns': SQLAlchemy reserves those in SET clauses)
_CANCEL_TIMERS = (update(_timers).where(_timers.c.deadline_id == bindparam("p_deadline"), _timers.c.state == "armed")
                  .values(state="cancelled", cancelled_at=bindparam("p_at", type_=_timers.c.cancelled_at.type)))
_ARM_TIMERS = insert(_timers)
# run on the DBAPI cursor (engine/store/statements.py)
_RUN_CANCEL, _RUN_ARM, _RUN_OPEN_STEPS = Prebuilt(_CANCEL_TIMERS), Prebuilt(_ARM_TIMERS), Prebuilt(_OPEN_STEPS)

# the hook's arithmetic and clock changes serve ORM rows and the command path's plain rows alike
Row = Deadline | PlainDeadline


class CalendarOnce:
    """The calendar, read once per command and only if a deadline needs it."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._calendar: WorkingCalendar | None = None

    def get(self) -> WorkingCalendar:
        if self._calendar is None:
            self._calendar = load_calendar(self.session)
        return self._calendar


def _level_instants(row: Row) -> dict[str, datetime | None]:
    return {"yellow": row.yellow_at, "red": row.red_at, "overdue": row.due_at}


def urgency_at(row: Row, at: datetime) -> str:
    level = "normal"
    for name, instant in _level_instants(row).items():
        if instant is not None and instant <= at:
            level = name
    return level


def compute(row: Row, calendar: CalendarOnce) -> None:
    """Fill the row's instants from its numbers (or mark it unknown, with the calendar's reason)."""
    try:
        found = instants(calendar.get(), row.unit, row.amount, row.yellow_before, row.red_before, row.started_at,
                         row.paused_units, row.extension_days)
    except CalendarUnknown as exc:
        row.due_at = row.yellow_at = row.red_at = None
        row.state, row.urgency, row.problem = "unknown", "unknown", str(exc)
        return
    row.due_at, row.yellow_at, row.red_at, row.problem = found.due_at, found.yellow_at, found.red_at, None
    if row.state == "unknown":  # the calendar now knows the year
        row.state = "paused" if row.paused_since is not None else "running"


def rearm(session: Session, instance: ProcessInstance, row: Row, at: datetime, cancel: bool = True) -> None:
    """Cancel the row's armed timers; arm those of the levels still ahead (a running row only).

    ``cancel=False``: the row was inserted just now and has no timers yet.
    """
    if isinstance(row, Deadline):
        session.flush()
    if cancel:
        _RUN_CANCEL.run(session.connection(), {"p_deadline": row.id, "p_at": at})
    if row.state != "running":
        return
    rank = RANK[row.urgency]
    rows = [{"instance_id": instance.id, "definition_id": instance.definition_id, "spiff_task_id": None,
             "element_id": row.element_id or "", "kind": "deadline", "expression": level, "cycle": None,
             "deadline_id": row.id, "due_at": instant, "state": "armed", "claimed_by": None,
             "claimed_until": None, "created_at": at, "fired_at": None, "cancelled_at": None}
            for level, instant in _level_instants(row).items()
            if instant is not None and RANK[level] > rank]
    if rows:
        _RUN_ARM.run(session.connection(), rows)


def _new(instance: ProcessInstance, limit: Limit, at: datetime, task: tuple[int, str] | None) -> Deadline:
    return Deadline(instance_id=instance.id, human_task_id=task[0] if task else None,
                    element_id=task[1] if task else None, kind=limit.kind, amount=limit.amount, unit=limit.unit,
                    yellow_before=limit.yellow_before, red_before=limit.red_before, started_at=at, paused_units=0,
                    extension_days=0, urgency="normal", state="running")


def _open(session: Session, instance: ProcessInstance, row: Deadline, calendar: CalendarOnce, at: datetime) -> None:
    compute(row, calendar)
    if row.state == "running":
        row.urgency = urgency_at(row, at)
    session.add(row)
    session.flush()
    rearm(session, instance, row, at, cancel=False)


def _open_plain(session: Session, instance: ProcessInstance, rows: CaseDeadlines, limit: Limit,
                task: tuple[int, str] | None, calendar: CalendarOnce, at: datetime) -> PlainDeadline:
    row = new_row(instance.id, limit.kind, limit.amount, limit.unit, limit.yellow_before, limit.red_before, at,
                  task)
    compute(row, calendar)
    if row.state == "running":
        row.urgency = urgency_at(row, at)
    rows.insert(row)
    rearm(session, instance, row, at, cancel=False)
    return row


def _close(session: Session, instance: ProcessInstance, row: Row, at: datetime) -> None:
    row.state, row.closed_at = "closed", at
    rearm(session, instance, row, at)


def pause(session: Session, instance: ProcessInstance, row: Row, at: datetime) -> None:
    if row.state != "running":
        return
    row.state, row.paused_since = "paused", at
    rearm(session, instance, row, at)


def resume(session: Session, instance: ProcessInstance, row: Row, calendar: CalendarOnce,
           at: datetime) -> dict[str, Any] | None:
    """Resume a paused row; what the journal records of it (None if it was not paused)."""
    if row.state != "paused" or row.paused_since is None:
        return None
    since = row.paused_since
    try:
        span = paused_span(calendar.get(), row.unit, since, at)
    except CalendarUnknown as exc:
        row.state, row.urgency, row.problem, row.paused_since = "unknown", "unknown", str(exc), None
        rearm(session, instance, row, at)
        return {"deadline_id": row.id, "kind": row.kind, "paused_from": iso_utc(since), "paused_to": iso_utc(at),
                "problem": row.problem}
    row.paused_units += span
    row.paused_since, row.state = None, "running"
    compute(row, calendar)
    if row.state == "running":
        row.urgency = urgency_at(row, at)
    rearm(session, instance, row, at)
    return {"deadline_id": row.id, "kind": row.kind, "paused_from": iso_utc(since), "paused_to": iso_utc(at),
            "not_counted": span, "unit": row.unit,
            "due_at": iso_utc(row.due_at) if row.due_at is not None else None}


def journal(session: Session, instance: ProcessInstance, definition: CompiledDefinition, workflow: BpmnWorkflow,
            command: str, at: datetime, payload: dict[str, Any], comment: str | None = None,
            actor: Actor = SYSTEM) -> None:
    steps = runner.mark(definition, workflow, command)
    record(CaseCommand(session, instance, definition, actor, at, workflow, comment=comment, extra=payload), steps)


def sync_deadlines(session: Session, instance: ProcessInstance, definition: CompiledDefinition,
                   workflow: BpmnWorkflow, at: datetime) -> None:
    """The after-sync hook (engine/timers/hooks.py) for definitions with limits.

    The case's rows are read as plain rows and written back with Core statements
    (engine/limits/deadline_rows.py), unless the session already holds ``Deadline`` objects.
    """
    limits = definition.limits
    assert limits is not None
    plain = None if session_holds_deadlines(session) else CaseDeadlines(session.connection(), instance.id)
    rows: list[Row] = (list(plain.rows) if plain is not None
                       else list(session.scalars(_CASE_DEADLINES, {"instance_id": instance.id})))
    live = [r for r in rows if r.state != "closed"]
    calendar = CalendarOnce(session)

    def open_row(limit: Limit, task: tuple[int, str] | None) -> Row:
        if plain is not None:
            return _open_plain(session, instance, plain, limit, task, calendar, at)
        row = _new(instance, limit, at, task)
        _open(session, instance, row, calendar, at)
        return row

    if instance.status in ("completed", "terminated"):
        for row in live:
            _close(session, instance, row, at)
        if plain is not None:
            plain.write_back(live)
        return
    open_tasks = _open_steps(session, instance.id, limits)
    open_ids = {task_id for task_id, _ in open_tasks}
    opened: list[Row] = []
    if not any(r.human_task_id is None for r in rows):  # the case has just started
        for limit in limits.case:
            opened.append(open_row(limit, None))
    tracked = {r.human_task_id for r in rows if r.human_task_id is not None}
    for task_id, element_id in open_tasks:
        limit = limits.tasks.get(element_id)
        if limit is not None and task_id not in tracked:
            open_row(limit, (task_id, element_id))
    for row in live:
        if row.human_task_id is not None and row.human_task_id not in open_ids:
            _close(session, instance, row, at)
        elif row.state == "unknown":  # an admin may have entered the missing year since
            compute(row, calendar)
            if row.state == "running":
                row.urgency = urgency_at(row, at)
                rearm(session, instance, row, at)
    # The case's running and paused clocks as a fresh read after a flush gives them: the rows read above
    # (in the states this hook left them) and the ones it opened, in id order. Deadline rows another part
    # of this command added without flushing are in neither: read them then (the ORM path only: the plain
    # path runs when the session holds no Deadline at all).
    pending = plain is None and any(isinstance(obj, Deadline) for obj in session.new)
    if plain is None:
        session.flush()
    case_rows: list[Row]
    if pending:
        case_rows = [r for r in session.scalars(_CASE_DEADLINES, {"instance_id": instance.id})
                     if r.human_task_id is None and r.state in ("running", "paused")]
    else:
        case_rows = [r for r in (*rows, *opened) if r.human_task_id is None and r.state in ("running", "paused")]
    _follow_exclusions(session, instance, definition, workflow, at, [e for _, e in open_tasks], calendar, case_rows)
    if plain is not None:
        plain.write_back([*rows, *opened])


def _open_steps(session: Session, instance_id: int, limits: LimitModel) -> list[tuple[int, str]]:
    """The case's open steps (id, element id) in id order: as the task sync just wrote them, else read. Read
    too when a row the sync inserted has a 环节时限: its deadline row names the task's id."""
    known = open_steps_known(session, instance_id)
    if known is not None and not any(task_id is None and element in limits.tasks for task_id, element in known):
        return known  # type: ignore[return-value]  # an id None is only compared, never stored
    return _RUN_OPEN_STEPS.rows(session.connection(), {"instance_id": instance_id})


def _follow_exclusions(session: Session, instance: ProcessInstance, definition: CompiledDefinition,
                       workflow: BpmnWorkflow, at: datetime, open_elements: list[str], calendar: CalendarOnce,
                       case_rows: list[Row]) -> None:
    limits = definition.limits
    assert limits is not None
    excluded = [e for e in open_elements if e in limits.excluded]
    if excluded and any(r.state == "running" for r in case_rows):
        for row in case_rows:
            pause(session, instance, row, at)
        journal(session, instance, definition, workflow, "clock_paused", at, {
            "reason": "、".join(limits.excluded[e] for e in excluded), "elements": excluded,
            "deadlines": [r.id for r in case_rows]})
    elif not excluded and instance.status == "running" and any(r.state == "paused" for r in case_rows):
        resumed = [found for row in case_rows if (found := resume(session, instance, row, calendar, at))]
        journal(session, instance, definition, workflow, "clock_resumed", at, {"deadlines": resumed})


def after_status_change(session: Session, instance: ProcessInstance, definition: CompiledDefinition,
                        workflow: BpmnWorkflow, at: datetime, command: str) -> None:
    """A suspension stops every clock of the case; resuming restarts them (not those an open excluded
    step still holds), journalled as ``clock_resumed`` with the span that did not count."""
    limits = definition.limits
    if limits is None:
        return
    rows = list(session.scalars(select(Deadline).where(Deadline.instance_id == instance.id,
                                                       Deadline.state.in_(("running", "paused")))
                                .order_by(Deadline.id)))
    if command == "suspend":
        for row in rows:
            pause(session, instance, row, at)
        return
    if command != "resume" or instance.status != "running":
        return
    open_elements = set(session.scalars(select(HumanTask.element_id).where(
        HumanTask.instance_id == instance.id, HumanTask.state == "ready")))
    held = any(e in limits.excluded for e in open_elements)
    calendar = CalendarOnce(session)
    resumed = [found for row in rows if not (held and row.human_task_id is None)
               if (found := resume(session, instance, row, calendar, at))]
    if resumed:
        journal(session, instance, definition, workflow, "clock_resumed", at, {"deadlines": resumed})


def describe(row: Deadline) -> str:
    from engine.limits.model import UNIT_NAMES

    return f"{KIND_NAMES[row.kind]} {row.amount} {UNIT_NAMES[row.unit]}" + (
        f"（延期 {row.extension_days} {UNIT_NAMES[row.unit]}）" if row.extension_days else "")


def fire_deadline(service: Any, session: Session, timer: Timer, at: datetime) -> str:
    """A deadline's yellow, red or due instant has come (the worker's ``deadline`` timer rows)."""
    instance = session.get(ProcessInstance, timer.instance_id)
    row = session.get(Deadline, timer.deadline_id) if timer.deadline_id is not None else None
    level = timer.expression
    if instance is None or row is None or row.state != "running" or _level_instants(row).get(level) != timer.due_at:
        timer.state, timer.cancelled_at = "cancelled", at
        return "stale"
    if instance.status != "running":
        return f"case is {instance.status}"
    timer.state, timer.fired_at = "fired", at
    if RANK[level] <= RANK[row.urgency]:
        return "fired: already at that level"
    row.urgency = level
    definition = service.registry.compiled(session, instance.definition_id)
    workflow = definition.codec.loads(instance.snapshot)
    payload = {"deadline_id": row.id, "kind": row.kind, "level": level, "task_element": row.element_id,
               "due_at": iso_utc(row.due_at) if row.due_at else None, "timer_id": timer.id}
    session.flush()
    if level != "overdue":
        journal(session, instance, definition, workflow, "deadline_warning", at, payload)
        return "fired"
    journal(session, instance, definition, workflow, "deadline_overdue", at, payload)
    _urge(session, instance, definition, workflow, row, at)
    return "fired"


def _urge(session: Session, instance: ProcessInstance, definition: CompiledDefinition, workflow: BpmnWorkflow,
          row: Deadline, at: datetime) -> None:
    """The automatic 催办: a journal entry and a notification to the holders of the open task(s)."""
    stmt = select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state == "ready",
                                   HumanTask.kind == "task")
    if row.human_task_id is not None:
        stmt = stmt.where(HumanTask.id == row.human_task_id)
    tasks = list(session.scalars(stmt.order_by(HumanTask.id)))
    due = beijing_date(row.due_at).isoformat() if row.due_at else ""
    subject = f"办件 {instance.business_key or instance.id}"
    names = "、".join(f"「{t.name}」" for t in tasks)
    message = f"{subject}{names}已超过{describe(row)}（应于 {due} 前办结），请尽快办理。"
    journal(session, instance, definition, workflow, "urge", at,
            {"automatic": True, "deadline_id": row.id, "tasks": [t.id for t in tasks]}, comment=message)
    for task in tasks:  # each holder of each overdue step, with their own read flag
        notifications.notify(session, notifications.holders(session, task), "urge", instance.id, at, None,
                             message=message, task=task)
