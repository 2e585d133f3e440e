"""退回 (return), 撤回 (withdraw) and 跳转 (jump): the case's token moves, by :mod:`engine.runtime.moves`.

- 退回: the holder sends the case back to a completed user task upstream on the live
  path (the model may restrict the targets: ``returnTargets``); it opens again with all
  of the case's data, for the clerk who completed it, who is told 被退回 with the opinion.
  Open tasks in sibling branches below the target are cancelled.
- 撤回: the clerk who completed a step takes it back while nothing that step led to has
  been touched (no command on a later step in the journal) and none of its tokens was
  absorbed by a join another branch fired.
- 跳转 (admins, with a reason): back to a completed ancestor of a live task, or forward
  to a later user task reachable without passing a parallel or inclusive gateway.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.definitions.compile import CompiledDefinition
from engine.errors import Conflict, Forbidden, Problem, ValidationFailed
from engine.operations import people, policy, state
from engine.operations.base import Command
from engine.operations.state import Holding
from engine.runtime import moves, runner
from engine.runtime.runner import Outcome
from engine.store.models import HumanTask, JournalEntry

# commands that leave the steps a completion led to untouched (a later one of any other kind touches them)
UNTOUCHING = frozenset({"engine_step", "loop_reset", "cc", "urge", "attach", "suspend", "resume"})


class MoveRefused(Exception):
    """The journal asks for a move the workflow cannot make (replay reports it as a mismatch)."""


# -- on the workflow (live and in replay) ------------------------------------------------------


def apply_return(definition: CompiledDefinition, workflow: BpmnWorkflow, task: Task, target_element_id: str,
                 assignee: str | None) -> Outcome:
    target = moves.nearest_ancestor(task, target_element_id)
    if target is None:
        raise MoveRefused(f"环节 {target_element_id} 不在当前环节之前的办理路径上")
    outcome = moves.reset_to(definition, workflow, target, "return", named=task)
    if assignee and target.has_state(TaskState.READY):
        state.write(target, Holding(assignee=assignee))
    return outcome


def apply_withdraw(definition: CompiledDefinition, workflow: BpmnWorkflow, element_id: str, ordinal: int,
                   user: str) -> Outcome:
    occurrences = moves.completed_occurrences(workflow, element_id)
    if not 0 <= ordinal < len(occurrences):
        raise MoveRefused(f"环节 {element_id} 没有可撤回的办理记录")
    target = occurrences[ordinal]
    outcome = moves.reset_to(definition, workflow, target, "withdraw")
    if target.has_state(TaskState.READY):
        state.write(target, Holding(assignee=user))
    return outcome


def apply_jump(definition: CompiledDefinition, workflow: BpmnWorkflow, direction: str, from_element_id: str,
               from_ordinal: int, target_element_id: str) -> Outcome:
    source = state.find_ready(workflow, from_element_id, from_ordinal)
    if source is None:
        raise MoveRefused(f"环节 {from_element_id} 不是待办状态")
    if direction == "back":
        target = moves.nearest_ancestor(source, target_element_id)
        if target is None:
            raise MoveRefused(f"环节 {target_element_id} 不在环节 {from_element_id} 之前")
        return moves.reset_to(definition, workflow, target, "jump", result={"moved_from": from_element_id})
    return moves.move_forward(definition, workflow, source, target_element_id, "jump")


# -- 退回 ------------------------------------------------------------------------------------------


def return_targets(definition: CompiledDefinition, task: Task) -> list[Task]:
    """The completed upstream user tasks 退回 may go to, nearest first (the model may restrict them)."""
    candidates = moves.completed_user_ancestors(task)
    allowed = policy.return_targets(definition, runner.bpmn_id(task) or "")
    return [t for t in candidates if allowed is None or runner.bpmn_id(t) in allowed]


def _former_handler(cmd: Command, target: Task) -> str | None:
    """Who completed the target step (the returned step goes back to them), if still an active user."""
    completed_by = cmd.session.scalar(
        select(HumanTask.completed_by).where(HumanTask.instance_id == cmd.instance.id,
                                             HumanTask.spiff_task_id == str(target.id),
                                             HumanTask.kind == "task", HumanTask.state == "completed")
        .order_by(HumanTask.id.desc()).limit(1))
    if completed_by and people.active_users(cmd.session, cmd.directory, [completed_by]):
        return str(completed_by)
    return None


def return_task(cmd: Command, target_element_id: str, comment: str | None) -> None:
    assert cmd.row is not None and cmd.task is not None
    policy.require_running(cmd.instance, "return")
    holding = cmd.holding
    policy.require_holder(cmd.actor, cmd.row, "return", holding)
    policy.require_model_allows(cmd.definition, cmd.row.element_id, "return")
    targets = {runner.bpmn_id(t): t for t in return_targets(cmd.definition, cmd.task)}
    target = targets.get(target_element_id)
    if target is None:
        element = cmd.definition.elements.get(target_element_id)
        if element is None or element.type != "userTask":
            raise ValidationFailed("退回的目标环节不存在", [Problem("target_element_id", "不是该流程的用户任务")])
        allowed = policy.return_targets(cmd.definition, cmd.row.element_id)
        if allowed is not None and target_element_id not in allowed:
            raise Forbidden(f"流程模型不允许从环节「{cmd.row.name}」退回到「{element.name}」（returnTargets）")
        raise Conflict(f"不能退回到「{element.name}」：该环节不在本环节之前已办理的路径上")
    # a multi-instance step runs again for every item of its input: each instance goes to its unit's
    # pool as the first round's did; those who handled the first round are told
    multi = moves.multi_instance_spec(target) is not None
    assignee = None if multi else _former_handler(cmd, target)
    former = _former_instance_handlers(cmd, target) if multi else []
    extra = cmd.ordinal() | {"target_element_id": target_element_id, "assignee": assignee}
    outcome = apply_return(cmd.definition, cmd.workflow, cmd.task, target_element_id, assignee)
    spiff_id = str(target.id)
    if assignee:
        cmd.notify([assignee], "returned", spiff_id)
    if former:
        cmd.notify(former, "returned")
    if holding.signing is not None:  # the return ends the signing round: its signers' parts are cancelled
        cmd.notify(holding.sign_users, "withdrawn")
    note = {"origin": "returned", "by": cmd.actor.username, "by_name": cmd.actor.display_name,
            "from": cmd.row.name, "comment": comment}
    reopened = [str(t.id) for t in outcome.ready if runner.bpmn_id(t) == target_element_id] if multi else [spiff_id]
    cmd.record(outcome, comment, extra, closing={cmd.row.id: ("returned", cmd.actor.username)},
               notes={task_id: note for task_id in reopened})


def _former_instance_handlers(cmd: Command, target: Task) -> list[str]:
    """Who completed the instances of the multi-instance step ``target`` (still active users)."""
    instances = [str(t.id) for t in target.children if moves.is_user_task(t)]
    done = cmd.session.scalars(select(HumanTask.completed_by).where(
        HumanTask.instance_id == cmd.instance.id, HumanTask.spiff_task_id.in_(instances),
        HumanTask.kind == "task", HumanTask.state == "completed"))
    users = sorted({u for u in done if u})
    return sorted(people.active_users(cmd.session, cmd.directory, users)) if users else []


# -- 撤回 ------------------------------------------------------------------------------------------


def withdraw_refusal(cmd: Command, row: HumanTask) -> str | None:
    """Why the step ``row`` (completed by the caller) cannot be withdrawn now, or None."""
    if row.kind != "task" or row.state != "completed" or row.completed_by != cmd.actor.username:
        return "只能撤回本人办理完毕的环节"
    if cmd.instance.status != "running":
        return f"办件当前状态为{policy.status_label(cmd.instance.status)}，不能撤回"
    if not policy.model_allows(cmd.definition, row.element_id, "withdraw"):
        return f"流程模型不允许撤回环节「{row.name}」（allowedOperations）"
    target = _completed_task(cmd.workflow, row.spiff_task_id)
    if target is None:
        return "该环节办理后流程已回退或重新开始，不能撤回"
    done_at = cmd.session.scalar(select(JournalEntry.seq).where(
        JournalEntry.instance_id == cmd.instance.id, JournalEntry.task_id == row.id,
        JournalEntry.command == "complete").order_by(JournalEntry.seq.desc()).limit(1))
    if done_at is None:
        return "该环节不是经办理完成的，不能撤回"
    later = cmd.session.scalars(select(JournalEntry.task_id).where(
        JournalEntry.instance_id == cmd.instance.id, JournalEntry.seq > done_at,
        JournalEntry.command.not_in(UNTOUCHING)))
    for task_id in later:
        if task_id is None or _touches(cmd, task_id, target):
            return "下一环节已有人办理，不能撤回"
    if any(t.has_state(TaskState.CANCELLED) for t in target):
        return "该环节已与其他分支汇合并继续办理，不能撤回"
    return None


def _completed_task(workflow: BpmnWorkflow, spiff_task_id: str) -> Task | None:
    try:
        task = workflow.get_task_from_id(UUID(spiff_task_id))
    except (TaskNotFoundException, ValueError):
        return None
    return task if task.has_state(TaskState.COMPLETED) else None


def _touches(cmd: Command, task_id: int, target: Task) -> bool:
    """Whether a later command on row ``task_id`` was on a step the target's completion led to."""
    spiff_id = cmd.session.scalar(select(HumanTask.spiff_task_id).where(HumanTask.id == task_id))
    try:
        later = cmd.workflow.get_task_from_id(UUID(spiff_id or ""))
    except (TaskNotFoundException, ValueError):
        return True  # gone from the tree: it was below the target, or the tree moved since
    if later is target or later.is_descendant_of(target):
        return True
    # one instance of a multi-instance step leads on through the step itself, not through its own subtree;
    # the step's other instances are siblings, not steps it led to
    step = target.parent
    if step is None or moves.multi_instance_spec(target) is not step.task_spec:
        return False
    if later.parent is step and later.task_spec is target.task_spec:
        return False
    return later.is_descendant_of(step)


