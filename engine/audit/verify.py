"""Proving a case's history: hash chain, replay from the start, and the stored head and snapshot.

:func:`verify_instance` answers whether the journal is intact (every entry's hash
recomputes and links to the previous one, seqs run 1, 2, … without gaps), whether
re-executing its commands against the case's definition version reproduces every
entry, and whether the instance row (journal head, snapshot, data, status, open
tasks) is what that replay ends in. Nothing here trusts a copy of a state that a command
stored; with a seal key configured, the replay of entries an earlier verification already
proved may start from that verification's own keyed seal (engine/audit/seals.py), unless
``full`` is asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from typing import Any

from sqlalchemy import Text, cast, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.access_list.registry import check_rows as check_access_list
from engine.audit.journal import GENESIS_HASH, Entry, canonical_json, iso_utc, sha256_text
from engine.audit.replay import ReplayMismatch, replay
from engine.audit.seals import PendingSeal, Seals
from engine.definitions.compile import CompiledDefinition
from engine.definitions.registry import DefinitionRegistry
from engine.directory.additions import check_rows as check_directory
from engine.grid.verify import check_link as check_grid_log
from engine.limits.verify_limits import check_deadlines
from engine.operations import audit as operations_audit
from engine.runtime import runner
from engine.store.faults import translate
from engine.store.models import HumanTask, JournalEntry, ProcessDefinition, ProcessInstance, Timer
from engine.store.unit_of_work import UnitOfWork
from engine.timers.arming import waiting_timers
from engine.villages.directory import check_rows as check_village_conversion


@dataclass
class Verdict:
    ok: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str | None = None
    sealed_through: int = 0  # entries not re-executed: an earlier verification's seal proved them
    pending_seal: PendingSeal | None = None  # to be kept by the caller, in a transaction of its own

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": self.ok, "entries": self.entries}
        if self.sealed_through:
            body["sealed_through"] = self.sealed_through
        if not self.ok:
            body["first_bad_seq"] = self.first_bad_seq
            body["reason"] = self.reason
        return body


def load_entries(session: Session, instance_id: int, up_to: int | None = None) -> list[JournalEntry]:
    stmt = select(JournalEntry).where(JournalEntry.instance_id == instance_id)
    if up_to is not None:
        stmt = stmt.where(JournalEntry.seq <= up_to)
    return list(session.scalars(stmt.order_by(JournalEntry.seq)))


_journal = JournalEntry.__table__


def read_entries(session: Session, instance_id: int, up_to: int | None = None) -> list[Any]:
    """:func:`load_entries` as read-only rows with the same columns: building ORM objects for a long
    journal cost a tenth of its verification."""
    stmt = select(_journal).where(_journal.c.instance_id == instance_id)
    if up_to is not None:
        stmt = stmt.where(_journal.c.seq <= up_to)
    return list(session.execute(stmt.order_by(_journal.c.seq)))


_STORED_COLUMNS = [column for column in _journal.c if column.name != "payload"]


class JournalRow(tuple):  # type: ignore[type-arg]
    """A journal row as verification reads it: the columns of :func:`read_entries`, but the payload kept as
    the JSON text the database holds and parsed the first time it is asked for. Entries an earlier
    verification proved (engine/audit/seals.py) are compared by their stored values and most are never
    parsed; parsing and the garbage collector it fed were half of a sealed verification."""

    @cached_property
    def payload(self) -> Any:
        text = self.payload_text
        return json.loads(text) if text is not None else None


for _index, _column in enumerate(_STORED_COLUMNS):
    setattr(JournalRow, _column.name, property(itemgetter(_index)))
JournalRow.payload_text = property(itemgetter(len(_STORED_COLUMNS)))  # type: ignore[attr-defined]
_VERIFY_SELECT = select(*_STORED_COLUMNS, cast(_journal.c.payload, Text).label("payload_text"))


def read_journal(session: Session, instance_id: int) -> list[JournalRow]:
    """Every entry of the case in seq order, as :class:`JournalRow`."""
    stmt = _VERIFY_SELECT.where(_journal.c.instance_id == instance_id).order_by(_journal.c.seq)
    return [JournalRow(row) for row in session.execute(stmt)]


def stored_entry(row: JournalEntry) -> Entry:
    return Entry(command=row.command, at=row.at, actor=row.actor, actor_role=row.actor_role,
                 actor_org=row.actor_org, element_id=row.element_id, element_name=row.element_name,
                 element_type=row.element_type, task_id=row.task_id, payload=row.payload or {},
                 comment=row.comment, state_hash=row.state_hash)


def _stored_hash(instance_id: int, row: Any, prev_hash: str) -> str:
    """``entry_hash(instance_id, row.seq, stored_entry(row), prev_hash)`` without building the Entry (the same
    body, key for key: tests/test_hash_pins.py and every chain check compare the two)."""
    return sha256_text(canonical_json({
        "instance_id": instance_id, "seq": row.seq, "at": iso_utc(row.at), "command": row.command,
        "actor": row.actor, "actor_role": row.actor_role, "actor_org": row.actor_org,
        "element_id": row.element_id, "element_name": row.element_name, "element_type": row.element_type,
        "task_id": row.task_id, "payload": row.payload or {}, "comment": row.comment,
        "state_hash": row.state_hash, "prev_hash": prev_hash,
    }))


def check_chain(instance_id: int, entries: list[JournalEntry], skip: int = 0) -> ReplayMismatch | None:
    """The first entry that is missing, out of place, edited or not linked to its predecessor.

    ``skip``: the first entries are trusted (already checked another way); the rest must link to them.
    """
    if skip and (skip > len(entries) or entries[skip - 1].seq != skip):
        skip = 0  # the trusted prefix is not the contiguous seq 1 … skip: check everything
    prev = entries[skip - 1].hash if skip else GENESIS_HASH
    for expected_seq, row in enumerate(entries[skip:], start=skip + 1):
        if row.seq != expected_seq:
            return ReplayMismatch(expected_seq, f"缺少第 {expected_seq} 条日志")
        if row.prev_hash != prev:
            return ReplayMismatch(row.seq, "与前一条日志的哈希链接断开（记录被删除、调换或篡改）")
        if _stored_hash(instance_id, row, prev) != row.hash:
            return ReplayMismatch(row.seq, "日志内容与其哈希不符（记录被篡改或调换）")
        prev = row.hash
    return None


def check_head(instance: Any, entries: list[JournalEntry]) -> ReplayMismatch | None:
    """The instance's record of its journal's last entry (``journal_seq``, ``journal_hash``) against the journal."""
    last_seq = entries[-1].seq if entries else 0
    last_hash = entries[-1].hash if entries else GENESIS_HASH
    if instance.journal_seq > last_seq:
        return ReplayMismatch(last_seq + 1, f"办件记录共有 {instance.journal_seq} 条日志，现仅存 {last_seq} 条")
    if instance.journal_seq < last_seq:
        extra = instance.journal_seq + 1
        return ReplayMismatch(extra, f"日志自第 {extra} 条起多出办件记录之外的记录")
    if instance.journal_hash != last_hash:
        return ReplayMismatch(last_seq, "办件记录的日志末条哈希与日志不符")
    return None


def _check_definition(session: Session, instance: ProcessInstance, entries: list[JournalEntry]) -> str | None:
    payload = entries[0].payload or {}
    if "definition_version" not in payload:
        return None  # journals written before the version was recorded
    row = session.get(ProcessDefinition, instance.definition_id)
    if row is None or (row.key, row.version) != (payload.get("definition_key"), payload.get("definition_version")):
        return "办件的流程定义版本与发起日志记录的不符"
    return None


def _check_instance(session: Session, instance: ProcessInstance, definition: CompiledDefinition,
                    workflow: Any, status: str | None) -> str | None:
    """Compare the instance row with the state replay ended in."""
    replayed = runner.case_state(definition, workflow)
    try:
        stored_workflow = definition.codec.loads(instance.snapshot)  # read once: the checks below only look
        stored = runner.case_state(definition, stored_workflow)
    except Exception:  # any corruption of the stored JSON
        return "办件快照无法读取"
    if stored.digest() != replayed.digest():
        return "办件快照与日志重放的结果不符"
    if canonical_json(instance.data) != canonical_json(replayed.data):
        return "办件数据与日志重放的结果不符"
    if status is not None and instance.status != status:
        return f"办件状态为 {instance.status}，日志重放的结果为 {status}"
    open_rows = sorted(session.scalars(select(HumanTask.element_id).where(HumanTask.instance_id == instance.id,
                                                                          HumanTask.state == "ready",
                                                                          HumanTask.kind == "task")))
    ready = sorted(runner.bpmn_id(t) or "" for t in runner.ready_user_tasks(workflow))
    if open_rows != ready:
        return f"待办任务 {open_rows} 与日志重放的结果 {ready} 不符"
    armed = sorted(session.scalars(select(Timer.element_id).where(Timer.instance_id == instance.id,
                                                                  Timer.kind == "event", Timer.state == "armed")))
    waiting = sorted(element for _, element in waiting_timers(workflow))
    if armed != waiting:
        return f"待触发的定时器 {armed} 与日志重放的结果 {waiting} 不符"
    return operations_audit.check_holders(session, instance, stored_workflow, workflow)


def verify_instance(session: Session, registry: DefinitionRegistry, instance: ProcessInstance,
                    seals: Seals | None = None, full: bool = False) -> Verdict:
    """The verdict on ``instance``. With ``seals`` (and not ``full``) the entries a valid seal proved are
    neither re-hashed nor re-executed; a successful verification carries the seal of its end in
    ``pending_seal``."""
    entries: list[Any] = read_journal(session, instance.id)
    count = len(entries)
    sealed = seals.proven(session, instance.id, entries) if seals is not None and not full else None
    problem = check_chain(instance.id, entries, skip=sealed.seq if sealed is not None else 0) \
        or check_head(instance, entries)
    if problem is not None:
        return Verdict(False, count, problem.seq, problem.reason)
    if not entries:
        return Verdict(False, 0, 1, "办件没有任何日志")
    reason = _check_definition(session, instance, entries)
    if reason is not None:
        return Verdict(False, count, 1, reason)
    definition = registry.compiled(session, instance.definition_id)
    start = Seals.resume(sealed, definition) if sealed is not None else None
    try:
        if start is None:
            result = replay(definition, entries)
        else:
            result = replay(definition, entries[start.seq:], context=start.context)
    except ReplayMismatch as mismatch:
        return Verdict(False, count, mismatch.seq, mismatch.reason)
    reason = (_check_instance(session, instance, definition, result.context.workflow, result.context.current_status())
              or check_deadlines(session, instance, definition, entries)
              or check_access_list(session, instance, entries)
              or check_village_conversion(session, instance, entries)
              or check_directory(session, instance, entries)
              or check_grid_log(session, instance, entries))
    if reason is not None:
        return Verdict(False, count, entries[-1].seq, reason)
    verdict = Verdict(True, count, sealed_through=start.seq if start is not None else 0)
    if seals is not None and (start is None or start.seq != count):
        verdict.pending_seal = seals.seal(instance.id, entries, definition, result.context)
    return verdict


def keep_seal(uow: UnitOfWork, seals: Seals | None, verdict: Verdict) -> None:
    """Store the seal a successful verification left (a lost race with another verifier keeps theirs)."""
    if seals is None or verdict.pending_seal is None:
        return
    pending, verdict.pending_seal = verdict.pending_seal, None
    # A seal only spares the next verification work: a lost race with another verifier (IntegrityError), a
    # busy database or a full disk must not turn the verdict just reached into an error.
    try:
        uow.write(lambda session: seals.keep(session, pending))
    except IntegrityError:
        pass
    except Exception as exc:
        if translate(exc) is None:
            raise


def verify_one(session: Session, registry: DefinitionRegistry, instance_id: int,
               seals: Seals | None = None, full: bool = False) -> Verdict | None:
    """The verdict on case ``instance_id``, or None if there is no such case."""
    instance = session.get(ProcessInstance, instance_id)
    return verify_instance(session, registry, instance, seals, full) if instance is not None else None


def verify_all(uow: UnitOfWork, registry: DefinitionRegistry, seals: Seals | None = None,
               full: bool = False) -> Iterator[tuple[int, str | None, Verdict]]:
    """Every case in the database: (id, business key, verdict), one read transaction per case."""
    ids = uow.read(lambda session: list(session.execute(
        select(ProcessInstance.id, ProcessInstance.business_key).order_by(ProcessInstance.id))))
    for instance_id, business_key in ids:
        verdict = uow.read(lambda session, case=instance_id: verify_one(session, registry, case, seals, full))
        if verdict is not None:
            keep_seal(uow, seals, verdict)
            yield instance_id, business_key, verdict
