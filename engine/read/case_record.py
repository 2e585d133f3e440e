"""What a case's record shows: its submissions step by step and the printed 审批表.

Whoever may see the case may read both (the access check of the case view).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.definitions.registry import DefinitionRegistry
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.read.case_steps import case_steps
from engine.read.queries import Queries
from engine.record.cjk_font import find_cjk_font
from engine.record.pdf import render_record_pdf
from engine.store.models import ProcessInstance


class CaseRecords:
    def __init__(self, registry: DefinitionRegistry, queries: Queries, clock: Clock,
                 directory_loader: Callable[[Session], OrgDirectory], font_file: Path | None = None) -> None:
        self.registry = registry
        self.queries = queries
        self.clock = clock
        self._directory = directory_loader
        self.font_file = font_file

    def steps(self, session: Session, actor: Actor, instance_id: int) -> dict[str, Any]:
        """The case's submissions grouped by step, in the order they happened."""
        self.queries.instance_view(session, actor, instance_id)  # exists and is visible
        return self._steps(session, instance_id)

    def _steps(self, session: Session, instance_id: int) -> dict[str, Any]:
        definition_id = session.scalar(select(ProcessInstance.definition_id).where(ProcessInstance.id == instance_id))
        assert definition_id is not None
        definition = self.registry.compiled(session, definition_id)
        return case_steps(session, self._directory(session), definition, instance_id)

    def record(self, session: Session, actor: Actor, instance_id: int) -> dict[str, Any]:
        """The content of the 审批表: the case view and its steps."""
        view = self.queries.instance_view(session, actor, instance_id)
        steps = self._steps(session, instance_id)
        return view | {"steps": steps["steps"], "actions": steps["actions"], "applicant": view["started_by"],
                       "current_steps": view["active_tasks"]}

    def record_pdf(self, session: Session, actor: Actor, instance_id: int) -> tuple[dict[str, Any], bytes]:
        """The 审批表 as PDF (503 when the server has no Chinese font), with the record it shows."""
        record = self.record(session, actor, instance_id)
        font = find_cjk_font(self.font_file)
        return record, render_record_pdf(record, font, self.clock.now())
