"""Opinions (审批意见): the comments clerks gave with their task actions, read from the journal."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.clock import as_utc
from engine.identity.orgs import OrgDirectory
from engine.read.people import org_name, role_name
from engine.store.models import JournalEntry, User


def case_comments(session: Session, instance_id: int, directory: OrgDirectory) -> list[dict[str, Any]]:
    """Every non-empty comment recorded with an action on a task of the case, oldest first.

    The caller has checked that the reader may see the case.
    """
    rows = session.execute(
        select(JournalEntry.seq, JournalEntry.at, JournalEntry.command, JournalEntry.actor,
               JournalEntry.actor_role, JournalEntry.actor_org, JournalEntry.task_id, JournalEntry.element_id,
               JournalEntry.element_name, JournalEntry.comment, User.display_name)
        .outerjoin(User, User.username == JournalEntry.actor)
        .where(JournalEntry.instance_id == instance_id, JournalEntry.task_id.is_not(None),
               JournalEntry.comment.is_not(None), func.length(func.trim(JournalEntry.comment)) > 0)
        .order_by(JournalEntry.seq))
    return [{
        "seq": row.seq,
        "at": as_utc(row.at),
        "command": row.command,
        "author": {"username": row.actor, "display_name": row.display_name or row.actor,
                   "org_name": org_name(directory, row.actor_org)},
        "role": row.actor_role,
        "role_name": role_name(directory, row.actor_role),
        "org": row.actor_org,
        "org_name": org_name(directory, row.actor_org),
        "task": {"id": row.task_id, "name": row.element_name, "element_id": row.element_id},
        "comment": row.comment,
    } for row in rows]
