"""Cases and what hangs off them: the instance row with its snapshot, human tasks, copies (抄送), attachments,
event subscriptions, receipts and links between cases, and idempotency keys of commands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models.base import Base, UtcDateTime


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
                      # the running cases of some versions with their row versions, from the index alone (the
                      # open meetings of a case view, engine/access_list/agenda_cache.py; 0019_task_reads, 0025_reads2)
                      Index("ix_process_instances_definition_status_version", "definition_id", "status", "version"))
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


# The last 办件编号 of a prefix and year, found by walking down an index in byte order (engine/cases/business_keys.py):
# PostgreSQL's unique index sorts in the database's collation, where LIKE 'SWZR-2026-%' cannot use it and a range
# of it need not hold exactly the keys with that prefix (a linguistic order skips the hyphens); SQLite compares
# bytes, so its unique index serves. An index of an expression, which Alembic cannot compare: migration
# 0027_business_key_order makes it on PostgreSQL, and the comparison leaves it out (engine/store/unmodelled.py).
BUSINESS_KEY_BYTE_ORDER_INDEX = "ix_process_instances_business_key_c"


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


# The inbox's pool of unassigned ready tasks: a clerk's inbox counts and pages the unassigned tasks of their
# role at their unit from this index alone, in created_at order (each task's case is the one other row read, for
# its status). Not partial: on SQLite a partial index whose predicate fixes ``state`` makes every statement
# comparing ``state`` with a bind parameter re-prepare on each execution. ix_human_tasks_queue is a prefix of it
# but for assignee and held: probably redundant now (check the case list's "a task of mine" plan before dropping
# it).
Index("ix_human_tasks_pool", HumanTask.org_id, HumanTask.role, HumanTask.state, HumanTask.assignee,
      HumanTask.held, HumanTask.created_at, HumanTask.instance_id)
# A task's case is running: read from this index, not from the case's row (on SQLite the row of a case with
# its snapshot spans several pages, and the planner, which cannot know it, often chose the row).
Index("ix_process_instances_id_status", ProcessInstance.id, ProcessInstance.status)
