from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from ..context import current_actor, engine
from ..idempotency import idempotent
from ..schemas import ApiErrorSchema, InstanceSchema, StartInstanceSchema

blp = Blueprint("instances", __name__, description="办件（流程实例）")


@blp.route("/process-instances", methods=["POST"])
@blp.arguments(StartInstanceSchema)
@blp.response(201, InstanceSchema)
@blp.alt_response(403, schema=ApiErrorSchema, description="无权发起")
@blp.alt_response(404, schema=ApiErrorSchema, description="流程不存在")
@blp.alt_response(422, schema=ApiErrorSchema, description="发起数据不符合表单，或幂等键已用于另一请求")
@idempotent(blp)
def start_instance(body: dict[str, Any]) -> dict[str, Any]:
    """Start a case of the latest version of a procedure."""
    actor = current_actor()
    eng = engine()
    instance_id = eng.instances.start(actor, body["definition_key"], body.get("org"), body.get("data") or {})
    return eng.views.case(actor, instance_id)


@blp.route("/process-instances/<int:instance_id>")
@blp.response(200, InstanceSchema)
@blp.alt_response(403, schema=ApiErrorSchema)
@blp.alt_response(404, schema=ApiErrorSchema)
def get_instance(instance_id: int) -> dict[str, Any]:
    """One case: status, data, open tasks and (when finished) the end event reached."""
    return engine().views.case(current_actor(), instance_id)
