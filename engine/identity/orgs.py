"""The organisation tree and where a lane's tasks are offered."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from engine.store.models import Organisation, Role

# role scope -> the organisation level it acts at (or a case field naming the organisation)
LEVEL_SCOPES = ("city", "district", "street")


@dataclass(frozen=True)
class OrgNode:
    id: str
    name: str
    level: str
    parent_id: str | None
    converted_into: str | None = None  # a village 撤村建居 made part of this community (engine/villages/)


class OrgDirectory:
    """An in-memory copy of organisations and role scopes (small, read on every command)."""

    def __init__(self, orgs: list[OrgNode], role_scopes: dict[str, str], role_names: dict[str, str]) -> None:
        self.orgs = {o.id: o for o in orgs}
        self.role_scopes = role_scopes
        self.role_names = role_names
        self._below: dict[str, list[str]] = {}

    def own_and_below(self, org_id: str) -> list[str]:
        """``org_id`` and every unit below it, in the directory's order (kept: a city has thousands of units
        and every case list of a clerk names this set)."""
        found = self._below.get(org_id)
        if found is None:
            found = [org for org in self.orgs if self.is_within(org, org_id)]
            self._below[org_id] = found
        return found

    @classmethod
    def load(cls, session: Session) -> OrgDirectory:
        orgs = [OrgNode(o.id, o.name, o.level, o.parent_id, o.converted_into)
                for o in session.scalars(select(Organisation))]
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

    def offered_at(self, element: Any, task_data: Mapping[str, Any], case_org: str, subject_org: str | None,
                   developer_org: str | None) -> str | None:
        """Where a ready task of ``element`` (an Element of a compiled definition) is offered.

        A task with ``unitFrom`` (engine/definitions/task_units.py) is offered at the organisation its own
        data names (None when the value names none); any other at its lane's unit (:meth:`task_org`).
        """
        variable = getattr(element, "unit_from", None)
        if variable:
            value = task_data.get(variable)
            return value if isinstance(value, str) and value in self.orgs else None
        return self.task_org(element.lane, case_org, subject_org, developer_org)


# -- a cached directory ------------------------------------------------------------------------
# Organisations and role scopes are read by every command and change rarely (seeding, an
# administrator's edit). A commit that wrote either table through the ORM in this process bumps
# _GENERATION, which makes every DirectoryCache reload on its next use; a short time bound
# (DIRECTORY_CACHE_SECONDS, 30 s) covers writes the events cannot see: another process (every
# gunicorn worker has its own cache), raw SQL, a seeding run.

_GENERATION = 0
_DIRECTORY_TABLES = frozenset({Organisation.__table__.name, Role.__table__.name})
_TOUCHED = "org_directory_touched"


def invalidate_directories() -> None:
    global _GENERATION
    _GENERATION += 1


def _touches_directory(session: Session) -> bool:
    return any(isinstance(obj, Organisation | Role) for obj in (*session.new, *session.dirty, *session.deleted))


@event.listens_for(Session, "before_flush")
def _mark_flush(session: Session, _context: Any, _instances: Any) -> None:
    if _touches_directory(session):
        session.info[_TOUCHED] = True


@event.listens_for(Session, "do_orm_execute")
def _mark_statement(state: Any) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and \
            getattr(getattr(state.statement, "table", None), "name", None) in _DIRECTORY_TABLES:
        state.session.info[_TOUCHED] = True


@event.listens_for(Session, "after_commit")
def _invalidate_on_commit(session: Session) -> None:
    if session.info.pop(_TOUCHED, False):
        invalidate_directories()


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop(_TOUCHED, None)


class DirectoryCache:
    """``OrgDirectory.load`` once, reused until the tables change (or ``max_age`` seconds pass)."""

    def __init__(self, max_age: float = 30.0, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.max_age = max_age
        self._monotonic = monotonic
        self._cached: tuple[int, float, OrgDirectory] | None = None
        self._lock = threading.Lock()

    def get(self, session: Session) -> OrgDirectory:
        cached = self._cached
        now = self._monotonic()
        if cached is not None and cached[0] == _GENERATION and now - cached[1] < self.max_age:
            return cached[2]
        generation = _GENERATION
        directory = OrgDirectory.load(session)
        with self._lock:
            self._cached = (generation, now, directory)
        return directory
