"""The hash-chained journal, its replay checkpoints and the keyed seals of verifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models.base import Base, UtcDateTime


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
