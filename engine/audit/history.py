"""What auditors read: a case's journal (JSON, CSV), the case as it stood after any entry,
and the verification of the whole history.

Access: whoever may see the case (:meth:`engine.read.queries.Queries.visible_instance`); auditors see all.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.audit import checkpoints
from engine.audit.journal import iso_utc
from engine.audit.replay import ReplayMismatch
from engine.audit.seals import Seals
from engine.audit.verify import Verdict, check_chain, keep_seal, read_entries, verify_instance
from engine.definitions.registry import DefinitionRegistry
from engine.errors import Conflict, NotFound
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.read.people import display_names, org_name, role_name, with_actor_names
from engine.read.queries import Queries
from engine.runtime import callees, runner
from engine.store.models import JournalEntry
from engine.store.unit_of_work import UnitOfWork

COLUMNS = ("seq", "at", "command", "actor", "actor_role", "actor_org", "element_id", "element_name",
           "element_type", "task_id", "payload", "comment", "state_hash", "prev_hash", "hash")
CSV_HEADERS = ("序号", "时间", "命令", "办理人", "角色", "单位", "环节ID", "环节名称", "环节类型", "任务ID",
               "数据", "意见", "状态哈希", "前一条哈希", "本条哈希")


def entry_view(row: JournalEntry) -> dict[str, Any]:
    view = {name: getattr(row, name) for name in COLUMNS}
    view["at"] = iso_utc(row.at)
    view["payload"] = row.payload or {}
    return view


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with ' (CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def history_csv(rows: list[JournalEntry]) -> str:
    """UTF-8 with a byte-order mark, so that Excel shows the Chinese right."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for row in rows:
        view = entry_view(row)
        view["payload"] = json.dumps(view["payload"], ensure_ascii=False, sort_keys=True)
        writer.writerow([_cell(view[name]) for name in COLUMNS])
    return out.getvalue()


class HistoryService:
    def __init__(self, registry: DefinitionRegistry, queries: Queries,
                 directory_loader: Callable[[Session], OrgDirectory] = OrgDirectory.load,
                 seals: Seals | None = None) -> None:
        self.registry = registry
        self.queries = queries
        self._directory = directory_loader
        self.seals = seals

    def entries(self, session: Session, actor: Actor, instance_id: int, limit: int | None = None,
                offset: int = 0) -> tuple[list[JournalEntry], int]:
        self.queries.visible_instance(session, actor, instance_id)
        total = session.scalar(select(func.count()).select_from(JournalEntry)
                               .where(JournalEntry.instance_id == instance_id)) or 0
        stmt = select(JournalEntry).where(JournalEntry.instance_id == instance_id).order_by(JournalEntry.seq)
        if offset:
            stmt = stmt.offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        return list(session.scalars(stmt)), total

    def verify(self, session: Session, actor: Actor, instance_id: int, full: bool = False) -> Verdict:
        instance = self.queries.visible_instance(session, actor, instance_id)
        return verify_instance(session, self.registry, instance, self.seals, full)

    def keep_seal(self, uow: UnitOfWork, verdict: Verdict) -> Verdict:
        """After :meth:`verify`'s read: store the seal of what it proved (engine/audit/seals.py)."""
        keep_seal(uow, self.seals, verdict)
        return verdict

    def state_at(self, session: Session, actor: Actor, instance_id: int, seq: int) -> dict[str, Any]:
        """The case as it stood right after entry ``seq``, rebuilt by replaying the journal up to it."""
        instance = self.queries.visible_instance(session, actor, instance_id)
        entries = read_entries(session, instance_id, up_to=seq)
        if not entries or entries[-1].seq != seq:
            raise NotFound(f"办件 {instance_id} 没有第 {seq} 条日志")
        definition = self.registry.compiled(session, instance.definition_id)
        try:
            ctx, from_checkpoint = checkpoints.replay_to(session, instance_id, definition, entries)
            broken = check_chain(instance_id, entries, skip=from_checkpoint)
        except ReplayMismatch as mismatch:
            broken = check_chain(instance_id, entries) or mismatch
        if broken is not None:
            raise Conflict(f"办件历史第 {broken.seq} 条校验失败：{broken.reason}")
        workflow = ctx.workflow
        assert workflow is not None
        state = runner.case_state(definition, workflow)
        directory = self._directory(session)
        open_tasks = []
        for task in runner.ready_user_tasks(workflow):
            element = callees.element_of(definition, task)
            org = directory.offered_at(element, task.data, instance.org_id, instance.subject_org,
                                       instance.developer_org)
            open_tasks.append({
                "element_id": element.id, "name": element.name, "role": element.lane, "org": org,
                "role_name": role_name(directory, element.lane), "org_name": org_name(directory, org),
            })
        flows = [flow for row in entries for flow in (row.payload or {}).get("flows", [])]
        return {
            "seq": seq,
            "entry": with_actor_names(entry_view(entries[-1]), directory,
                                      display_names(session, [entries[-1].actor])),
            "status": ctx.current_status(),
            "completed": list(dict.fromkeys(state.completed)),
            "active": state.active,
            "flows_taken": list(dict.fromkeys(flows)),
            "data": state.data,
            "finished": state.finished,
            "end_event": state.end_event,
            "open_tasks": open_tasks,
            "state_hash": state.digest(),
        }
