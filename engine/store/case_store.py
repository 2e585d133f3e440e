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
from SpiffWorkflow.task import Task
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine.audit import checkpoints
from engine.audit.journal import CaseState, Entry, entry_hash
from engine.definitions.compile import CompiledDefinition
from engine.errors import Conflict
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.messages.subscriptions import sync_subscriptions
from engine.runtime import callees, runner
from engine.runtime.runner import Step
from engine.store import statements
from engine.store.db import Database
from engine.store.models import HumanTask, ProcessInstance

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


def load_task(session: Session, task_id: int) -> tuple[HumanTask | None, ProcessInstance | None]:
    """A human-task row and the case it belongs to, in one query."""
    row = session.execute(statements.task_with_instance, {statements.P + "task_id": task_id}).first()
    return (row[0], row[1]) if row is not None else (None, None)


def update_instance(session: Session, instance: ProcessInstance, **values: Any) -> None:
    """Write ``values`` if nobody else wrote since we read (``version``), else VersionConflict."""
    values["version"] = instance.version + 1
    stmt = statements.instance_update(tuple(sorted(values)), check_version=True)
    result = session.connection().execute(stmt, statements.instance_params(instance.id, values, instance.version))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise VersionConflict()
    _written(instance, values)


def _written(instance: ProcessInstance, values: dict[str, Any]) -> None:
    """Mirror values just written by an UPDATE onto the loaded object without making it dirty
    (a plain setattr would make the session flush the same values, snapshot included, once more)."""
    for name, value in values.items():
        set_committed_value(instance, name, value)


def _workflow_values(definition: CompiledDefinition, workflow: BpmnWorkflow, at: datetime,
                     status: str | None, state: CaseState | None = None) -> dict[str, Any]:
    """``state``: the workflow's case state if the caller already has it (a command's outcome)."""
    if state is None:
        state = runner.case_state(definition, workflow)
    return {
        "snapshot": definition.codec.dumps(workflow),
        "data": state.data,
        "status": status or ("completed" if state.finished else "running"),
        "end_event": state.end_event,
        "updated_at": at,
    }


def save_workflow(session: Session, instance: ProcessInstance, definition: CompiledDefinition,
                  workflow: BpmnWorkflow, at: datetime, status: str | None = None) -> None:
    update_instance(session, instance, **_workflow_values(definition, workflow, at, status))


def record_command(session: Session, instance: ProcessInstance, definition: CompiledDefinition,
                   workflow: BpmnWorkflow, steps: list[Step], actor: Actor, at: datetime,
                   data: dict[str, Any] | None, comment: str | None, task: HumanTask | None,
                   extra: dict[str, Any] | None = None, status: str | None = None,
                   state: CaseState | None = None) -> None:
    """``save_workflow`` and ``append_journal`` together, writing the instance row once.

    The snapshot, the journal head and the version go in one UPDATE (SQLite rewrites the whole
    row, snapshot included, on every UPDATE), then the journal entries.
    """
    rows, seq, head = journal_rows(instance, steps, actor, at, data, comment, task, extra)
    seq_before = instance.journal_seq
    values = _workflow_values(definition, workflow, at, status, state)
    update_instance(session, instance, **values, journal_seq=seq, journal_hash=head)
    if rows:
        session.connection().execute(statements.journal_insert, rows)
    checkpoints.maybe_checkpoint(session, instance, seq_before)


def journal_rows(instance: ProcessInstance, steps: list[Step], actor: Actor, at: datetime,
                 data: dict[str, Any] | None, comment: str | None, task: HumanTask | None,
                 extra: dict[str, Any] | None = None) -> tuple[list[dict[str, Any]], int, str]:
    """The chained journal rows of ``steps`` (the first is the command), the new last seq and hash."""
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
    return rows, seq, prev


def append_journal(session: Session, instance: ProcessInstance, steps: list[Step], actor: Actor, at: datetime,
                   data: dict[str, Any] | None, comment: str | None, task: HumanTask | None,
                   extra: dict[str, Any] | None = None) -> None:
    """Chain ``steps`` onto the case's journal; the first step is the command itself."""
    rows, seq, head = journal_rows(instance, steps, actor, at, data, comment, task, extra)
    seq_before = instance.journal_seq
    if rows:
        session.execute(statements.journal_insert, rows)
    head_values = {"journal_seq": seq, "journal_hash": head}
    session.execute(statements.instance_update(tuple(sorted(head_values)), check_version=False),
                    statements.instance_params(instance.id, head_values))
    _written(instance, head_values)
    checkpoints.maybe_checkpoint(session, instance, seq_before)


def sync_tasks(session: Session, instance: ProcessInstance, definition: CompiledDefinition,
               workflow: BpmnWorkflow, directory: OrgDirectory, at: datetime,
               completed: HumanTask | None = None, actor: Actor | None = None,
               ready_tasks: list[Task] | None = None) -> None:
    """Make the human-task rows match the workflow's ready user tasks (``ready_tasks`` if the caller has them)."""
    if ready_tasks is None:
        ready_tasks = runner.ready_user_tasks(workflow)
    ready = {str(t.id): t for t in ready_tasks}
    closed: list[dict[str, Any]] = []
    still_open: set[str] = set()
    conn = session.connection()
    for row_id, spiff_id in conn.execute(statements.ready_tasks, {statements.P + "instance_id": instance.id}):
        if completed is not None and row_id == completed.id:
            by = actor.username if actor else None
            closed.append(_closing(row_id, "completed", at, by))
            _written_task(completed, {"state": "completed", "completed_at": at, "completed_by": by})
        elif spiff_id not in ready:
            closed.append(_closing(row_id, "cancelled", at, None))
        else:
            still_open.add(spiff_id)
    if closed:
        conn.execute(statements.close_task, closed)
    new_rows = []
    for spiff_id, task in ready.items():
        if spiff_id in still_open:
            continue
        element = callees.element_of(definition, task)  # a called procedure's task has its own lane and name
        binding = callees.owner_binding(definition, task) if definition.calls else None
        new_rows.append({
            "instance_id": instance.id, "spiff_task_id": spiff_id, "element_id": element.id, "name": element.name,
            "role": element.lane,
            "org_id": directory.task_org(element.lane, instance.org_id, instance.subject_org, instance.developer_org),
            "state": "ready", "created_at": at, "completed_at": None, "completed_by": None,
            "definition_id": binding.definition_id if binding is not None else None,
        })
    if new_rows:
        conn.execute(statements.task_insert, new_rows)
    sync_subscriptions(session, instance, definition, workflow, directory, at)


def _closing(row_id: int, state: str, at: datetime, by: str | None) -> dict[str, Any]:
    p = statements.P
    return {p + "id": row_id, p + "state": state, p + "completed_at": at, p + "completed_by": by}


def _written_task(task: HumanTask, values: dict[str, Any]) -> None:
    for name, value in values.items():
        set_committed_value(task, name, value)
