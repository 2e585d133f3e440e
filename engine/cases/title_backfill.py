"""Filling in ``case_title`` for cases stored before the column existed (for the schema migration).

The title is derived from the case data and the procedure version's ``caseTitle``,
not case state: it is in no journal entry or state hash, so writing it changes no
history. Only rows whose title is still empty are touched.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.cases.titles import render_case_title
from engine.definitions.registry import DefinitionRegistry
from engine.identity.orgs import OrgDirectory
from engine.store.models import ProcessInstance


def backfill_case_titles(session: Session, registry: DefinitionRegistry, batch: int = 500) -> int:
    """Render the title of every case without one; returns how many got a title. The caller commits."""
    directory = OrgDirectory.load(session)
    written = 0
    last_id = 0
    while True:
        rows = session.execute(select(ProcessInstance.id, ProcessInstance.definition_id, ProcessInstance.data)
                               .where(ProcessInstance.case_title.is_(None), ProcessInstance.id > last_id)
                               .order_by(ProcessInstance.id).limit(batch)).all()
        if not rows:
            return written
        for row in rows:
            title = render_case_title(registry.compiled(session, row.definition_id).case_title, row.data or {},
                                      directory)
            if title is not None:
                session.execute(update(ProcessInstance).where(ProcessInstance.id == row.id).values(case_title=title))
                written += 1
        last_id = rows[-1].id
