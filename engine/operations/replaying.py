"""Replay of the operation commands: each re-runs the same change on the workflow as the live command.

The live commands (:mod:`~engine.operations.returns`, :mod:`~engine.operations.assignment`,
:mod:`~engine.operations.signers`) check people and rules against the database, then call
an ``apply_*`` function with the values they journal; replay calls the same function with
the journalled values, so the steps, their state hashes and the holders on the tree come
out the same. Registered by importing this module (``engine.audit.replay`` does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from SpiffWorkflow.task import Task

from engine.audit.replay import EntryLike, ReplayContext, ReplayMismatch, replay_completing, replays
from engine.operations import assignment, returns, signers, state
from engine.runtime import runner


def _ready(ctx: ReplayContext, entry: EntryLike) -> Task:
    workflow = ctx.require_workflow(entry)
    ordinal = entry.payload.get("task_ordinal", 0)
    task = state.find_ready(workflow, entry.element_id, ordinal if isinstance(ordinal, int) else -1)
    if task is None:
        raise ReplayMismatch(entry.seq, f"重放时任务 {entry.element_id} 不是待办状态")
    return task


def _data(entry: EntryLike) -> dict[str, Any]:
    return dict(entry.payload.get("data") or {})


@replays("return")
def _return(ctx: ReplayContext, entry: EntryLike) -> None:
    task = _ready(ctx, entry)
    returns.apply_return(ctx.definition, ctx.require_workflow(entry), task, entry.payload["target_element_id"],
                         entry.payload.get("assignee"))


@replays("withdraw")
def _withdraw(ctx: ReplayContext, entry: EntryLike) -> None:
    returns.apply_withdraw(ctx.definition, ctx.require_workflow(entry), entry.element_id or "",
                           int(entry.payload.get("completed_ordinal", 0)), _actor(entry))


@replays("jump")
def _jump(ctx: ReplayContext, entry: EntryLike) -> None:
    payload = entry.payload
    returns.apply_jump(ctx.definition, ctx.require_workflow(entry), payload["direction"],
                       payload["from_element_id"], int(payload["from_ordinal"]), payload["target_element_id"])


@replays("transfer")
def _transfer(ctx: ReplayContext, entry: EntryLike) -> None:
    assignment.apply_transfer(ctx.definition, ctx.require_workflow(entry), _ready(ctx, entry),
                              entry.payload["to_user"])


@replays("delegate")
def _delegate(ctx: ReplayContext, entry: EntryLike) -> None:
    assignment.apply_delegate(ctx.definition, ctx.require_workflow(entry), _ready(ctx, entry),
                              entry.payload["to_user"], _actor(entry))


@replays("resolve")
def _resolve(ctx: ReplayContext, entry: EntryLike) -> None:
    assignment.apply_resolve(ctx.definition, ctx.require_workflow(entry), _ready(ctx, entry), _actor(entry),
                             _data(entry), getattr(entry, "comment", None))


@replays("add_signers")
def _add_signers(ctx: ReplayContext, entry: EntryLike) -> None:
    task = _ready(ctx, entry)
    holding = state.read(task)
    by = holding.signing.by if holding.signing is not None else _actor(entry)
    signers.apply_add_signers(ctx.definition, ctx.require_workflow(entry), task, list(entry.payload["users"]),
                              entry.payload["mode"], float(entry.payload["ratio"]), by)


@replays("sign")
def _sign(ctx: ReplayContext, entry: EntryLike) -> None:
    _completing(ctx, entry, lambda task: signers.apply_sign(ctx.definition, ctx.require_workflow(entry), task,
                                                            _actor(entry), bool(entry.payload["agree"])))


@replays("remove_signer")
def _remove_signer(ctx: ReplayContext, entry: EntryLike) -> None:
    _completing(ctx, entry, lambda task: signers.apply_remove_signer(ctx.definition, ctx.require_workflow(entry),
                                                                     task, entry.payload["user"]))


@replays("submit")
def _submit(ctx: ReplayContext, entry: EntryLike) -> None:
    _completing(ctx, entry, lambda task: signers.apply_submit(ctx.definition, ctx.require_workflow(entry), task,
                                                              _actor(entry), _data(entry),
                                                              getattr(entry, "comment", None)))


@replays("cc")
def _cc(ctx: ReplayContext, entry: EntryLike) -> None:
    runner.mark(ctx.definition, ctx.require_workflow(entry), "cc")


@replays("urge")
def _urge(ctx: ReplayContext, entry: EntryLike) -> None:
    runner.mark(ctx.definition, ctx.require_workflow(entry), "urge")


# -- helpers ---------------------------------------------------------------------------------------


def _actor(entry: EntryLike) -> str:
    actor = getattr(entry, "actor", None)
    if not actor:
        raise ReplayMismatch(entry.seq, f"命令 {entry.command} 没有记录办理人")
    return str(actor)


def _completing(ctx: ReplayContext, entry: EntryLike, apply: Callable[[Task], Any]) -> None:
    """A command that may complete the step, replayed as a completion is (a journalled failure fails again)."""
    replay_completing(ctx, entry, _ready(ctx, entry), apply)
