"""Recently used case workflows kept in memory between commands, checked against the stored snapshot.

Reading a snapshot (``SnapshotCodec.loads``) is a good part of a completion. A command that
wrote a case's snapshot leaves the workflow it serialised here once its transaction has
committed; the next completion of the case in this process takes it instead of restoring the
snapshot — but only if the case row, read inside that command's own transaction (SQLite's
``BEGIN IMMEDIATE``, PostgreSQL's ``FOR UPDATE``), still holds exactly the text the workflow was
serialised to. Any other writer (another process, another engine on the same database, the
timer worker, an administrative command) that moved the case wrote another snapshot, and the
entry is not used. A workflow whose serialisation is that text restores to the same workflow
(tests/test_snapshot_codec.py), and replay runs commands on one workflow in memory just so.

Only plain snapshots are kept (no subprocess, no called procedure, no pending event, no typed
value): what reading them gives is the JSON itself. An entry is taken out while a command uses
it (the command changes it; a command that fails or rolls back leaves nothing behind), and put
back only after a commit.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy.orm import Session

from engine.store.unit_of_work import after_commit

if TYPE_CHECKING:
    from engine.definitions.compile import CompiledDefinition
    from engine.store.models import ProcessInstance

MAX_ENTRIES = 256
_TYPENAME = '"typename"'


@dataclass
class _Entry:
    snapshot: str
    workflow: BpmnWorkflow
    definition: CompiledDefinition


class WorkflowCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def take(self, instance: ProcessInstance, definition: CompiledDefinition) -> BpmnWorkflow:
        """The case's workflow as its stored snapshot gives it: the kept one if it was serialised to exactly
        that snapshot, else the snapshot restored."""
        with self._lock:
            entry = self._entries.pop(instance.id, None)
        if entry is not None and entry.definition is definition and entry.snapshot == instance.snapshot:
            self.hits += 1
            return entry.workflow
        self.misses += 1
        return definition.codec.loads(instance.snapshot)

    def keep_after_commit(self, session: Session, instance: ProcessInstance, definition: CompiledDefinition,
                          workflow: BpmnWorkflow) -> None:
        """Keep ``workflow`` once the transaction commits, if the case row then holds the snapshot it was just
        serialised to (a later write of the command replacing it leaves nothing)."""
        if instance.status != "running" or definition.calls or not _plain(workflow, instance.snapshot):
            return
        snapshot = instance.snapshot

        def keep() -> None:
            if instance.snapshot is snapshot and instance.status == "running":
                self._put(instance.id, _Entry(snapshot, workflow, definition))

        after_commit(session, keep)

    def _put(self, instance_id: int, entry: _Entry) -> None:
        with self._lock:
            self._entries[instance_id] = entry
            self._entries.move_to_end(instance_id)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _plain(workflow: BpmnWorkflow, snapshot: Any) -> bool:
    return (isinstance(snapshot, str) and not workflow.subprocesses and not workflow.bpmn_events
            and snapshot.count(_TYPENAME) == len(workflow.tasks) + 1)

