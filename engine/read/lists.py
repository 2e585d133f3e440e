"""Paginated, sortable, filterable lists: the deployed procedures (the inbox is engine/workbench.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine.read.paging import Page, PageRequest, fetch_page, like_pattern
from engine.store.models import ProcessDefinition

DEFINITION_SORTS = {"key": ProcessDefinition.key, "name": ProcessDefinition.name,
                    "deployed_at": ProcessDefinition.deployed_at, "version": ProcessDefinition.version}


@dataclass(frozen=True)
class DefinitionFilter:
    key: str | None = None
    q: str | None = None  # part of the (Chinese) name or the key


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
