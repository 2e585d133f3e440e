"""What a user's messages (消息) and copies (抄送我的) share: one reader per row, a read flag, the case named.

Both lists show each entry's case by its number, procedure and title (事项名称) and the step it
concerns by its Chinese name; opening an entry marks it read for its reader only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.identity.actors import Actor
from engine.store.models import CaseCopy, HumanTask, Notification, ProcessDefinition, ProcessInstance

R = TypeVar("R", Notification, CaseCopy)


def mark_read(session: Session, actor: Actor, model: type[R], row_id: int, at: datetime, what: str) -> R:
    """The caller's own row ``row_id`` of ``model``, read at ``at`` unless it was already (else 404 naming ``what``)."""
    row = session.get(model, row_id)
    if row is None or row.username != actor.username:
        raise NotFound(f"{what} {row_id} 不存在")
    if row.read_at is None:
        session.execute(update(model).where(model.id == row.id).values(read_at=at))
        row.read_at = at
    return row


@dataclass(frozen=True)
class CaseSummary:
    business_key: str | None
    title: str | None
    status: str | None
    definition_key: str | None
    definition_name: str | None

    def fields(self) -> dict[str, Any]:
        return {"business_key": self.business_key, "case_title": self.title,
                "definition_key": self.definition_key, "definition_name": self.definition_name}


UNKNOWN_CASE = CaseSummary(None, None, None, None, None)


def case_summaries(session: Session, instance_ids: set[int]) -> dict[int, CaseSummary]:
    if not instance_ids:
        return {}
    return {r.id: CaseSummary(r.business_key, r.case_title, r.status, r.definition_key, r.name)
            for r in session.execute(
                select(ProcessInstance.id, ProcessInstance.business_key, ProcessInstance.case_title,
                       ProcessInstance.status, ProcessInstance.definition_key, ProcessDefinition.name)
                .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
                .where(ProcessInstance.id.in_(instance_ids)))}


def step_names(session: Session, steps: set[tuple[int, str]]) -> dict[tuple[int, str], str]:
    """The Chinese name of each (case, element) as its task rows show it."""
    if not steps:
        return {}
    cases = {case for case, _ in steps}
    elements = {element for _, element in steps}
    rows = session.execute(select(HumanTask.instance_id, HumanTask.element_id, HumanTask.name).distinct()
                           .where(HumanTask.instance_id.in_(cases), HumanTask.element_id.in_(elements)))
    return {(r.instance_id, r.element_id): r.name for r in rows if (r.instance_id, r.element_id) in steps}
