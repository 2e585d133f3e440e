"""A community a case establishes comes into the organisation directory: the ``directory_add`` command.

A procedure opts in with the process property ``directoryAdd`` naming a data variable. When a
command leaves that variable holding an object with a ``name`` (社区居委会设立 sets it for a split-off
area once the new committee is elected, sealed and filed), the same transaction journals
``directory_add`` by the system — its payload is the organisation — inserts the ``organisations`` row
below the case's street office and a ``directory_additions`` row naming the journal entry. It
happens once per case. Replay derives the organisation again from the replayed data and the
recorded parent (engine/directory/replay_additions.py); verify compares the rows with the entry.

An organisation added this way is a unit like any seeded one: pickers offer it, lanes of level
``community`` are offered at it once users are given roles there.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit.journal import canonical_json
from engine.definitions.compile import CompiledDefinition
from engine.definitions.process_properties import process_property
from engine.identity.actors import SYSTEM
from engine.runtime import runner
from engine.store.case_store import CaseCommand, record
from engine.store.models import DirectoryAddition, JournalEntry, Organisation, ProcessInstance
from engine.timers import hooks

COMMAND = "directory_add"
PROPERTY = "directoryAdd"
LEVEL = "community"


def variable_of(definition: CompiledDefinition) -> str | None:
    value = (process_property(definition, PROPERTY) or "").strip()
    return value or None


def requested(data: dict[str, Any], variable: str) -> dict[str, Any] | None:
    value = data.get(variable)
    if isinstance(value, dict) and isinstance(value.get("name"), str) and value["name"].strip():
        return value
    return None


def new_org_id(session: Session, instance: ProcessInstance) -> str:
    """``community_c<case id>`` (the shape 撤村建居 gives the communities it creates), made unique if taken."""
    base = f"community_c{instance.id}"
    candidate, n = base, 1
    while session.get(Organisation, candidate) is not None:
        n += 1
        candidate = f"{base}_{n}"
    return candidate


def derive(request: dict[str, Any], org_id: str, parent_id: str) -> dict[str, Any]:
    """The organisation (JSON-ready) a case's request adds below ``parent_id``."""
    return {"id": org_id, "name": request["name"].strip()[:200], "level": LEVEL, "parent_id": parent_id}


def add_if_established(session: Session, instance: ProcessInstance, definition: CompiledDefinition,
                       workflow: BpmnWorkflow, at: datetime) -> None:
    variable = variable_of(definition)
    if variable is None:
        return
    request = requested(runner.case_state(definition, workflow).data, variable)
    if request is None:
        return
    if session.scalar(select(DirectoryAddition.id).where(DirectoryAddition.instance_id == instance.id)) is not None:
        return
    org = derive(request, new_org_id(session, instance), instance.org_id)
    command = CaseCommand(session, instance, definition, SYSTEM, at, workflow,
                          extra={"organisation": org, "variable": variable})
    record(command, runner.mark(definition, workflow, COMMAND))
    session.add(Organisation(**org))
    session.flush()
    session.add(DirectoryAddition(instance_id=instance.id, journal_seq=instance.journal_seq, org_id=org["id"],
                                  created_at=at))
    session.flush()


def check_rows(session: Session, instance: ProcessInstance, entries: list[JournalEntry]) -> str | None:
    """Verify: the directory holds exactly the organisations the case's journal added, as it added them."""
    journalled = [e for e in entries if e.command == COMMAND]
    rows = list(session.scalars(select(DirectoryAddition).where(DirectoryAddition.instance_id == instance.id)))
    if not journalled and not rows:
        return None
    if len(journalled) != 1 or len(rows) != 1:
        return f"组织名录中本办件新设的单位（{len(rows)} 个）与日志的纳入记录（{len(journalled)} 条）不符"
    entry, row = journalled[0], rows[0]
    recorded = (entry.payload or {}).get("organisation") or {}
    org = session.get(Organisation, row.org_id)
    actual = {"id": org.id, "name": org.name, "level": org.level, "parent_id": org.parent_id} if org else None
    if row.journal_seq != entry.seq or actual is None or canonical_json(actual) != canonical_json(recorded):
        return f"组织名录中的新设社区 {row.org_id} 与日志第 {entry.seq} 条的纳入记录不符"
    return None


hooks.register(lambda definition: variable_of(definition) is not None, add_if_established)
