"""Replay of ``access_list_enter``: the entry is derived again from the replayed case and must match."""

from __future__ import annotations

from datetime import date

from engine.access_list.entries import COMMAND, derive, is_entered
from engine.audit.journal import canonical_json
from engine.audit.replay import EntryLike, ReplayContext, ReplayMismatch, replays
from engine.runtime import runner


@replays(COMMAND)
def _access_list_enter(ctx: ReplayContext, entry: EntryLike) -> None:
    workflow = ctx.require_workflow(entry)
    data = runner.case_state(ctx.definition, workflow).data
    recorded = dict(entry.payload.get("entry") or {})
    if not is_entered(data):
        raise ReplayMismatch(entry.seq, "重放时办件尚未批准，不应纳入准入清单")
    try:
        approved_on = date.fromisoformat(str(recorded.get("approved_on")))
    except ValueError as exc:
        raise ReplayMismatch(entry.seq, "准入清单纳入记录缺少批准日期") from exc
    if canonical_json(derive(data, approved_on)) != canonical_json(recorded):
        raise ReplayMismatch(entry.seq, "准入清单纳入记录与办件数据不符")
    runner.mark(ctx.definition, workflow, COMMAND)
