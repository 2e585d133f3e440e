"""The organisation tree and where a lane's tasks are offered."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .store.models import Organisation, Role

# role scope -> the organisation level it acts at (or a case field naming the organisation)
LEVEL_SCOPES = ("city", "district", "street")


@dataclass(frozen=True)
class OrgNode:
    id: str
    name: str
    level: str
    parent_id: str | None


class OrgDirectory:
    """An in-memory copy of organisations and role scopes (small, read on every command)."""

    def __init__(self, orgs: list[OrgNode], role_scopes: dict[str, str], role_names: dict[str, str]) -> None:
        self.orgs = {o.id: o for o in orgs}
        self.role_scopes = role_scopes
        self.role_names = role_names

    @classmethod
    def load(cls, session: Session) -> OrgDirectory:
        orgs = [OrgNode(o.id, o.name, o.level, o.parent_id) for o in session.scalars(select(Organisation))]
        roles = list(session.scalars(select(Role)))
        return cls(orgs, {r.id: r.scope for r in roles}, {r.id: r.name for r in roles})

    def ancestors(self, org_id: str) -> list[OrgNode]:
        chain: list[OrgNode] = []
        node = self.orgs.get(org_id)
        while node is not None and len(chain) < 16:
            chain.append(node)
            node = self.orgs.get(node.parent_id) if node.parent_id else None
        return chain

    def is_within(self, org_id: str, ancestor_id: str) -> bool:
        return any(node.id == ancestor_id for node in self.ancestors(org_id))

    def task_org(self, role: str | None, case_org: str, subject_org: str | None,
                 developer_org: str | None) -> str | None:
        """The organisation at which a task of ``role`` in a case of ``case_org`` is offered."""
        if role is None:
            return case_org
        scope = self.role_scopes.get(role, "none")
        if scope in LEVEL_SCOPES:
            for node in self.ancestors(case_org):
                if node.level == scope:
                    return node.id
            return None
        if scope == "subject":
            return subject_org
        if scope == "developer":
            return developer_org
        return None
