"""``event_subscriptions``: which running cases wait for which message or signal, kept by every command.

:func:`sync_subscriptions` runs with the human-task sync of every command
(engine/store/case_store.py), and only for procedures that wait for events at
all, so the others pay no statement for it. :func:`candidates` finds the waits
a message reaches: same kind and name, a running case, and a correlation that
agrees (:func:`correlates`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from engine.definitions.compile import CompiledDefinition
from engine.identity.orgs import OrgDirectory
from engine.messages.events import BUSINESS_KEY, waiting
from engine.store.models import EventSubscription, ProcessInstance
from engine.store.statements import Prebuilt

# built once: every command of a procedure that waits for events runs them
_CLEAR = delete(EventSubscription).where(EventSubscription.instance_id == bindparam("instance_id"))
_ADD = insert(EventSubscription)
_RUN_CLEAR, _RUN_ADD = Prebuilt(_CLEAR), Prebuilt(_ADD)  # on the DBAPI cursor (engine/store/statements.py)


def sync_subscriptions(session: Session, instance: ProcessInstance, definition: CompiledDefinition,
                       workflow: BpmnWorkflow, directory: OrgDirectory, at: datetime, clear: bool = True) -> None:
    """``clear=False``: the caller knows the case has no rows yet (one statement less)."""
    if not definition.events.waits:
        return
    conn = session.connection()
    if clear:
        _RUN_CLEAR.run(conn, {"instance_id": instance.id})
    rows = []
    for wait in waiting(workflow):
        element = definition.elements.get(wait.element_id)
        role = element.lane if element is not None else None
        rows.append({
            "instance_id": instance.id, "kind": wait.kind, "name": wait.name, "element_id": wait.element_id,
            "spiff_task_id": wait.spiff_task_id, "role": role,
            "org_id": directory.task_org(role, instance.org_id, instance.subject_org, instance.developer_org),
            "correlation": wait.correlation, "created_at": at,
        })
    if rows:
        _RUN_ADD.run(conn, rows)


def correlates(sent: dict[str, Any], expected: dict[str, Any], business_key: str | None, kind: str) -> bool:
    """Whether a message correlated by ``sent`` reaches a case expecting ``expected``.

    ``business_key`` in ``sent`` names the case itself. A property both name must agree; a message
    must agree on at least one (or name the case), so an uncorrelated message reaches nobody. A signal
    is a broadcast: it reaches every waiting case its properties do not contradict.
    """
    named = sent.get(BUSINESS_KEY)
    if named is not None and named != business_key:
        return False
    shared = [prop for prop in sent if prop != BUSINESS_KEY and prop in expected]
    if any(sent[prop] != expected[prop] for prop in shared):
        return False
    return kind == "signal" or named is not None or bool(shared)


@dataclass(frozen=True)
class Candidate:
    instance_id: int
    business_key: str | None
    element_id: str
    role: str | None
    org_id: str | None


def candidates(session: Session, kind: str, name: str, correlation: dict[str, Any],
               exclude: int | None = None) -> list[Candidate]:
    """Waits of running cases the event reaches, one per case (its first waiting element), oldest case first."""
    stmt = (select(EventSubscription, ProcessInstance.business_key)
            .join(ProcessInstance, ProcessInstance.id == EventSubscription.instance_id)
            .where(EventSubscription.kind == kind, EventSubscription.name == name,
                   ProcessInstance.status == "running")
            .order_by(EventSubscription.instance_id, EventSubscription.id))
    named = correlation.get(BUSINESS_KEY)
    if named is not None:
        stmt = stmt.where(ProcessInstance.business_key == named)
    found: dict[int, Candidate] = {}
    for row, business_key in session.execute(stmt):
        if row.instance_id == exclude or row.instance_id in found:
            continue
        if correlates(correlation, row.correlation or {}, business_key, kind):
            found[row.instance_id] = Candidate(row.instance_id, business_key, row.element_id, row.role, row.org_id)
    return list(found.values())
