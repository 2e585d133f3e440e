"""Replay of ``village_convert``: the change is derived again from the replayed case and must match."""

from __future__ import annotations

from engine.audit.journal import canonical_json
from engine.audit.replay import EntryLike, ReplayContext, ReplayMismatch, replays
from engine.runtime import runner
from engine.villages.conversion import COMMAND, ConversionInvalid, derive, is_converted


@replays(COMMAND)
def _village_convert(ctx: ReplayContext, entry: EntryLike) -> None:
    workflow = ctx.require_workflow(entry)
    data = runner.case_state(ctx.definition, workflow).data
    if not is_converted(data):
        raise ReplayMismatch(entry.seq, "重放时办件尚未完成撤村建居，不应变更组织目录")
    try:
        change = derive(data)
    except ConversionInvalid as exc:
        raise ReplayMismatch(entry.seq, f"撤村记录无法由办件数据得出：{exc}") from exc
    if canonical_json(change) != canonical_json(entry.payload.get("conversion") or {}):
        raise ReplayMismatch(entry.seq, "撤村记录与办件数据不符")
    runner.mark(ctx.definition, workflow, COMMAND)
