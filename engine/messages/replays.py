"""Replay of the commands messages and signals cause: delivered to a waiting case, or starting one.

The entry names the element that caught the event and carries its payload, so
replay delivers the same payload to the same element; who sent it (another case,
an outside system) is recorded, not re-run. A delivery whose script failed must
fail again and change nothing, as a failed completion does.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.audit.replay import EntryLike, ReplayContext, ReplayMismatch, replays
from engine.messages import events
from engine.runtime import runner
from engine.runtime.runner import Step
from engine.sandbox.evaluator import SandboxError


def _name(entry: EntryLike, kind: str) -> str:
    name = (entry.payload or {}).get(kind)
    if not isinstance(name, str) or not entry.element_id:
        raise ReplayMismatch(entry.seq, f"日志记录的{'消息' if kind == 'message' else '信号'}缺少名称或元素")
    return name


def _deliver(ctx: ReplayContext, entry: EntryLike, kind: str) -> None:
    workflow = ctx.require_workflow(entry)
    name, payload = _name(entry, kind), (entry.payload or {}).get("data")
    recorded_error = ((entry.payload or {}).get("result") or {}).get("error")
    if recorded_error is None:
        events.deliver(ctx.definition, workflow, kind, name, entry.element_id or "", payload)
        ctx.settle_status()
        return
    saved = ctx.definition.codec.dumps(workflow)
    with runner.observe_steps(lambda step, workflow: None):
        try:
            events.deliver(ctx.definition, workflow, kind, name, entry.element_id or "", payload)
        except (SpiffWorkflowException, SandboxError) as exc:
            failure: str | None = runner.failure_message(exc)
        else:
            failure = None
    ctx.workflow = ctx.definition.codec.loads(saved)
    if failure is None:
        raise ReplayMismatch(entry.seq, "日志记录为送达出错，重放时却送达成功")
    ctx.status, ctx.error = "error", failure
    info = ctx.definition.elements.get(entry.element_id or "")
    ctx.emit(Step(entry.element_id, info.name if info else None, info.type if info else None, command=kind,
                  result={"error": failure}, state_hash=ctx.state_hash()), ctx.require_workflow(entry))


def _start(ctx: ReplayContext, entry: EntryLike, kind: str) -> None:
    if ctx.workflow is not None:
        raise ReplayMismatch(entry.seq, "办件被重复发起")
    payload: Any = (entry.payload or {}).get("data")
    ctx.workflow, _ = events.start_with(ctx.definition, kind, _name(entry, kind), entry.element_id or "", payload)
    ctx.settle_status()


@replays("message")
def _message(ctx: ReplayContext, entry: EntryLike) -> None:
    _deliver(ctx, entry, "message")


@replays("signal")
def _signal(ctx: ReplayContext, entry: EntryLike) -> None:
    _deliver(ctx, entry, "signal")


@replays("message_start")
def _message_start(ctx: ReplayContext, entry: EntryLike) -> None:
    _start(ctx, entry, "message")


@replays("signal_start")
def _signal_start(ctx: ReplayContext, entry: EntryLike) -> None:
    _start(ctx, entry, "signal")
