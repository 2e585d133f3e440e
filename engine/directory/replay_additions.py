"""Replay of ``directory_add``: the organisation is derived again from the replayed case and must match."""

from __future__ import annotations

from engine.audit.journal import canonical_json
from engine.audit.replay import EntryLike, ReplayContext, ReplayMismatch, replays
from engine.directory.additions import COMMAND, derive, requested
from engine.runtime import runner


@replays(COMMAND)
def _directory_add(ctx: ReplayContext, entry: EntryLike) -> None:
    workflow = ctx.require_workflow(entry)
    recorded = dict(entry.payload.get("organisation") or {})
    variable = str(entry.payload.get("variable") or "")
    request = requested(runner.case_state(ctx.definition, workflow).data, variable)
    if request is None:
        raise ReplayMismatch(entry.seq, "重放时办件没有要求新设社区，不应纳入组织名录")
    if not recorded.get("id") or not recorded.get("parent_id"):
        raise ReplayMismatch(entry.seq, "组织名录纳入记录缺少单位编号或上级单位")
    if canonical_json(derive(request, recorded["id"], recorded["parent_id"])) != canonical_json(recorded):
        raise ReplayMismatch(entry.seq, "组织名录纳入记录与办件数据不符")
    runner.mark(ctx.definition, workflow, COMMAND)
