"""What a user may do now: the operations offered on a task (and on a case), for the pages' buttons.

The same rules as the commands decide: the model (:mod:`~engine.operations.policy`),
who is asking, the state of the case and of the step. A command refused after all
(someone was quicker) answers 409 as usual.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import EngineError, NotFound
from engine.identity import access
from engine.identity.actors import Actor
from engine.operations import people, policy, returns, state, termination, urges
from engine.operations.base import Command, Env
from engine.operations.state import MODE_NAMES, Holding
from engine.read.queries import Queries
from engine.runtime import runner
from engine.store.models import HumanTask, ProcessInstance


def _command(env: Env, session: Session, actor: Actor, instance: ProcessInstance,
             row: HumanTask | None = None) -> Command:
    definition = env.registry.compiled(session, instance.definition_id)
    workflow = definition.codec.loads(instance.snapshot)
    cmd = Command(session, actor, env.clock.now(), instance, definition, workflow, env.directory(session), row)
    if row is not None and row.state == "ready":
        cmd.task = runner.ready_user_task(workflow, row.spiff_task_id)
    return cmd


def _passes(check: Any) -> bool:
    try:
        check()
    except EngineError:
        return False
    return True


def case_operations(env: Env, queries: Queries, session: Session, actor: Actor, instance_id: int) -> dict[str, Any]:
    instance = queries.visible_instance(session, actor, instance_id)
    cmd = _command(env, session, actor, instance)
    allowed = _case_allowed(cmd)
    body: dict[str, Any] = {"allowed": allowed, "withdrawable": _withdrawable(cmd)}
    if "cc" in allowed:
        body["cc_candidates"] = [p.as_dict() for p in people.copy_candidates(session, cmd.directory,
                                                                            {actor.username})]
    return body


def _withdrawable(cmd: Command) -> dict[str, Any] | None:
    """The caller's last completed step of the case when it may be withdrawn now (撤回, as on the task's own
    operations), else None: the case page offers it beside the case's operations."""
    last = cmd.session.scalars(select(HumanTask).where(
        HumanTask.instance_id == cmd.instance.id, HumanTask.completed_by == cmd.actor.username,
        HumanTask.state == "completed", HumanTask.kind == "task")
        .order_by(HumanTask.completed_at.desc(), HumanTask.id.desc()).limit(1)).first()
    if last is None or returns.withdraw_refusal(cmd, last) is not None:
        return None
    return {"task_id": last.id, "element_id": last.element_id, "name": last.name, "completed_at": last.completed_at}


def _case_allowed(cmd: Command) -> list[str]:
    allowed: list[str] = []
    running = cmd.instance.status == "running"
    if running:
        holders = people.holders_of(cmd.session, cmd.instance.id)
        if holders and urges.may_urge(cmd, [row.org_id for row, _ in holders]):
            allowed.append("urge")
        held = [r for r, _ in holders if r.kind == "task" and access.can_act(cmd.actor, r)
                and policy.model_allows(cmd.definition, r.element_id, "cc")]
        if held or cmd.actor.is_admin:
            allowed.append("cc")
    if cmd.instance.status not in ("completed", "terminated") and (
            cmd.actor.is_admin or _passes(lambda: termination.terminate_rule(cmd))):
        allowed.append("terminate")
    if running and cmd.actor.is_admin:
        allowed.append("jump")
    return allowed


def task_operations(env: Env, queries: Queries, session: Session, actor: Actor, task_id: int) -> dict[str, Any]:
    row = session.get(HumanTask, task_id)
    if row is None:
        raise NotFound(f"任务 {task_id} 不存在")
    instance = session.get(ProcessInstance, row.instance_id)
    if instance is None:
        raise NotFound(f"办件 {row.instance_id} 不存在")
    if not access.can_act(actor, row) and row.completed_by != actor.username:
        queries.visible_instance(session, actor, row.instance_id)
    cmd = _command(env, session, actor, instance, row)
    body: dict[str, Any] = {"allowed": [], "return_targets": [], "transfer_candidates": [], "signing": None}
    if row.state == "completed" and row.completed_by == actor.username and row.kind == "task":
        reason = returns.withdraw_refusal(cmd, row)
        if reason is None:
            body["allowed"].append("withdraw")
        else:
            body["withdraw_refusal"] = reason
        return body
    if cmd.task is None or row.state != "ready":
        return body
    holding = state.read(cmd.task)
    body["signing"] = _signing_view(session, holding)
    if row.kind != "task" or instance.status != "running" or not access.can_act(actor, row):
        return body
    offered = policy.task_operations(cmd.definition, row.element_id)
    allowed: list[str] = body["allowed"]
    signing = holding.signing
    if signing is not None and signing.by == actor.username and signing.pending and "remove-signer" in offered:
        allowed.append("remove-signer")
    if holding.delegated_by is not None or holding.held:
        return body
    targets = returns.return_targets(cmd.definition, cmd.task) if "return" in offered else []
    if targets:
        allowed.append("return")
        body["return_targets"] = [{"element_id": runner.bpmn_id(t),
                                   "name": cmd.definition.elements[runner.bpmn_id(t) or ""].name} for t in targets]
    candidates = people.candidates(session, cmd.directory, cmd.definition, instance, row, {actor.username})
    if candidates:
        if signing is None:
            allowed += [op for op in ("transfer", "delegate") if op in offered]
        if "add-signers" in offered:
            allowed.append("add-signers")
        body["transfer_candidates"] = [p.as_dict() for p in candidates]
    if "cc" in offered:
        allowed.append("cc")
        body["cc_candidates"] = [p.as_dict() for p in people.copy_candidates(session, cmd.directory,
                                                                            {actor.username})]
    if "terminate" in offered or _passes(lambda: termination.terminate_rule(cmd)) or actor.is_admin:
        allowed.append("terminate")
    order = list(policy.NAMES)
    body["allowed"] = sorted(dict.fromkeys(allowed), key=order.index)
    return body


def _signing_view(session: Session, holding: Holding) -> dict[str, Any] | None:
    signing = holding.signing
    if signing is None:
        return None
    names = people.display_names(session, {s.user for s in signing.signers} | {signing.by})
    return {
        "mode": signing.mode, "mode_name": MODE_NAMES[signing.mode], "ratio": signing.ratio, "by": signing.by,
        "by_name": names.get(signing.by, signing.by), "submitted": signing.submitted is not None,
        "signers": [{"username": s.user, "display_name": names.get(s.user, s.user), "state": s.state}
                    for s in signing.signers],
    }
