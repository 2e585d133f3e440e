"""A case's full history as JSON lines, and its verification offline, without the database.

The first line describes the case and carries its definition version (BPMN and
forms, exactly as deployed); every further line is one journal entry. An auditor
holding only this file can re-check the hash chain and re-execute the journal
(``python -m engine.cli verify-export FILE``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit.history import entry_view
from engine.audit.replay import ReplayMismatch, replay
from engine.audit.verify import Verdict, check_chain, check_head, load_entries
from engine.definitions.compile import CompiledDefinition, compile_definition
from engine.errors import NotFound
from engine.runtime import callees
from engine.store.models import ProcessDefinition, ProcessInstance, Role

FORMAT = "shequ-bpm/history/1"


def history_jsonl(session: Session, instance_id: int) -> Iterator[str]:
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound(f"办件 {instance_id} 不存在")
    definition = session.get(ProcessDefinition, instance.definition_id)
    assert definition is not None
    head = {
        "format": FORMAT, "instance_id": instance.id, "business_key": instance.business_key,
        "status": instance.status, "org": instance.org_id, "subject_org": instance.subject_org,
        "developer_org": instance.developer_org, "journal_seq": instance.journal_seq,
        "journal_hash": instance.journal_hash,
        "definition": {"key": definition.key, "version": definition.version, "name": definition.name,
                       "content_hash": definition.content_hash, "bpmn_xml": definition.bpmn_xml,
                       "forms": definition.forms, **({"decisions": definition.decisions}
                                                     if definition.decisions else {})},
        "roles": sorted(session.scalars(select(Role.id))),
    }
    called = _called_versions(session, instance_id)
    if called:  # the procedures its call activities ran, so the file replays on its own
        head["callees"] = called
    yield json.dumps(head, ensure_ascii=False, sort_keys=True)
    for row in load_entries(session, instance_id):
        yield json.dumps(entry_view(row), ensure_ascii=False, sort_keys=True)


@dataclass
class ExportedEntry:
    """An entry read back from an export: the attributes replay and the chain check read."""

    seq: int
    at: datetime
    command: str
    actor: str | None
    actor_role: str | None
    actor_org: str | None
    element_id: str | None
    element_name: str | None
    element_type: str | None
    task_id: int | None
    payload: dict[str, Any]
    comment: str | None
    state_hash: str
    prev_hash: str
    hash: str


def _version_doc(row: ProcessDefinition) -> dict[str, Any]:
    doc = {"key": row.key, "version": row.version, "name": row.name, "content_hash": row.content_hash,
           "bpmn_xml": row.bpmn_xml, "forms": row.forms}
    if row.decisions:
        doc["decisions"] = row.decisions
    return doc


def _called_versions(session: Session, instance_id: int) -> dict[str, Any]:
    ids = {int((e.payload or {}).get("result", {}).get("definition_id", 0))
           for e in load_entries(session, instance_id) if e.command == "call"}
    found: dict[str, Any] = {}
    for definition_id in sorted(ids):
        row = session.get(ProcessDefinition, definition_id)
        if row is not None:
            found[str(definition_id)] = _version_doc(row)
    return found


def _compile_doc(doc: dict[str, Any], roles: set[str]) -> CompiledDefinition:
    forms = {name: json.dumps(form, ensure_ascii=False, sort_keys=True).encode()
             for name, form in doc["forms"].items()}
    decisions = {name: text.encode("utf-8") for name, text in (doc.get("decisions") or {}).items()}
    return compile_definition(doc["bpmn_xml"].encode(), forms, roles, decisions)


def verify_export(lines: Iterable[str]) -> Verdict:
    """Hash chain, journal head and replay of an exported history (no snapshot: it is not exported)."""
    rows = [json.loads(line) for line in lines if line.strip()]
    if not rows or rows[0].get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} export")
    head, body = rows[0], rows[1:]
    entries = [ExportedEntry(**{**row, "at": datetime.fromisoformat(row["at"])}) for row in body]
    recorded = SimpleNamespace(journal_seq=head["journal_seq"], journal_hash=head["journal_hash"])
    problem = check_chain(head["instance_id"], entries) or check_head(recorded, entries)  # type: ignore[arg-type]
    if problem is not None:
        return Verdict(False, len(entries), problem.seq, problem.reason)
    roles = set(head["roles"])
    definition = _compile_doc(head["definition"], roles)
    called = {int(i): doc for i, doc in (head.get("callees") or {}).items()}

    def load_called(definition_id: int, content_hash: str) -> CompiledDefinition:
        doc = called.get(definition_id)
        if doc is None or doc["content_hash"] != content_hash:
            raise ReplayMismatch(0, f"导出文件缺少被调用的流程版本 {definition_id}")
        return _compile_doc(doc, roles)

    try:
        with callees.loading(load_called):
            replay(definition, entries)
    except ReplayMismatch as mismatch:
        return Verdict(False, len(entries), mismatch.seq, mismatch.reason)
    return Verdict(True, len(entries))
