"""Writing a command's effects: snapshot (optimistically locked), human-task rows, journal entries.

Every command module (starting and completing, case administration, timers, …)
writes through these functions inside one transaction opened by
:func:`run_command`, so a command is either wholly stored or not at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from . import checkpoints, runtime
from .actors import Actor
from .bpmn_model import CompiledDefinition
from .errors import Conflict
from .journal import Entry, entry_hash
from .orgs import OrgDirectory
from .runtime import Step
from .store.db import Database
from .store.models import HumanTask, JournalEntry, ProcessInstance

log = logging.getLogger(__name__)
MAX_RETRIES = 5
T = TypeVar("T")


class VersionConflict(Exception):
    """Another command changed the case between our read and our write: retry."""


def run_command(db: Database, command: Callable[[Session], T]) -> T:
    """Run ``command`` in one write transaction, retrying when it lost a race."""
    for attempt in range(MAX_RETRIES):
        session = db.writer()
        try:
            with session.begin():
                return command(session)
        except (VersionConflict, IntegrityError) as exc:
            log.info("retrying command after %s (attempt %d)", exc.__class__.__name__, attempt + 1)
        except OperationalError as exc:
            if "locked" not in str(exc) and "deadlock" not in str(exc) and "serialize" not in str(exc):
                raise
            log.info("retrying command after a lock error (attempt %d)", attempt + 1)
        finally:
            session.close()
    raise Conflict("办件正被他人同时办理，请稍后重试")


def update_instance(session: Session, instance: ProcessInstance, **values: Any) -> None:
    """Write ``values`` if nobody else wrote since we read (``version``), else VersionConflict."""
    values["version"] = instance.version + 1
    result = session.execute(update(ProcessInstance)
                             .where(ProcessInstance.id == instance.id, ProcessInstance.version == instance.version)
                             .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise VersionConflict()
    for name, value in values.items():
        setattr(instance, name, value)


def save_workflow(session: Session, instance: ProcessInstance, definition: CompiledDefinition,
                  workflow: BpmnWorkflow, at: datetime, status: str | None = None) -> None:
    state = runtime.case_state(definition, workflow)
    update_instance(
        session, instance,
        snapshot=definition.codec.dumps(workflow),
        data=state.data,
        status=status or ("completed" if state.finished else "running"),
        end_event=state.end_event,
        updated_at=at,
    )


def append_journal(session: Session, instance: ProcessInstance, steps: list[Step], actor: Actor, at: datetime,
                   data: dict[str, Any] | None, comment: str | None, task: HumanTask | None,
                   extra: dict[str, Any] | None = None) -> None:
    """Chain ``steps`` onto the case's journal; the first step is the command itself."""
    seq, prev = instance.journal_seq, instance.journal_hash
    rows = []
    for index, step in enumerate(steps):
        is_command = index == 0
        payload: dict[str, Any] = {}
        if is_command and data is not None:
            payload["data"] = data
        if is_command and extra:
            payload.update(extra)
        if step.flows:
            payload["flows"] = step.flows
        if step.result:
            payload["result"] = step.result
        entry = Entry(
            command=step.command, at=at,
            actor=actor.username if is_command else None,
            actor_role=(task.role if task is not None else ",".join(sorted(actor.roles)) or None)
            if is_command else None,
            actor_org=actor.org_id if is_command else None,
            element_id=step.element_id, element_name=step.element_name, element_type=step.element_type,
            task_id=task.id if is_command and task is not None else None,
            payload=payload, comment=comment if is_command else None, state_hash=step.state_hash,
        )
        seq += 1
        digest = entry_hash(instance.id, seq, entry, prev)
        rows.append({
            "instance_id": instance.id, "seq": seq, "at": at, "command": entry.command,
            "actor": entry.actor, "actor_role": entry.actor_role, "actor_org": entry.actor_org,
            "element_id": entry.element_id, "element_name": entry.element_name,
            "element_type": entry.element_type, "task_id": entry.task_id, "payload": entry.payload,
            "comment": entry.comment, "state_hash": entry.state_hash, "prev_hash": prev, "hash": digest,
        })
        prev = digest
    if rows:
        session.execute(JournalEntry.__table__.insert(), rows)
    session.execute(update(ProcessInstance).where(ProcessInstance.id == instance.id)
                    .values(journal_seq=seq, journal_hash=prev).execution_options(synchronize_session=False))
    seq_before = instance.journal_seq
    instance.journal_seq, instance.journal_hash = seq, prev
    checkpoints.maybe_checkpoint(session, instance, seq_before)


def sync_tasks(session: Session, instance: ProcessInstance, definition: CompiledDefinition,
               workflow: BpmnWorkflow, directory: OrgDirectory, at: datetime,
               completed: HumanTask | None = None, actor: Actor | None = None) -> None:
    """Make the human-task rows match the workflow's ready user tasks."""
    ready = {str(t.id): t for t in runtime.ready_user_tasks(workflow)}
    existing = list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                            HumanTask.state == "ready")))
    for row in existing:
        if completed is not None and row.id == completed.id:
            row.state, row.completed_at = "completed", at
            row.completed_by = actor.username if actor else None
        elif row.spiff_task_id not in ready:
            row.state, row.completed_at = "cancelled", at
    still_open = {row.spiff_task_id for row in existing if row.state == "ready" and row.spiff_task_id in ready}
    for spiff_id, task in ready.items():
        if spiff_id in still_open:
            continue
        element = definition.elements[runtime.bpmn_id(task) or ""]
        session.add(HumanTask(
            instance_id=instance.id, spiff_task_id=spiff_id, element_id=element.id, name=element.name,
            role=element.lane,
            org_id=directory.task_org(element.lane, instance.org_id, instance.subject_org, instance.developer_org),
            state="ready", created_at=at,
        ))
