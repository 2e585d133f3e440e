"""Replay of ``timer_fired``: the timer the entry names, on the task waiting for it, fired again."""

from __future__ import annotations

from engine.audit.replay import EntryLike, ReplayContext, ReplayMismatch, replays
from engine.runtime import runner
from engine.timers import arming, events


@replays("timer_fired")
def _timer_fired(ctx: ReplayContext, entry: EntryLike) -> None:
    workflow = ctx.require_workflow(entry)
    element_id = entry.element_id or ""
    ordinal = entry.payload.get("task_ordinal", 0)
    task = arming.find_waiting(workflow, element_id, ordinal if isinstance(ordinal, int) else -1)
    if task is None:
        raise ReplayMismatch(entry.seq, f"重放时定时事件 {element_id} 并未在等待")
    last = bool(entry.payload.get("last"))
    runner.fire_event(ctx.definition, workflow, task, element_id,
                      lambda t: events.mark_fired(t, element_id, last))
    events.clear_marks(task)
    ctx.settle_status()
