"""The grid workers' log (网格日志), with its per-community hash chain."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models.base import Base, UtcDateTime


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
