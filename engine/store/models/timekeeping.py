"""Time: timers, deadlines, the working-day calendar's overrides, notifications."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models.base import Base, UtcDateTime


class Timer(Base):
    """A timer due at an instant, armed in the transaction of the command that armed it.

    ``kind``: ``event`` (a BPMN timer waiting in a case: intermediate, boundary, event-based
    gateway branch), ``start`` (a timer start event of a definition version: no case yet) or
    ``deadline`` (a time limit's warning, red or overdue instant). The worker claims armed rows
    that are due and fires each exactly once, in the transaction that journals the firing.
    """

    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_due", "state", "due_at"),
                      # the armed start timers in due order (the next meeting's call, 0019_task_reads)
                      Index("ix_timers_kind_due", "kind", "state", "due_at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True, index=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"))
    spiff_task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    element_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))  # event, start, deadline
    expression: Mapped[str] = mapped_column(String(500))  # the ISO 8601 value (or the deadline level)
    cycle: Mapped[int | None] = mapped_column(Integer, nullable=True)  # occurrence of a cycle, 1-based
    deadline_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    state: Mapped[str] = mapped_column(String(16))  # armed, fired, cancelled
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    fired_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class Deadline(Base):
    """A time limit of a case (法定时限, 承诺时限) or of one of its tasks (环节时限)."""

    __tablename__ = "deadlines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    human_task_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    element_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    kind: Mapped[str] = mapped_column(String(16))  # statutory, promised, task
    amount: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(16))  # workingDays, naturalDays, hours
    yellow_before: Mapped[int] = mapped_column(Integer)
    red_before: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    paused_units: Mapped[int] = mapped_column(Integer, default=0)  # days (or seconds for hours) not counted
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    paused_since: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True, index=True)
    yellow_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    red_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    urgency: Mapped[str] = mapped_column(String(16))  # normal, yellow, red, overdue
    state: Mapped[str] = mapped_column(String(16))  # running, paused, closed, unknown
    problem: Mapped[str | None] = mapped_column(Text, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class CalendarDay(Base):
    """An admin's override of one day: a local day off, or a make-up working day (调休)."""

    __tablename__ = "calendar_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(200), nullable=True)
    updated_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CalendarYear(Base):
    """A year whose official arrangement an admin entered (beyond the package's last known year)."""

    __tablename__ = "calendar_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    note: Mapped[str | None] = mapped_column(String(200), nullable=True)
    declared_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    declared_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Notification(Base):
    """A message to one user: 催办 (by a person, or by the clock of a time limit when a step is overdue),
    被退回, 转办给我, 委派给我, 加签给我, 抄送, …; ``role``/``org_id``: the holders' role and unit it was for."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_holder", "role", "org_id"),
                      Index("ix_notifications_inbox", "username", "read_at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    human_task_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the human-task row concerned
    role: Mapped[str | None] = mapped_column(String(64), nullable=True)
    org_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    kind: Mapped[str] = mapped_column(String(16))  # engine/notifications.py KINDS
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    username: Mapped[str | None] = mapped_column(String(64), nullable=True)  # its one reader
    actor: Mapped[str | None] = mapped_column(String(64), nullable=True)  # who caused it (None: the system)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)  # their opinion
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
