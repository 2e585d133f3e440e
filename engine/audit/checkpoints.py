"""Replay checkpoints: bounded cost for showing a case as it stood after any journal entry.

Replaying a 1,000-entry history from the start takes a few hundred milliseconds.
So every command that carries the journal across a multiple of ``EVERY`` entries
also stores a copy of the case's snapshot in the same transaction
(:func:`engine.store.case_store.record`). To rebuild the state after entry *n*,
replay starts from the nearest checkpoint at or before *n* and re-executes at most
about ``EVERY`` entries. A checkpoint is a cache, not history: it is used only when
the entry it was taken after still has the same hash and the snapshot's state has
that entry's state hash; otherwise replay starts further back. Verification never
uses checkpoints.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit.replay import EntryLike, ReplayContext, replay
from engine.definitions.compile import CompiledDefinition
from engine.runtime import runner
from engine.store.models import JournalCheckpoint, ProcessInstance

EVERY = 25


def maybe_checkpoint(session: Session, instance: ProcessInstance, seq_before: int) -> None:
    """After a command appended entries ``seq_before + 1 … instance.journal_seq`` and saved its snapshot."""
    if instance.journal_seq // EVERY == seq_before // EVERY:
        return
    session.add(JournalCheckpoint(instance_id=instance.id, seq=instance.journal_seq,
                                  entry_hash=instance.journal_hash, snapshot=instance.snapshot,
                                  status=instance.status, error=instance.error))


def _usable(definition: CompiledDefinition, point: JournalCheckpoint,
            entries: Sequence[EntryLike]) -> ReplayContext | None:
    # a journal with a gap (an entry deleted behind the triggers' back) must not break the lookup
    entry = next((e for e in entries if e.seq == point.seq), None)
    if entry is None or entry.hash != point.entry_hash:
        return None
    try:
        workflow = definition.codec.loads(point.snapshot)
    except Exception:  # a damaged copy is simply not used
        return None
    if runner.case_state(definition, workflow).digest() != entry.state_hash:
        return None
    return ReplayContext(definition, workflow=workflow, status=point.status, error=point.error)


def replay_to(session: Session, instance_id: int, definition: CompiledDefinition,
              entries: Sequence[EntryLike]) -> tuple[ReplayContext, int]:
    """Replay ``entries`` (seq 1 … n, in order) and stop right after the last one.

    Returns the context and how many leading entries were taken from a checkpoint
    instead of being replayed (the caller checks the hash chain of the rest).
    """
    target = entries[-1].seq
    points = session.scalars(select(JournalCheckpoint)
                             .where(JournalCheckpoint.instance_id == instance_id, JournalCheckpoint.seq <= target)
                             .order_by(JournalCheckpoint.seq.desc()).limit(3))
    for point in points:
        context = _usable(definition, point, entries)
        if context is None:
            continue
        if point.seq == target:
            return context, point.seq
        return replay(definition, entries[point.seq:], stop_after=target, context=context).context, point.seq
    return replay(definition, entries, stop_after=target).context, 0
