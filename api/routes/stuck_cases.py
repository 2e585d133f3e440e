"""Cases waiting on a task nobody may act on (admins): GET /admin/stuck-cases."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..context import current_actor, engine
from ..openapi import errors
from ..pagination import list_query, page_request, paginated_response, with_total_count
from ..schemas import UtcDateTime

blp = Blueprint("stuck_cases", __name__, description="无人可办的办件（管理员）")


class StuckTaskSchema(Schema):
    instance_id = fields.Integer(required=True)
    business_key = fields.String(allow_none=True)
    definition_key = fields.String(required=True)
    task_id = fields.Integer(required=True)
    element_id = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "环节名称"})
    role = fields.String(allow_none=True)
    role_name = fields.String(allow_none=True)
    org = fields.String(allow_none=True, metadata={"description": "任务所在单位（未确定时为空）"})
    org_name = fields.String(allow_none=True)
    waiting_since = UtcDateTime(required=True)
    reason = fields.String(required=True, metadata={"description": "为何无人可办"})


StuckQuery = list_query(
    "StuckCaseQuery", sorts=("waiting_since", "instance_id", "definition_key"), default_sort="waiting_since",
    definition_key=fields.String(validate=validate.Length(min=1, max=128), metadata={"description": "流程"}),
)


@blp.route("/admin/stuck-cases")
@blp.arguments(StuckQuery, location="query")
@paginated_response(blp, StuckTaskSchema)
@errors(blp, 403)
def stuck_cases(args: dict[str, Any]) -> Any:
    """Open tasks of running cases that no active user may act on (no user with the role at the unit,
    or no unit at all), oldest first: one row per task, with the reason (admin only)."""
    page = engine().views.stuck(current_actor(), page_request(args), args.get("definition_key"))
    return with_total_count(page.items, page.total)
