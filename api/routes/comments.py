from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from engine.read.comments import case_comments

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
    actor = current_actor()
    eng = engine()
    with eng.db.reader() as session:
        eng.queries.visible_instance(session, actor, instance_id)
        return case_comments(session, instance_id, eng.directories.get(session))
