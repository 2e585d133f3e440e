"""Who is acting: a user with roles at one organisation (or the system itself)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    display_name: str
    org_id: str
    roles: frozenset[str]

    def has_role(self, role: str | None) -> bool:
        return role is not None and role in self.roles

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    @property
    def is_auditor(self) -> bool:
        return "auditor" in self.roles

    @property
    def is_process_owner(self) -> bool:
        return "process_owner" in self.roles


SYSTEM = Actor(user_id=0, username="system", display_name="系统", org_id="", roles=frozenset())
