"""What must hold for every case after any mix of requests, races and crashes.

* the journal is a gap-free hash chain from the genesis hash, and the case row
  points at its last entry;
* the last entry's state hash is the state of the stored snapshot;
* the ready task rows are exactly the snapshot's ready user tasks, none twice;
* each completed task row was completed by exactly one journalled ``complete``
  command (or the signing command naming it as ``completed_task_id``), and no
  successful ``complete`` entry names a task that is not completed (nothing
  lost, nothing duplicated); signers' rows open only on ready steps.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit.journal import GENESIS_HASH, Entry, entry_hash
from engine.definitions.registry import DefinitionRegistry
from engine.runtime import runner
from engine.store.models import HumanTask, JournalEntry, ProcessInstance


@dataclass
class CaseFacts:
    status: str
    version: int
    journal_seq: int
    ready_elements: list[str]


def _entry(row: JournalEntry) -> Entry:
    return Entry(command=row.command, at=row.at, actor=row.actor, actor_role=row.actor_role,
                 actor_org=row.actor_org, element_id=row.element_id, element_name=row.element_name,
                 element_type=row.element_type, task_id=row.task_id, payload=row.payload,
                 comment=row.comment, state_hash=row.state_hash)


def check_case(session: Session, registry: DefinitionRegistry, instance_id: int) -> CaseFacts:
    """Assert every invariant of one case; return a few facts for the caller's own checks."""
    instance = session.get(ProcessInstance, instance_id)
    assert instance is not None, f"case {instance_id} missing"
    rows = list(session.scalars(select(JournalEntry).where(JournalEntry.instance_id == instance_id)
                                .order_by(JournalEntry.seq)))
    prev = GENESIS_HASH
    for expected_seq, row in enumerate(rows, start=1):
        assert row.seq == expected_seq, f"case {instance_id}: journal gap at {expected_seq}"
        assert row.prev_hash == prev, f"case {instance_id}: chain broken at seq {row.seq}"
        assert entry_hash(instance_id, row.seq, _entry(row), prev) == row.hash, \
            f"case {instance_id}: entry {row.seq} does not match its hash"
        prev = row.hash
    assert rows, f"case {instance_id} has no journal"
    assert (instance.journal_seq, instance.journal_hash) == (len(rows), prev), \
        f"case {instance_id}: case row does not point at the last journal entry"

    definition = registry.compiled(session, instance.definition_id)
    workflow = definition.codec.loads(instance.snapshot)
    if instance.status != "completed":
        # (A completed case's last entry is hashed before SpiffWorkflow marks the workflow
        # finished, so its state_hash shows finished=False.)
        assert runner.case_state(definition, workflow).digest() == rows[-1].state_hash, \
            f"case {instance_id}: snapshot is not the state the journal ends in"

    tasks = list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id)))
    ready_rows = [t for t in tasks if t.state == "ready" and t.kind == "task"]  # (signers' rows share the step)
    duplicates = [k for k, n in Counter(t.spiff_task_id for t in ready_rows).items() if n > 1]
    assert not duplicates, f"case {instance_id}: duplicated ready task rows {duplicates}"
    snapshot_ready = {str(t.id) for t in runner.ready_user_tasks(workflow)}
    if instance.status in ("running", "error", "suspended"):
        assert {t.spiff_task_id for t in ready_rows} == snapshot_ready, \
            f"case {instance_id}: task rows do not match the snapshot's ready tasks"
        assert {t.spiff_task_id for t in tasks if t.state == "ready" and t.kind == "sign"} <= snapshot_ready, \
            f"case {instance_id}: a signer's row is open on a step that is not"
    else:
        assert not ready_rows, f"case {instance_id}: {instance.status} case still has ready task rows"

    completions = Counter(r.task_id for r in rows if r.command == "complete" and r.task_id is not None
                          and "error" not in (r.payload.get("result") or {}))
    # a step completed by the signing round's last command (加签: sign, submit, remove_signer)
    completions.update(r.payload["completed_task_id"] for r in rows if "completed_task_id" in (r.payload or {}))
    assert all(n == 1 for n in completions.values()), f"case {instance_id}: a task completed twice {completions}"
    completed_rows = {t.id for t in tasks if t.state == "completed"}
    assert set(completions) == completed_rows, \
        f"case {instance_id}: completed task rows {sorted(completed_rows)} vs journal {sorted(completions)}"
    return CaseFacts(instance.status, instance.version, instance.journal_seq,
                     sorted(t.element_id for t in ready_rows))


def check_all_cases(session: Session, registry: DefinitionRegistry) -> dict[int, CaseFacts]:
    ids = list(session.scalars(select(ProcessInstance.id).order_by(ProcessInstance.id)))
    return {i: check_case(session, registry, i) for i in ids}


def counts(session: Session) -> dict[str, Any]:
    """Row counts, to show that a rejected request wrote nothing."""
    return {
        "instances": len(list(session.scalars(select(ProcessInstance.id)))),
        "journal": len(list(session.scalars(select(JournalEntry.seq)))),
        "tasks": len(list(session.scalars(select(HumanTask.id)))),
    }
