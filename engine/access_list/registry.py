"""Writing the access list: the journalled ``access_list_enter`` command, and its check by verify.

When a command leaves a 社区事务准入 case approved (its script step set ``access_list_status``),
the same transaction journals ``access_list_enter`` by the system — its payload is the entry —
and inserts the registry row naming that journal entry. Replay re-derives the payload from the
replayed data (engine/access_list/replay_entries.py); verify compares the row with the entry.
A procedure opts in with the process property ``accessList`` = ``enter``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from engine.access_list.entries import COMMAND, approval_day, derive, is_entered
from engine.audit.journal import canonical_json
from engine.definitions.compile import CompiledDefinition
from engine.definitions.process_properties import process_property
from engine.identity.actors import SYSTEM
from engine.runtime import runner
from engine.store.case_store import CaseCommand, record
from engine.store.models import AccessListEntry, JournalEntry, Organisation, ProcessInstance
from engine.store.statements import Prebuilt
from engine.timers import hooks

PROPERTY = "accessList"
_DATES = ("meeting_date", "approved_on", "valid_from", "valid_until")


def enters_list(definition: CompiledDefinition) -> bool:
    return process_property(definition, PROPERTY) == "enter"


# built once: a unit's level and parent (district_of walks up with it)
_LEVEL_AND_PARENT = Prebuilt(select(Organisation.level, Organisation.parent_id)
                             .where(Organisation.id == bindparam("org_id")))


def district_of(session: Session, org_id: str) -> str:
    """The district above (or at) ``org_id``: the leadership group that approves items is the district's.

    Read with one Core statement per level (an ORM ``get`` per level cost ≈ 0.15 ms each: the objects
    leave the identity map between calls), unless the session holds organisations loaded or added by
    this command, which may not be flushed yet: then through those objects as before."""
    orm = any(isinstance(obj, Organisation) for obj in (*session.identity_map.values(), *session.new))
    current: str | None = org_id
    seen: set[str] = set()
    while current is not None and current not in seen:
        seen.add(current)
        if orm:
            row = session.get(Organisation, current)
            found = (row.level, row.parent_id) if row is not None else None
        else:
            rows = _LEVEL_AND_PARENT.rows(session.connection(), {"org_id": current})
            found = (rows[0][0], rows[0][1]) if rows else None
        if found is None:
            break
        if found[0] == "district":
            return current
        current = found[1]
    return org_id


def _entry_no(instance: ProcessInstance) -> str:
    return f"QD-{instance.business_key or instance.id}"


# built once: every command on such a case asks it once the case is approved
_ENTRY_OF = Prebuilt(select(AccessListEntry.id).where(AccessListEntry.instance_id == bindparam("instance_id")))
_INSERT = Prebuilt(insert(AccessListEntry))


def enter_if_approved(session: Session, instance: ProcessInstance, definition: CompiledDefinition,
                      workflow: BpmnWorkflow, at: datetime) -> None:
    """After any command on such a case: journal and insert its entry, once, when it was approved."""
    data = runner.case_data(workflow)  # the data of case_state without the rest of its walk
    if not is_entered(data):
        return
    if _ENTRY_OF.rows(session.connection(), {"instance_id": instance.id}):
        return
    fields = derive(data, approval_day(at))
    entry_no, district = _entry_no(instance), district_of(session, instance.org_id)
    command = CaseCommand(session, instance, definition, SYSTEM, at, workflow,
                          extra={"entry": fields, "entry_no": entry_no, "district_org": district})
    record(command, runner.mark(definition, workflow, COMMAND))
    _INSERT.run(session.connection(), {"instance_id": instance.id, "journal_seq": instance.journal_seq,
                                       "entry_no": entry_no, "district_org": district, "created_at": at,
                                       **_columns(fields)})


def _columns(fields: dict[str, Any]) -> dict[str, Any]:
    values = dict(fields)
    for name in _DATES:
        values[name] = date.fromisoformat(values[name]) if values.get(name) else None
    values["meeting_no"] = values.get("meeting_no") or None
    values["meeting_quarter"] = values.get("meeting_quarter") or None
    return values


def row_fields(row: AccessListEntry) -> dict[str, Any]:
    """A row as the journal payload's ``entry`` says it."""
    from engine.access_list.entries import COPIED

    fields: dict[str, Any] = {name: getattr(row, name) for name in COPIED}
    fields["funding_amount"] = row.funding_amount
    for name in _DATES:
        value = getattr(row, name)
        fields[name] = value.isoformat() if value is not None else None
    return fields


def check_rows(session: Session, instance: ProcessInstance, entries: list[JournalEntry]) -> str | None:
    """Verify: the registry holds exactly the entries the case's journal entered, as it entered them."""
    journalled = [e for e in entries if e.command == COMMAND]
    rows = list(session.scalars(select(AccessListEntry).where(AccessListEntry.instance_id == instance.id)))
    if not journalled and not rows:
        return None
    if len(journalled) != 1 or len(rows) != 1:
        return f"准入清单中本办件的条目（{len(rows)} 条）与日志的纳入记录（{len(journalled)} 条）不符"
    entry, row = journalled[0], rows[0]
    payload = entry.payload or {}
    if row.journal_seq != entry.seq or row.entry_no != payload.get("entry_no") \
            or row.district_org != payload.get("district_org") \
            or canonical_json(row_fields(row)) != canonical_json(payload.get("entry") or {}):
        return f"准入清单条目 {row.entry_no} 与日志第 {entry.seq} 条的纳入记录不符"
    return None


hooks.register(enters_list, enter_if_approved)
