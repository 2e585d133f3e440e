"""The users an operation may name: by role at an organisation, with their names and units."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from engine.definitions.compile import CompiledDefinition
from engine.identity.orgs import OrgDirectory
from engine.operations import policy
from engine.store.models import HumanTask, ProcessInstance, User, UserRole


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str
    org: str
    org_name: str

    def as_dict(self) -> dict[str, Any]:
        return {"username": self.username, "display_name": self.display_name, "org": self.org,
                "org_name": self.org_name}


# built once: the model's 抄送 asks it inside a completion
_WITH_ROLE = (select(User.username, User.display_name, User.org_id)
              .join(UserRole, UserRole.user_id == User.id)
              .where(UserRole.role_id == bindparam("p_role"), User.org_id == bindparam("p_org"),
                     User.active.is_(True))
              .order_by(User.username))


def users_with_role(session: Session, directory: OrgDirectory, role: str, org: str | None) -> list[Person]:
    if org is None:
        return []
    rows = session.connection().execute(_WITH_ROLE, {"p_role": role, "p_org": org})
    return [Person(r.username, r.display_name, r.org_id, _org_name(directory, r.org_id)) for r in rows]


def active_users(session: Session, directory: OrgDirectory, usernames: list[str]) -> dict[str, Person]:
    rows = session.execute(select(User.username, User.display_name, User.org_id)
                           .where(User.username.in_(usernames), User.active.is_(True)))
    return {r.username: Person(r.username, r.display_name, r.org_id, _org_name(directory, r.org_id)) for r in rows}


def copy_candidates(session: Session, directory: OrgDirectory, exclude: set[str], limit: int = 500) -> list[Person]:
    """Whom a case may be copied to (抄送): active users holding a role that has lanes, by unit."""
    lane_roles = [r for r, scope in directory.role_scopes.items() if scope not in ("none", None)]
    rows = session.execute(select(User.username, User.display_name, User.org_id).distinct()
                           .join(UserRole, UserRole.user_id == User.id)
                           .where(UserRole.role_id.in_(lane_roles), User.active.is_(True))
                           .order_by(User.org_id, User.username).limit(limit))
    return [Person(r.username, r.display_name, r.org_id, _org_name(directory, r.org_id))
            for r in rows if r.username not in exclude]


def display_names(session: Session, usernames: set[str]) -> dict[str, str]:
    if not usernames:
        return {}
    return dict(session.execute(select(User.username, User.display_name).where(User.username.in_(usernames))).all())


def candidates(session: Session, directory: OrgDirectory, definition: CompiledDefinition,
               instance: ProcessInstance, row: HumanTask, exclude: set[str]) -> list[Person]:
    """Who may receive the step by 转办, 委派 or 加签: its role at its organisation, and the model's
    ``candidateRoles`` where their lanes are offered for this case."""
    found: dict[str, Person] = {}
    places = [(row.role, row.org_id)]
    for role in policy.candidate_roles(definition, row.element_id):
        places.append((role, directory.task_org(role, instance.org_id, instance.subject_org,
                                                instance.developer_org)))
    for role, org in places:
        if role is None:
            continue
        for person in users_with_role(session, directory, role, org):
            if person.username not in exclude:
                found.setdefault(person.username, person)
    return list(found.values())


def holders_of(session: Session, instance_id: int) -> list[tuple[HumanTask, list[str]]]:
    """The open steps of a case with the users who may act on each now (for 催办)."""
    rows = list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                        HumanTask.state == "ready").order_by(HumanTask.id)))
    result = []
    for row in rows:
        if row.held:
            continue
        if row.assignee:
            result.append((row, [row.assignee]))
            continue
        users = list(session.scalars(select(User.username).join(UserRole, UserRole.user_id == User.id)
                                     .where(UserRole.role_id == row.role, User.org_id == row.org_id,
                                            User.active.is_(True)).order_by(User.username)))
        result.append((row, users))
    return result


def _org_name(directory: OrgDirectory, org: str) -> str:
    node = directory.orgs.get(org)
    return node.name if node else org
