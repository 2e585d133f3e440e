"""Paginated, sortable, filterable lists: a user's ready tasks and the deployed procedures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine.identity import access
from engine.identity.actors import Actor
from engine.read.paging import Page, PageRequest, fetch_page, like_pattern
from engine.read.queries import task_summary
from engine.store.models import HumanTask, ProcessDefinition, ProcessInstance

TASK_SORTS = {"created_at": HumanTask.created_at, "name": HumanTask.name, "instance_id": HumanTask.instance_id,
              "id": HumanTask.id}
DEFINITION_SORTS = {"key": ProcessDefinition.key, "name": ProcessDefinition.name,
                    "deployed_at": ProcessDefinition.deployed_at, "version": ProcessDefinition.version}


@dataclass(frozen=True)
class TaskFilter:
    definition_key: str | None = None
    instance_id: int | None = None
    element_id: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class DefinitionFilter:
    key: str | None = None
    q: str | None = None  # part of the (Chinese) name or the key


def inbox_page(session: Session, actor: Actor, filters: TaskFilter, page: PageRequest) -> Page[dict[str, Any]]:
    """Ready tasks the actor may act on: their roles at their organisation.

    Tasks of a suspended case, or of one stopped by a script error, leave the inbox until an
    admin resumes it (the rows stay ready).
    """
    stmt: Select[Any] = (select(HumanTask)
                         .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
                         .where(access.inbox_clause(actor), ProcessInstance.status == "running"))
    if filters.role:
        stmt = stmt.where(HumanTask.role == filters.role)
    if filters.instance_id is not None:
        stmt = stmt.where(HumanTask.instance_id == filters.instance_id)
    if filters.element_id:
        stmt = stmt.where(HumanTask.element_id == filters.element_id)
    if filters.definition_key:
        stmt = stmt.where(ProcessInstance.definition_key == filters.definition_key)
    found = fetch_page(session, stmt, page, TASK_SORTS, "created_at", HumanTask.id)
    cases = {row.id: row for row in session.execute(
        select(ProcessInstance.id, ProcessInstance.business_key, ProcessInstance.definition_key)
        .where(ProcessInstance.id.in_({t.instance_id for t in found.items})))}
    return Page([task_summary(t) | {"business_key": cases[t.instance_id].business_key,
                                    "definition_key": cases[t.instance_id].definition_key}
                 for t in found.items], found.total)


def definitions_page(session: Session, filters: DefinitionFilter, page: PageRequest) -> Page[ProcessDefinition]:
    """The latest version of every procedure."""
    newest = (select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v"))
              .group_by(ProcessDefinition.key).subquery())
    stmt: Select[Any] = select(ProcessDefinition).join(
        newest, (ProcessDefinition.key == newest.c.key) & (ProcessDefinition.version == newest.c.v))
    if filters.key:
        stmt = stmt.where(ProcessDefinition.key == filters.key)
    if filters.q:
        stmt = stmt.where(ProcessDefinition.name.ilike(like_pattern(filters.q), escape="\\")
                          | ProcessDefinition.key.ilike(like_pattern(filters.q), escape="\\"))
    return fetch_page(session, stmt, page, DEFINITION_SORTS, "key", ProcessDefinition.id)
