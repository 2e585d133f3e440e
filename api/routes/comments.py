from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from ..case_schemas import CommentSchema
from ..context import current_actor, engine
from ..schemas import ApiErrorSchema

blp = Blueprint("comments", __name__, description="审批意见")


@blp.route("/process-instances/<int:instance_id>/comments")
@blp.response(200, CommentSchema(many=True))
@blp.alt_response(403, schema=ApiErrorSchema)
@blp.alt_response(404, schema=ApiErrorSchema)
def list_comments(instance_id: int) -> list[dict[str, Any]]:
    """The opinions given with the case's task actions: author, role, task and time, oldest first."""
    return engine().views.comments(current_actor(), instance_id)
