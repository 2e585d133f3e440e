"""Verify's view of the 民情日志: a case started from an entry and the entry name each other."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.grid import chain
from engine.store.models import GridLogEntry, JournalEntry, ProcessInstance


def check_link(session: Session, instance: ProcessInstance, entries: list[JournalEntry]) -> str | None:
    """The entry naming this case is the one its start entry names, unchanged since; its log chain is whole."""
    origin = (entries[0].payload or {}).get("grid_log") if entries else None
    row = session.scalar(select(GridLogEntry).where(GridLogEntry.whistle_instance_id == instance.id))
    if origin is None and row is None:
        return None
    if origin is None or row is None:
        return "民情日志与办件的关联记录不符（一方记载了关联，另一方没有）"
    if not isinstance(origin, dict) or origin.get("id") != row.id or origin.get("hash") != row.hash \
            or origin.get("community") != row.community_org or origin.get("seq") != row.seq:
        return f"办件发起时记载的民情日志与第 {row.id} 号民情日志不符"
    return chain.check_chain(session, row.community_org)
