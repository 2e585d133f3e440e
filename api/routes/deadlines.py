from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from ..context import current_actor, engine
from ..schemas import ApiErrorSchema, InstanceSchema
from ..time_schemas import DeadlineSchema, ExtendSchema, OverdueCaseSchema

blp = Blueprint("deadlines", __name__, description="办理时限：法定时限、承诺时限、环节时限，延期，超期督办，催办")


@blp.route("/process-instances/<int:instance_id>/deadlines")
@blp.response(200, DeadlineSchema(many=True))
@blp.alt_response(403, schema=ApiErrorSchema)
@blp.alt_response(404, schema=ApiErrorSchema)
def case_deadlines(instance_id: int) -> list[dict[str, Any]]:
    """Every limit of the case and its tasks (closed ones too): deadline, remaining time, urgency."""
    actor = current_actor()
    return engine().views.deadlines(actor, instance_id)


@blp.route("/process-instances/<int:instance_id>/deadlines/extend", methods=["POST"])
@blp.arguments(ExtendSchema)
@blp.response(200, InstanceSchema)
@blp.alt_response(403, schema=ApiErrorSchema, description="无权批准延期")
@blp.alt_response(404, schema=ApiErrorSchema, description="办件或时限不存在")
@blp.alt_response(409, schema=ApiErrorSchema, description="办件已结束")
@blp.alt_response(422, schema=ApiErrorSchema, description="超过允许的延期上限")
def extend(body: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """Approve an extension (延期) of the case's statutory or promised limit, with an opinion."""
    actor = current_actor()
    eng = engine()
    eng.extensions.extend(actor, instance_id, body["kind"], body["days"], body["opinion"])
    return eng.views.case(actor, instance_id)


@blp.route("/overdue")
@blp.response(200, OverdueCaseSchema(many=True))
@blp.alt_response(403, schema=ApiErrorSchema, description="不是督办单位")
def overdue() -> list[dict[str, Any]]:
    """Overdue cases of the caller's unit and the units below it (督办: civil affairs, district government)."""
    actor = current_actor()
    return engine().views.overdue(actor)

