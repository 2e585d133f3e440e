"""The 社区事务准入清单 in force."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models.base import Base, UtcDateTime


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
