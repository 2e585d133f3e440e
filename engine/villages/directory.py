"""Changing the directory: the journalled ``village_convert`` command, and its check by verify.

When a command leaves a 撤村建居 case converted (its script step set ``village_conversion_status``),
the same transaction journals ``village_convert`` by the system — its payload is the change — and
applies it: each village gets ``converted_into`` (the community), ``converted_on`` (the approval
date) and ``converted_by`` (the case); a new community (一村/多村建一社区) is inserted under the
lead village's street with ``established_by``. Pickers and start forms stop offering converted
villages (engine/forms/org_fields.py). A village another case converted meanwhile is left as it
is and named in the payload (``already_converted``). Verify compares the rows with the entry.
A procedure opts in with the process property ``villageConversion`` = ``convert``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.definitions.compile import CompiledDefinition
from engine.definitions.process_properties import process_property
from engine.directory.additions import new_org_id
from engine.errors import Conflict
from engine.identity.actors import SYSTEM
from engine.runtime import runner
from engine.store.case_store import CaseCommand, held_commands, record
from engine.store.models import JournalEntry, Organisation, ProcessInstance
from engine.timers import hooks
from engine.villages.conversion import COMMAND, ConversionInvalid, derive, is_converted

PROPERTY = "villageConversion"


def converts_villages(definition: CompiledDefinition) -> bool:
    return process_property(definition, PROPERTY) == "convert"


def _plan(session: Session, instance: ProcessInstance, change: dict[str, Any]) -> dict[str, Any]:
    rows = {v: session.get(Organisation, v) for v in change["villages"]}
    missing = [v for v, row in rows.items() if row is None or row.level != "village"]
    if missing:
        raise Conflict(f"撤村建居无法完成：{'、'.join(missing)} 不是目录中的行政村")
    already = [v for v, row in rows.items() if row is not None and row.converted_into is not None]
    lead = rows[change["villages"][0]]
    assert lead is not None
    if change["community"] is not None:
        target = session.get(Organisation, change["community"])
        if target is None or target.level != "community":
            raise Conflict("撤村建居无法完成：并入的社区不在组织目录中")
        community, created, parent = target.id, False, target.parent_id
    else:
        community, created, parent = new_org_id(session, instance), True, lead.parent_id
    return {"conversion": change, "community": community, "created": created, "parent": parent,
            "name": _listed_name(lead, change["community_name"]) if created else None,
            "already_converted": already}


def _listed_name(lead: Organisation, name: str) -> str:
    """The new community's name as the directory names its units: where the lead village is listed with its
    street in front (甲街道东村), so is the community (甲街道东南社区)."""
    for separator in ("街道", "镇"):
        head, found, _ = lead.name.partition(separator)
        if found:
            prefix = head + found
            return name if name.startswith(prefix) else (prefix + name)[:200]
    return name


def convert_if_done(session: Session, instance: ProcessInstance, definition: CompiledDefinition,
                    workflow: BpmnWorkflow, at: datetime) -> None:
    """After any command on such a case: journal and apply its conversion, once, when it was reached."""
    state = runner.case_state(definition, workflow)
    if not is_converted(state.data):
        return
    if COMMAND in held_commands(session, instance.id) or session.scalar(select(JournalEntry.seq).where(
            JournalEntry.instance_id == instance.id, JournalEntry.command == COMMAND)) is not None:
        return
    try:
        change = derive(state.data)
    except ConversionInvalid as exc:
        raise Conflict(f"撤村建居无法完成：{exc}") from exc
    payload = _plan(session, instance, change)
    command = CaseCommand(session, instance, definition, SYSTEM, at, workflow, extra=payload)
    record(command, runner.mark(definition, workflow, COMMAND))
    day = date.fromisoformat(change["converted_on"])
    if payload["created"]:
        session.add(Organisation(id=payload["community"], name=payload["name"], level="community",
                                 parent_id=payload["parent"], established_by=instance.id))
        session.flush()
    for village in change["villages"]:
        if village in payload["already_converted"]:
            continue
        row = session.get(Organisation, village)
        assert row is not None
        row.converted_into, row.converted_on, row.converted_by = payload["community"], day, instance.id
    session.flush()


def check_rows(session: Session, instance: ProcessInstance, entries: list[JournalEntry]) -> str | None:
    """Verify: the directory holds exactly the change the case's journal made, as it made it."""
    journalled = [e for e in entries if e.command == COMMAND]
    rows = list(session.scalars(select(Organisation).where(
        or_(Organisation.converted_by == instance.id, Organisation.established_by == instance.id))))
    if not journalled and not rows:
        return None
    if len(journalled) != 1:
        return f"组织目录中有本办件撤村建居的变更，日志的撤村记录却有 {len(journalled)} 条"
    entry = journalled[0]
    payload = entry.payload or {}
    change = payload.get("conversion") or {}
    expected_villages = {v for v in change.get("villages") or [] if v not in (payload.get("already_converted") or [])}
    converted = {r.id: r for r in rows if r.converted_by == instance.id}
    established = [r for r in rows if r.established_by == instance.id]
    if set(converted) != expected_villages or any(
            r.converted_into != payload.get("community") or r.converted_on is None
            or r.converted_on.isoformat() != change.get("converted_on") for r in converted.values()):
        return f"组织目录中本办件撤销的村与日志第 {entry.seq} 条的撤村记录不符"
    if payload.get("created"):
        if len(established) != 1 or established[0].id != payload.get("community") \
                or established[0].name != payload.get("name") or established[0].level != "community" \
                or established[0].parent_id != payload.get("parent"):
            return f"组织目录中本办件设立的社区与日志第 {entry.seq} 条的撤村记录不符"
    elif established:
        return f"日志第 {entry.seq} 条的撤村记录没有设立社区，组织目录中却有本办件设立的社区"
    return None


hooks.register(converts_villages, convert_if_done)
