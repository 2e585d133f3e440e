"""Approval operations on a task and on a case. Every answer after an operation is the case's new state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_smorest import Blueprint

from ..context import current_actor, engine
from ..idempotency import idempotent
from ..openapi import errors
from ..operation_schemas import (
    AddSignersSchema,
    CaseOperationsSchema,
    CopySchemaIn,
    HandOverSchema,
    JumpSchema,
    RemoveSignerSchema,
    ReturnSchema,
    TaskOperationsSchema,
    UrgeSchema,
    WithdrawSchema,
)
from ..schemas import InstanceSchema

blp = Blueprint("operations", __name__, description="审批操作：退回、撤回、转办、委派、加签、抄送、催办、终止、跳转")

S403 = "无权执行该操作（message 说明依据的规则：流程模型、角色或办理人）"
S409 = "办件或任务的当前状态不允许该操作（message 说明原因），或已被他人抢先办理"


def _case(instance_id: int) -> dict[str, Any]:
    return engine().views.case(current_actor(), instance_id)


def _operation(rule: str, schema: type, *codes: int, **texts: str) -> Callable[[Callable[..., Any]], Any]:
    """One POST operation: its body schema, the case's new state as the answer, its error codes, replays
    under an Idempotency-Key (the decorators every operation route has, in their order)."""
    texts = {"s403": S403, "s409": S409} | texts
    stack = [blp.route(rule, methods=["POST"]), blp.arguments(schema), blp.response(200, InstanceSchema),
             errors(blp, *(codes or (403, 404, 409, 422)), **texts), idempotent(blp)]

    def wrap(view: Callable[..., Any]) -> Any:
        for decorate in reversed(stack):
            view = decorate(view)
        return view
    return wrap


@blp.route("/tasks/<int:task_id>/operations")
@blp.response(200, TaskOperationsSchema)
@errors(blp, 403, 404)
def task_operations(task_id: int) -> dict[str, Any]:
    """The operations the caller may do on this task now, the steps 退回 may go to and the people
    转办/委派/加签 may name (by name and unit); on a task the caller completed, whether 撤回 is possible."""
    return engine().operations.task_operations(current_actor(), task_id)


@_operation("/tasks/<int:task_id>/return", ReturnSchema)
def return_task(body: dict[str, Any], task_id: int) -> dict[str, Any]:
    """退回: send the case back to an earlier step on its path; its former handler gets it with the opinion."""
    instance_id = engine().operations.return_task(current_actor(), task_id, body["target_element_id"], body["comment"])
    return _case(instance_id)


@_operation("/tasks/<int:task_id>/withdraw", WithdrawSchema)
def withdraw(body: dict[str, Any], task_id: int) -> dict[str, Any]:
    """撤回: take back a step I completed (``task_id``) while the steps it led to are untouched."""
    return _case(engine().operations.withdraw(current_actor(), task_id, body["comment"]))


@_operation("/tasks/<int:task_id>/transfer", HandOverSchema)
def transfer(body: dict[str, Any], task_id: int) -> dict[str, Any]:
    """转办: the task now belongs to another user (same role and unit, or as the model allows)."""
    return _case(engine().operations.transfer(current_actor(), task_id, body["to_user"], body["comment"]))


@_operation("/tasks/<int:task_id>/delegate", HandOverSchema)
def delegate(body: dict[str, Any], task_id: int) -> dict[str, Any]:
    """委派: another user handles the task; on their completion it comes back to me to confirm and complete."""
    return _case(engine().operations.delegate(current_actor(), task_id, body["to_user"], body["comment"]))


@_operation("/tasks/<int:task_id>/add-signers", AddSignersSchema)
def add_signers(body: dict[str, Any], task_id: int) -> dict[str, Any]:
    """加签: others sign before me, after me or alongside me (会签, optionally by a pass ratio)."""
    return _case(engine().operations.add_signers(current_actor(), task_id, body["users"], body["mode"],
                                                 body.get("pass_ratio"), body["comment"]))


@_operation("/tasks/<int:task_id>/remove-signer", RemoveSignerSchema)
def remove_signer(body: dict[str, Any], task_id: int) -> dict[str, Any]:
    """减签: remove a signer who has not signed yet."""
    return _case(engine().operations.remove_signer(current_actor(), task_id, body["user"], body["comment"]))


@blp.route("/process-instances/<int:instance_id>/operations")
@blp.response(200, CaseOperationsSchema)
@errors(blp, 403, 404)
def case_operations(instance_id: int) -> dict[str, Any]:
    """The case-level operations the caller may do now (抄送, 催办, 终止, 跳转)."""
    return engine().operations.case_operations(current_actor(), instance_id)


@_operation("/process-instances/<int:instance_id>/cc", CopySchemaIn)
def copy_case(body: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """抄送: the case becomes readable to these users; it appears in their 抄送我的."""
    return _case(engine().operations.cc(current_actor(), instance_id, body["users"], body.get("comment")))


@_operation("/process-instances/<int:instance_id>/urge", UrgeSchema, 403, 404, 409, 422, 429,
            s429="该办件的环节刚催办过（Retry-After 为需等待的秒数）")
def urge(body: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """催办: the holders of the case's open steps are notified (at most once per step and interval)."""
    return _case(engine().operations.urge(current_actor(), instance_id, body.get("comment")))


@_operation("/process-instances/<int:instance_id>/jump", JumpSchema,
            s403="只有管理员可以跳转", s409="跳转会使汇聚无法满足、多实例环节缺少其清单，或办件状态不允许")
def jump(body: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """跳转 (admins): move the case's token to a chosen step, with a reason."""
    return _case(engine().operations.jump(current_actor(), instance_id, body["target_element_id"], body["reason"]))
