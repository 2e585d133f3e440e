"""SQLAlchemy 2 models. One row per instance holds the snapshot; inboxes query human_tasks."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.astimezone(UTC) if value is not None and value.tzinfo is not None else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class Base(DeclarativeBase):
    pass


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(32))  # city, district, street, community, village, external
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    # 撤村建居 (engine/villages/): a village converted into a community, when and by which case; a
    # community the conversion created. Written only by the journalled ``village_convert`` command.
    converted_into: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"), nullable=True)
    converted_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    converted_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    established_by: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Role(Base):
    __tablename__ = "roles"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # where a lane of this role is offered: street, district, city, subject, developer, none
    scope: Mapped[str] = mapped_column(String(32))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class UserRole(Base):
    __tablename__ = "user_roles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role_id: Mapped[str] = mapped_column(ForeignKey("roles.id"), primary_key=True)


class AuthToken(Base):
    __tablename__ = "auth_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class ProcessDefinition(Base):
    __tablename__ = "process_definitions"
    __table_args__ = (UniqueConstraint("key", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(128), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    forms: Mapped[dict[str, Any]] = mapped_column(JSON)  # file name -> JSON document
    # DMN decision tables uploaded with the BPMN: file name -> XML text (NULL: none, as before they existed)
    decisions: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    deployed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    deployed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class ProcessInstance(Base):
    __tablename__ = "process_instances"
    # The case list's filters and sorts at a city's scale (bench row 9; migration 0011_scale_indexes).
    __table_args__ = (Index("ix_process_instances_updated_at", "updated_at"),
                      Index("ix_process_instances_case_title", "case_title"),
                      Index("ix_process_instances_started_by", "started_by"),
                      Index("ix_process_instances_developer_org", "developer_org"),
                      Index("ix_process_instances_subject_org", "subject_org"),
                      Index("ix_process_instances_status_created", "status", "created_at"),
                      Index("ix_process_instances_definition_created", "definition_key", "created_at"),
                      # search by part of the 办件编号 or title (migration 0017_read_indexes): on PostgreSQL a
                      # trigram GIN index serving ILIKE '%…%'; on SQLite a narrow covering index, so a search of
                      # every case reads these two columns and not the rows with their snapshots
                      Index("ix_process_instances_search", "business_key", "case_title",
                            postgresql_using="gin",
                            postgresql_ops={"business_key": "gin_trgm_ops", "case_title": "gin_trgm_ops"}),
                      # the running cases of some versions (the open meetings of a case view, 0019_task_reads)
                      Index("ix_process_instances_definition_status", "definition_id", "status"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    business_key: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"), index=True)
    definition_key: Mapped[str] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)  # running, completed, terminated, error
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), index=True)
    subject_org: Mapped[str | None] = mapped_column(String(64), nullable=True)
    developer_org: Mapped[str | None] = mapped_column(String(64), nullable=True)
    snapshot: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # the procedure's caseTitle rendered over the data, kept with it so lists search and sort in SQL
    case_title: Mapped[str | None] = mapped_column(String(200), nullable=True)
    end_event: Mapped[str | None] = mapped_column(String(200), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer)  # optimistic lock
    journal_seq: Mapped[int] = mapped_column(Integer)  # last journal entry
    journal_hash: Mapped[str] = mapped_column(String(64))
    started_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class HumanTask(Base):
    __tablename__ = "human_tasks"
    __table_args__ = (Index("ix_human_tasks_inbox", "state", "role", "org_id"),
                      Index("ix_human_tasks_done", "completed_by", "completed_at"),
                      # the tasks a unit's role holds, oldest first: the inbox's order and the case list's
                      # "a task of mine" (migration 0011_scale_indexes)
                      Index("ix_human_tasks_queue", "org_id", "role", "state", "created_at", "instance_id"),
                      # the cases a user acted in, read from the index alone
                      Index("ix_human_tasks_done_cases", "completed_by", "instance_id"),
                      # the rows held by one user by name (few): partial, so the planner's statistics are not
                      # those of the many rows with no holder (SQLite then scanned every task for them)
                      Index("ix_human_tasks_named", "assignee", "state",
                            sqlite_where=text("assignee IS NOT NULL"),
                            postgresql_where=text("assignee IS NOT NULL")))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(64), nullable=True)
    org_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    state: Mapped[str] = mapped_column(String(16))  # ready, completed, cancelled
    # the procedure version whose element this is when not the case's own (a call activity's callee)
    definition_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    completed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # the task whose completion opened this one (who sent it), None when the start or an admin did
    previous_task_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Approval operations (engine/operations): a row is either the step itself ("task") or a
    # signer's part of it ("sign", 加签); ``assignee`` names the one user who holds it (转办, 委派,
    # 撤回, 退回 to the former handler), ``delegated_by`` the holder it returns to (委派); ``held``:
    # waiting for signers, not actionable; ``note`` what the holder is shown (被退回 with the opinion …).
    kind: Mapped[str] = mapped_column(String(16), default="task", server_default="task")
    assignee: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    delegated_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    held: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    note: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    last_urged_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class CaseCopy(Base):
    """抄送: a user the case was copied to (by a holder or by the model); they may read the case."""

    __tablename__ = "case_copies"
    __table_args__ = (UniqueConstraint("instance_id", "username"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    copied_by: Mapped[str] = mapped_column(String(64))
    element_id: Mapped[str | None] = mapped_column(String(128), nullable=True)  # the step it was copied from
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    journal_seq: Mapped[int] = mapped_column(Integer)  # the ``cc`` entry
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)



class JournalEntry(Base):
    """Append-only: rows are inserted, never updated or deleted."""

    __tablename__ = "journal_entries"
    # a task's own entries (its opinion in 已办) without reading the whole history (0011_scale_indexes)
    __table_args__ = (Index("ix_journal_entries_task", "instance_id", "task_id"),)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    command: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str | None] = mapped_column(String(64), nullable=True)
    actor_role: Mapped[str | None] = mapped_column(String(64), nullable=True)
    actor_org: Mapped[str | None] = mapped_column(String(64), nullable=True)
    element_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    element_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    element_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    task_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)  # input data, flows taken, results
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    state_hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Attachment(Base):
    """A file attached to a case; the bytes live under Settings.attachments_dir, named by sha256."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class JournalCheckpoint(Base):
    """A copy of a case's snapshot after some journal entry, so that replaying to a late entry starts nearby.

    A cache, not history: before use it is checked against the journal (the entry's
    hash and state hash), and the journal alone is what verification trusts.
    """

    __tablename__ = "journal_checkpoints"
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_hash: Mapped[str] = mapped_column(String(64))
    snapshot: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text, nullable=True)


