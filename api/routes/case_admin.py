from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from ..case_schemas import ReasonSchema
from ..context import current_actor, engine
from ..idempotency import idempotent
from ..schemas import ApiErrorSchema, InstanceSchema

blp = Blueprint("case_admin", __name__, description="办件管理：挂起、恢复（管理员）、终止")

_ERRORS = [(400, "缺少原因"), (403, "不是管理员"), (404, "办件不存在"), (409, "办件当前状态不允许该操作")]


def _documented(func: Any) -> Any:
    for status, description in _ERRORS:
        func = blp.alt_response(status, schema=ApiErrorSchema, description=description)(func)
    return func


def _view(instance_id: int) -> dict[str, Any]:
    return engine().views.case(current_actor(), instance_id)


@blp.route("/process-instances/<int:instance_id>/suspend", methods=["POST"])
@blp.arguments(ReasonSchema)
@blp.response(200, InstanceSchema)
@_documented
@idempotent(blp)
def suspend(body: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """Suspend a running case (挂起): its tasks leave the inboxes and cannot be completed until resumed."""
    engine().case_admin.suspend(current_actor(), instance_id, body["reason"])
    return _view(instance_id)


@blp.route("/process-instances/<int:instance_id>/resume", methods=["POST"])
@blp.arguments(ReasonSchema)
@blp.response(200, InstanceSchema)
@_documented
@idempotent(blp)
def resume(body: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """Resume a suspended case (恢复)."""
    engine().case_admin.resume(current_actor(), instance_id, body["reason"])
    return _view(instance_id)


@blp.route("/process-instances/<int:instance_id>/terminate", methods=["POST"])
@blp.arguments(ReasonSchema)
@blp.response(200, InstanceSchema)
@blp.alt_response(400, schema=ApiErrorSchema, description="缺少原因")
@blp.alt_response(403, schema=ApiErrorSchema,
                  description="不是管理员、其他单位办理前的发起人、流程模型允许的角色或环节办理人")
@blp.alt_response(404, schema=ApiErrorSchema, description="办件不存在")
@blp.alt_response(409, schema=ApiErrorSchema, description="办件已结束，或其他单位已办理（发起人）")
@idempotent(blp)
def terminate(body: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """Terminate a case (终止) with the reason: its open tasks are cancelled; the journal keeps its history.
    Admins; also the starter before any other unit acted, a role the model allows (``terminateRoles``) and
    the holder of a step whose model allows ``terminate``."""
    engine().operations.terminate(current_actor(), instance_id, body["reason"])
    return _view(instance_id)
