"""Deployed process definitions (one row per deployed version)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from engine.store.models.base import Base, UtcDateTime


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
