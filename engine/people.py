"""People and units as readers see them: display names and organisation names, never bare ids.

Every read answer that names who did something uses :func:`person`; the ids stay
alongside for clients that link or filter by them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.identity.orgs import OrgDirectory
from engine.store.models import User


def org_name(directory: OrgDirectory, org_id: str | None) -> str | None:
    if not org_id:
        return None
    node = directory.orgs.get(org_id)
    return node.name if node is not None else org_id


def role_name(directory: OrgDirectory, roles: str | None) -> str | None:
    """The Chinese name of a role id, or of each of a comma-separated list (joined with 、)."""
    if not roles:
        return None
    return "、".join(directory.role_names.get(r, r) for r in roles.split(",") if r)


def person(username: str | None, display_name: str | None, org_id: str | None,
           directory: OrgDirectory, role: str | None = None) -> dict[str, Any] | None:
    """``{username, display_name, org, org_name}`` (and ``role``, ``role_name`` when a role is given)."""
    if username is None:
        return None
    found: dict[str, Any] = {"username": username, "display_name": display_name or username,
                             "org": org_id, "org_name": org_name(directory, org_id)}
    if role is not None:
        found |= {"role": role, "role_name": role_name(directory, role)}
    return found


def display_names(session: Session, usernames: Iterable[str | None]) -> dict[str, str]:
    """Display names by username, in one query."""
    wanted = sorted({u for u in usernames if u})
    if not wanted:
        return {}
    return {row.username: row.display_name
            for row in session.execute(select(User.username, User.display_name).where(User.username.in_(wanted)))}


def with_actor_names(entry: dict[str, Any], directory: OrgDirectory, names: dict[str, str]) -> dict[str, Any]:
    """A journal entry's view with who acted by name: ``actor_name``, ``actor_org_name``, ``role_name``."""
    actor = entry.get("actor")
    entry["actor_name"] = names.get(actor, actor) if actor else None
    entry["actor_org_name"] = org_name(directory, entry.get("actor_org"))
    entry["role_name"] = role_name(directory, entry.get("actor_role"))
    return entry
