"""The 民情日志 entry a case was started from, as the case view shows it (no personal data)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, bindparam, exists, select
from sqlalchemy.orm import Session

from engine.store.models import GridLogEntry

_LINKED = select(GridLogEntry.id, GridLogEntry.community_org, GridLogEntry.grid_name, GridLogEntry.title,
                 GridLogEntry.kind, GridLogEntry.recorded_on).where(
    GridLogEntry.whistle_instance_id == bindparam("instance_id"))  # built once: every case view asks


def has_entry(instance_id: ColumnElement[int]) -> ColumnElement[bool]:
    """Whether the case ``instance_id`` (a column of the case view's statement) was started from an entry."""
    return exists().where(GridLogEntry.whistle_instance_id == instance_id)


def linked_entry(session: Session, instance_id: int) -> dict[str, Any] | None:
    row = session.connection().execute(_LINKED, {"instance_id": instance_id}).first()
    if row is None:
        return None
    return {"id": row.id, "community": row.community_org, "grid_name": row.grid_name, "title": row.title,
            "kind": row.kind, "recorded_on": row.recorded_on.isoformat()}