def withdraw(cmd: Command, comment: str | None) -> None:
    row = cmd.row
    assert row is not None
    reason = withdraw_refusal(cmd, row)
    if reason is not None:
        raise (Forbidden(reason) if reason.startswith(("只能", "流程模型")) else Conflict(reason))
    target = _completed_task(cmd.workflow, row.spiff_task_id)
    assert target is not None
    occurrences = moves.completed_occurrences(cmd.workflow, row.element_id)
    ordinal = occurrences.index(target)
    next_holders = [r.assignee for r in _open_below(cmd, target) if r.assignee]
    outcome = apply_withdraw(cmd.definition, cmd.workflow, row.element_id, ordinal, cmd.actor.username)
    cmd.notify(next_holders, "withdrawn")
    spiff_id = str(target.id)
    cmd.record(outcome, comment, {"completed_ordinal": ordinal},
               notes={spiff_id: {"origin": "withdrawn", "by": cmd.actor.username, "by_name": cmd.actor.display_name,
                                 "comment": comment}})


def _open_below(cmd: Command, target: Task) -> list[HumanTask]:
    below = {str(t.id) for t in target if t is not target}
    return [r for r in cmd.session.scalars(select(HumanTask).where(HumanTask.instance_id == cmd.instance.id,
                                                                  HumanTask.state == "ready"))
            if r.spiff_task_id in below]