class VerificationSeal(Base):
    """The verifier's keyed record of the last entry it proved by replaying the case from the start
    (engine/audit/seals.py): a later verification resumes its replay here. Not history, not a command's
    write: the MAC's key is outside the database, and a seal that does not check out is ignored."""

    __tablename__ = "verification_seals"
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    entry_hash: Mapped[str] = mapped_column(String(64))
    rows_digest: Mapped[str] = mapped_column(String(64))
    snapshot: Mapped[str] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    definition_hash: Mapped[str] = mapped_column(String(64))
    verifier: Mapped[str] = mapped_column(String(32))
    mac: Mapped[str] = mapped_column(String(64))


class EventSubscription(Base):
    """A running case waiting for a message or signal: which, where, and the correlation it expects.

    Rewritten by every command on a case whose procedure waits for events (engine/messages/subscriptions.py),
    so that the store finds the waiting cases of a message without loading snapshots.
    """

    __tablename__ = "event_subscriptions"
    __table_args__ = (Index("ix_event_subscriptions_name", "kind", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # message, signal
    name: Mapped[str] = mapped_column(String(200))
    element_id: Mapped[str] = mapped_column(String(128))
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    role: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the catching element's lane
    org_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # where that lane is offered
    correlation: Mapped[dict[str, Any]] = mapped_column(JSON)  # property -> the value the case expects
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class LoginThrottle(Base):
    """Consecutive failed logins per username (known or not) from one client address, and the lockout earned."""

    __tablename__ = "login_throttle"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    # the client address (an IPv6 client by its /64 network): a lockout earned there holds only there
    address: Mapped[str] = mapped_column(String(64), primary_key=True, default="")
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class IdempotencyKey(Base):
    """A client's ``Idempotency-Key`` and what the command it came with produced (engine/idempotency/keys.py).

    Written in the command's own transaction, so a key is stored exactly when its command is.
    """

    __tablename__ = "idempotency_keys"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    operation: Mapped[str] = mapped_column(String(200))  # method and route, e.g. "POST /api/v1/process-instances"
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of the request's arguments and body
    result: Mapped[Any] = mapped_column(JSON, nullable=True)  # the command's return value (JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
# -- time: timers, deadlines, the working-day calendar's overrides, notifications ------------


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


class AccessListEntry(Base):
    """An item of the 社区事务准入清单: approved by the leadership group, in force until its 时限 ends.

    Written only by the journalled ``access_list_enter`` command of the case that approved it
    (engine/access_list/registry.py); ``journal_seq`` is that entry, so verify can compare the two.
    Whether an entry is in force is a query against the clock (valid_from … valid_until, inclusive
    dates in the district's time zone), never a stored flag.
    """

    __tablename__ = "access_list_entries"
    __table_args__ = (Index("ix_access_list_entries_district", "district_org", "valid_until"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), unique=True)
    journal_seq: Mapped[int] = mapped_column(Integer)
    entry_no: Mapped[str] = mapped_column(String(40), unique=True)
    district_org: Mapped[str] = mapped_column(String(64))  # the district whose communities the item binds
    title: Mapped[str] = mapped_column(String(200))
    item_type: Mapped[str] = mapped_column(String(32))
    content: Mapped[str] = mapped_column(Text)  # 内容
    target_group: Mapped[str] = mapped_column(Text)  # 对象
    authority_scope: Mapped[str] = mapped_column(Text)  # 权限
    time_limit_months: Mapped[int] = mapped_column(Integer)  # 时限
    time_limit_desc: Mapped[str] = mapped_column(Text)
    funding_amount: Mapped[str] = mapped_column(String(40))  # 经费 (as submitted: no float rounding)
    funding_source: Mapped[str] = mapped_column(String(40))
    applicant_department: Mapped[str] = mapped_column(String(100))
    meeting_no: Mapped[str | None] = mapped_column(String(100), nullable=True)  # the approving meeting's 纪要文号
    meeting_quarter: Mapped[str | None] = mapped_column(String(16), nullable=True)
    meeting_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    approved_on: Mapped[date] = mapped_column(Date)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CaseReceipt(Base):
    """The 回执 of a case: a random salt from which the check code (查询码) is derived with the receipt key.

    The code itself is never stored: it is an HMAC of the 办件编号 and this salt under the key
    (engine/cases/receipts.py), so the starter can print the receipt again and the public progress
    lookup recomputes and compares it.
    """

    __tablename__ = "case_receipts"
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), primary_key=True)
    salt: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ReceiptKey(Base):
    """The key of the check codes when ``RECEIPT_SECRET`` is not set (one row, made on first use)."""

    __tablename__ = "receipt_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secret: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CaseLink(Base):
    """One case started from another (a split-off area's establishment case), shown from both cases.

    Written in the transaction of the command whose step started the linked case
    (engine/cases/links.py); the linked case's ``start`` journal entry names its origin too.
    """

    __tablename__ = "case_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    from_instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    to_instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    element_id: Mapped[str] = mapped_column(String(128))
    label: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DirectoryAddition(Base):
    """An organisation a case brought into the directory (a split-off area's new community).

    Written only by the journalled ``directory_add`` command of that case (engine/directory/additions.py);
    ``journal_seq`` is that entry, so verify can compare the organisation with it.
    """

    __tablename__ = "directory_additions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), unique=True)
    journal_seq: Mapped[int] = mapped_column(Integer)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class GridLogEntry(Base):
    """One record of a grid's 民情日志 (004 §二(三)): a household, risk, problem or key group noted by a
    网格员 of the community. Rows are never changed: each is chained to the community's previous entry
    by ``prev_hash``/``hash`` (engine/grid/chain.py), so verify finds an edited or missing entry. The one
    later write is ``whistle_instance_id``, outside the hash: the 吹哨报到 case started from the entry,
    whose ``start`` journal entry names this entry (verify compares the two).
    """

    __tablename__ = "grid_log_entries"
    __table_args__ = (UniqueConstraint("community_org", "seq", name="uq_grid_log_entries_seq"),
                      Index("ix_grid_log_entries_community", "community_org", "recorded_on"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community_org: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, … within the community
    grid_name: Mapped[str] = mapped_column(String(50))  # 网格 (e.g. 第三网格)
    kind: Mapped[str] = mapped_column(String(16))  # household | risk | problem | key_group
    key_group: Mapped[str | None] = mapped_column(String(32), nullable=True)
    title: Mapped[str] = mapped_column(String(60))
    content: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(200), nullable=True)
    person_name: Mapped[str | None] = mapped_column(String(50), nullable=True)  # personal data
    person_phone: Mapped[str | None] = mapped_column(String(20), nullable=True)  # personal data
    recorded_on: Mapped[date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    whistle_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"), nullable=True,
                                                            unique=True)


# The trigram operator class of ix_process_instances_search (a database made by create_all needs it too).
event.listen(Base.metadata, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))


# --- s4/reads: the inbox's pool of unassigned ready tasks (migration 0023_reads)
# A clerk's inbox counts and pages the unassigned tasks of their role at their unit from this index alone,
# in created_at order (each task's case is the one other row read, for its status). Not partial: on SQLite a
# partial index whose predicate fixes ``state`` makes every statement comparing ``state`` with a bind
# parameter re-prepare on each execution. ix_human_tasks_queue is a prefix of it but for assignee and held:
# probably redundant now (check the case list's "a task of mine" plan before dropping it).
Index("ix_human_tasks_pool", HumanTask.org_id, HumanTask.role, HumanTask.state, HumanTask.assignee,
      HumanTask.held, HumanTask.created_at, HumanTask.instance_id)
# A task's case is running: read from this index, not from the case's row (on SQLite the row of a case with
# its snapshot spans several pages, and the planner, which cannot know it, often chose the row).
Index("ix_process_instances_id_status", ProcessInstance.id, ProcessInstance.status)
# --- end
