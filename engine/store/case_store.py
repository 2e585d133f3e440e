"""Writing a command's effects: the case row (optimistically locked), the journal, the human-task rows.

Every command on a case (starting and completing, case administration,
attachments, …) runs in one write transaction of :class:`engine.store.unit_of_work.UnitOfWork`
and describes itself as a :class:`CaseCommand`; :func:`record` is the one path by
which journal entries are written: the command's entries, chained, and the case
row's new values with the new journal head in one versioned UPDATE. A command is
either wholly stored or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task
from sqlalchemy import inspect
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from engine.audit.journal import CaseState, Entry, entry_hash
from engine.cases.titles import render_case_title
from engine.definitions.compile import CompiledDefinition
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.messages.subscriptions import sync_subscriptions
from engine.runtime import callees, runner
from engine.runtime.runner import Step
from engine.store import statements
from engine.store.models import HumanTask, ProcessInstance
from engine.store.unit_of_work import VersionConflict, note_journalled
from engine.timers.hooks import after_tasks_synced


@dataclass
class CaseCommand:
    """One command on one case: what its journal entry records and what its writes need."""

    session: Session
    instance: ProcessInstance
    definition: CompiledDefinition
    actor: Actor
    at: datetime
    workflow: BpmnWorkflow
    task: HumanTask | None = None  # the human task the command completes (or tried to)
    data: dict[str, Any] | None = None  # the submitted data, the entry's payload "data"
    comment: str | None = None  # the opinion, or the reason of an administrative command
    extra: dict[str, Any] | None = None  # more payload: definition version, from_status, task_ordinal, …
    # False: the case has no event_subscriptions rows before this command (inserted by it, or its stored
    # workflow waited for nothing: every command writes the rows from the workflow it stores), so their
    # sync need not delete any; None: not known
    subscribed: bool | None = None


def load_task(session: Session, task_id: int, lock: bool = False) -> tuple[HumanTask | None, ProcessInstance | None]:
    """A human-task row and the case it belongs to, in one query.

    ``lock`` (PostgreSQL): lock the case row first, so that commands on one case queue instead of
    retrying on version conflicts, and both rows are read as of the lock.
    """
    if lock:
        session.execute(statements.lock_task_instance, {statements.P + "task_id": task_id})
    row = session.execute(statements.task_with_instance, {statements.P + "task_id": task_id}).first()
    return (row[0], row[1]) if row is not None else (None, None)


def insert_instance(session: Session, values: dict[str, Any]) -> ProcessInstance:
    """INSERT the case row with one Core statement and attach it to the session as a loaded object.

    (The ORM's flush of one new object costs several times the INSERT; the object is then what a
    query would have given: persistent, with ``values`` as its committed state.)
    """
    result = session.connection().execute(statements.instance_insert, values)
    instance = ProcessInstance(id=result.inserted_primary_key[0], **values)  # type: ignore[index]
    make_transient_to_detached(instance)
    session.add(instance)
    return instance


# Indexed text columns most commands hand on unchanged: SQLite rewrites the entries of every index on a column the
# UPDATE sets, changed or not (``status`` is in three indexes, ``case_title`` in two).
SKIPPED_WHEN_SAME = ("status", "case_title")


def update_instance(session: Session, instance: ProcessInstance, **values: Any) -> None:
    """Write ``values`` if nobody else wrote since we read (``version``), else VersionConflict.

    A column in :data:`SKIPPED_WHEN_SAME` whose new value is the one the row holds is left out of the SET
    (the row was read in this transaction, and every write of it goes through here).
    """
    _leave_out_same(instance, values)
    values["version"] = instance.version + 1
    _run_update(session, instance.id, values, instance.version)
    _written(instance, values)


def _leave_out_same(instance: ProcessInstance, values: dict[str, Any]) -> None:
    pending = inspect(instance).committed_state  # attributes changed on the object and not yet flushed
    for name in SKIPPED_WHEN_SAME:
        if name in values and name not in pending and _same_text(getattr(instance, name), values[name]):
            del values[name]


def _run_update(session: Session, instance_id: int, values: dict[str, Any], expected_version: int) -> None:
    stmt = statements.run_instance_update(tuple(sorted(values)), check_version=True)
    if stmt.run(session.connection(), statements.instance_params(instance_id, values, expected_version)) != 1:
        raise VersionConflict()


# session.info key: case id → the writes of record() held back by :func:`written_together`
HELD = "held_case_writes"


@dataclass
class _Held:
    instance: ProcessInstance
    version: int  # as read: the one UPDATE checks it
    values: dict[str, Any] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def written_together(command: CaseCommand) -> Iterator[None]:
    """Every :func:`record` on the command's case inside is written on leaving, as one case UPDATE (the last
    value of each column, the last journal head, the version as many times raised as there were records) and
    one INSERT of all the journal entries, in order: a completion that pauses the clock or journals a 抄送
    saves an UPDATE and an INSERT each. The entries and the final row are those the records would have
    written one by one; the loaded case object shows each record's values at once, as before.

    Only around work that reads the case row and its journal through that object, never with SQL (task
    rows, time limits, subscriptions, copies): what runs after it (linked cases, events to other cases)
    goes after the block. Nothing is written if the block raises (the transaction rolls back anyway).
    """
    session, instance = command.session, command.instance
    held: dict[int, _Held] = session.info.setdefault(HELD, {})
    if instance.id in held:  # already inside one for this case
        yield
        return
    mine = held[instance.id] = _Held(instance, instance.version)
    try:
        yield
    finally:
        del held[instance.id]
    if mine.values:
        _run_update(session, instance.id, mine.values, mine.version)
    if mine.rows:
        statements.run_journal_insert.run(session.connection(), mine.rows)


def _same_text(old: Any, new: Any) -> bool:
    return (old is None and new is None) or (type(old) is str and type(new) is str and old == new)


def _written(instance: ProcessInstance, values: dict[str, Any]) -> None:
    """Mirror values just written by an UPDATE onto the loaded object without making it dirty
    (a plain setattr would make the session flush the same values, snapshot included, once more)."""
    for name, value in values.items():
        set_committed_value(instance, name, value)


def workflow_values(command: CaseCommand, status: str | None = None, state: CaseState | None = None,
                    directory: OrgDirectory | None = None) -> dict[str, Any]:
    """The case row's columns that follow from the command's workflow: snapshot, data, status, end event.

    ``state``: the workflow's case state if the caller already has it (a command's outcome).
    ``directory``: given by commands that may change the data, to refresh the case title.
    """
    definition = command.definition
    if state is None:
        state = runner.case_state(definition, command.workflow)
    title = ({"case_title": render_case_title(definition.case_title, state.data, directory)}
             if directory is not None else {})
    return title | {
        "snapshot": definition.codec.dumps(command.workflow),
        "data": state.data,
        "status": status or ("completed" if state.finished else "running"),
        "end_event": state.end_event,
        "updated_at": command.at,
    }


def held_commands(session: Session, instance_id: int) -> list[str]:
    """The commands of the journal entries :func:`written_together` still holds for the case (not yet in the
    table: a hook that asks the journal with SQL whether it already recorded something asks here too)."""
    held = session.info.get(HELD, {}).get(instance_id)
    return [row["command"] for row in held.rows] if held is not None else []


def record(command: CaseCommand, steps: list[Step], **values: Any) -> None:
    """Journal ``steps`` (the first is the command itself) and write ``values`` to the case row.

    The values, the journal head and the version go in one UPDATE (SQLite rewrites the whole
    row, snapshot included, on every UPDATE), then the journal entries, then a checkpoint when
    the journal crossed a multiple of :data:`engine.audit.checkpoints.EVERY`.
    """
    instance = command.instance
    rows, seq, head = journal_rows(command, steps)
    if rows:
        note_journalled(command.session, rows[0]["command"])
    seq_before = instance.journal_seq
    held = command.session.info.get(HELD, {}).get(instance.id)
    if held is not None and held.instance is instance:
        values |= {"journal_seq": seq, "journal_hash": head}
        _leave_out_same(instance, values)
        values["version"] = instance.version + 1
        held.values |= values
        held.rows += rows
        _written(instance, values)
    else:
        update_instance(command.session, instance, **values, journal_seq=seq, journal_hash=head)
        if rows:
            statements.run_journal_insert.run(command.session.connection(), rows)
    from engine.audit import checkpoints  # here: checkpoints replay, and replay's commands write through this module

    checkpoints.maybe_checkpoint(command.session, instance, seq_before)


def journal_rows(command: CaseCommand, steps: list[Step]) -> tuple[list[dict[str, Any]], int, str]:
    """The chained journal rows of ``steps`` (the first is the command), the new last seq and hash."""
    instance, actor, task = command.instance, command.actor, command.task
    seq, prev = instance.journal_seq, instance.journal_hash
    rows = []
    for index, step in enumerate(steps):
        is_command = index == 0
        payload: dict[str, Any] = {}
        if is_command and command.data is not None:
            payload["data"] = command.data
        if is_command and command.extra:
            payload.update(command.extra)
        if step.flows:
            payload["flows"] = step.flows
        if step.result:
            payload["result"] = step.result
        entry = Entry(
            command=step.command, at=command.at,
            actor=actor.username if is_command else None,
            actor_role=(task.role if task is not None else ",".join(sorted(actor.roles)) or None)
            if is_command else None,
            actor_org=actor.org_id if is_command else None,
            element_id=step.element_id, element_name=step.element_name, element_type=step.element_type,
            task_id=task.id if is_command and task is not None else None,
            payload=payload, comment=command.comment if is_command else None, state_hash=step.state_hash,
        )
        seq += 1
        digest = entry_hash(instance.id, seq, entry, prev)
        rows.append({
            "instance_id": instance.id, "seq": seq, "at": command.at, "command": entry.command,
            "actor": entry.actor, "actor_role": entry.actor_role, "actor_org": entry.actor_org,
            "element_id": entry.element_id, "element_name": entry.element_name,
            "element_type": entry.element_type, "task_id": entry.task_id, "payload": entry.payload,
            "comment": entry.comment, "state_hash": entry.state_hash, "prev_hash": prev, "hash": digest,
        })
        prev = digest
    return rows, seq, prev


def sync_tasks(command: CaseCommand, directory: OrgDirectory, ready_tasks: list[Task] | None = None) -> None:
    """Make the human-task rows match the workflow's ready user tasks (``ready_tasks`` if the caller has them).

    The command's task, if it has one, is closed as completed by the command's actor; other rows whose
    task is no longer ready are cancelled.
    """
    instance, definition, at, completed = command.instance, command.definition, command.at, command.task
    if ready_tasks is None:
        ready_tasks = runner.ready_user_tasks(command.workflow)
    ready = {str(t.id): t for t in ready_tasks}
    closed: list[dict[str, Any]] = []
    still_open: set[str] = set()
    conn = command.session.connection()
    # the open steps after the sync, as the time-limit hook would read them again (see open_steps_known)
    steps: list[tuple[int | None, str]] = []
    for row_id, spiff_id, element_id, kind in statements.run_ready_tasks.rows(
            conn, {statements.P + "instance_id": instance.id}):
        if completed is not None and row_id == completed.id:
            by = command.actor.username
            closed.append(_closing(row_id, "completed", at, by))
            _written_task(completed, {"state": "completed", "completed_at": at, "completed_by": by})
        elif spiff_id not in ready:
            closed.append(_closing(row_id, "cancelled", at, None))
        else:
            still_open.add(spiff_id)
            if kind == "task":
                steps.append((row_id, element_id))
    if closed:
        statements.run_close_task.run(conn, closed)
    new_rows = []
    for spiff_id, task in ready.items():
        if spiff_id in still_open:
            continue
        element = callees.element_of(definition, task)  # a called procedure's task has its own lane and name
        binding = callees.owner_binding(definition, task) if definition.calls else None
        new_rows.append({
            "instance_id": instance.id, "spiff_task_id": spiff_id, "element_id": element.id, "name": element.name,
            "role": element.lane,
            "org_id": directory.offered_at(element, task.data, instance.org_id, instance.subject_org,
                                           instance.developer_org),
            "state": "ready", "created_at": at, "completed_at": None, "completed_by": None,
            "previous_task_id": completed.id if completed is not None else None,
            "definition_id": binding.definition_id if binding is not None else None,
        })
    if new_rows:
        statements.run_task_insert.run(conn, new_rows)
    steps += [(None, row["element_id"]) for row in new_rows]  # kind "task"; ids above every row read
    known: dict[int, list[tuple[int | None, str]]] = command.session.info.setdefault(OPEN_STEPS, {})
    session = command.session
    # task rows changed on ORM objects and not yet flushed: a hook's ORM query would flush them before the
    # hook read the rows again, so it reads them again
    if not any(isinstance(obj, HumanTask) for obj in (*session.new, *session.dirty)):
        known[instance.id] = steps
    try:
        after_tasks_synced(command.session, instance, definition, command.workflow, at)  # timer rows, time limits
    finally:
        known.pop(instance.id, None)
    sync_subscriptions(command.session, instance, definition, command.workflow, directory, at,
                       clear=command.subscribed is not False)


# session.info key: case id → its open steps (kind "task") in id order, a row just inserted with id None;
# present only while the after-sync hooks of :func:`sync_tasks` run
OPEN_STEPS = "open_steps_after_sync"


def open_steps_known(session: Session, instance_id: int) -> list[tuple[int | None, str]] | None:
    """The case's ready ``kind = 'task'`` rows as (id, element id) in id order, when :func:`sync_tasks` has just
    written them (inside its after-sync hooks): what a SELECT of them would give, without the ids of the rows it
    inserted (None there; they come after every other). None when not known.

    The rows were read and written by the sync in this transaction with nothing in between (the hooks write
    timers, deadlines, the registry and the directory, never task rows); new rows take ids above the ones read
    (SQLite: the largest rowid + 1; PostgreSQL: a sequence, and the case is locked by the command).
    """
    return session.info.get(OPEN_STEPS, {}).get(instance_id)


def _closing(row_id: int, state: str, at: datetime, by: str | None) -> dict[str, Any]:
    p = statements.P
    return {p + "id": row_id, p + "state": state, p + "completed_at": at, p + "completed_by": by}


def _written_task(task: HumanTask, values: dict[str, Any]) -> None:
    for name, value in values.items():
        set_committed_value(task, name, value)