# -- 跳转 ------------------------------------------------------------------------------------------


def plan_jump(definition: CompiledDefinition, workflow: BpmnWorkflow, target_element_id: str) -> dict[str, Any]:
    """Where a jump to ``target_element_id`` starts: ``{"direction", "from_element_id", "from_ordinal"}``."""
    element = definition.elements.get(target_element_id)
    if element is None or element.type != "userTask":
        raise ValidationFailed("跳转的目标环节不存在", [Problem("target_element_id", "不是该流程的用户任务")])
    ready = runner.ready_user_tasks(workflow)
    if any(runner.bpmn_id(t) == target_element_id for t in ready):
        raise Conflict(f"办件已在环节「{element.name}」")
    for task in ready:
        if moves.nearest_ancestor(task, target_element_id) is not None:
            return {"direction": "back", "from_element_id": runner.bpmn_id(task),
                    "from_ordinal": state.ordinal(workflow, task)}
    sources = [t for t in ready if moves.forward_path_exists(definition, runner.bpmn_id(t) or "", target_element_id)]
    if len(sources) == 1:
        refusal = moves.entry_refusal(workflow, target_element_id)
        if refusal is not None:
            raise Conflict(f"不能跳转到「{element.name}」：{refusal}")
        return {"direction": "forward", "from_element_id": runner.bpmn_id(sources[0]),
                "from_ordinal": state.ordinal(workflow, sources[0])}
    if len(sources) > 1:
        raise Conflict(f"有多个当前环节都可到达「{element.name}」，无法确定跳转哪一个")
    raise Conflict(f"不能跳转到「{element.name}」：它既不在当前环节之前已办理的路径上，"
                   f"也不能不经并行（包容）网关从当前环节到达，跳转会使汇聚无法满足")


def jump(cmd: Command, target_element_id: str, reason: str) -> None:
    if not cmd.actor.is_admin:
        raise Forbidden("只有管理员可以跳转办件环节")
    policy.require_running(cmd.instance, "jump")
    plan = plan_jump(cmd.definition, cmd.workflow, target_element_id)
    outcome = apply_jump(cmd.definition, cmd.workflow, plan["direction"], plan["from_element_id"],
                         plan["from_ordinal"], target_element_id)
    cmd.record(outcome, reason, plan | {"target_element_id": target_element_id},
               notes={str(t.id): {"origin": "jumped", "by": cmd.actor.username, "by_name": cmd.actor.display_name,
                                  "comment": reason}
                      for t in outcome.ready if runner.bpmn_id(t) == target_element_id})
