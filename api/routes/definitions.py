from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from ..context import current_actor, engine
from ..schemas import ApiErrorSchema, DefinitionSchema

blp = Blueprint("definitions", __name__, description="流程定义")


@blp.route("/process-definitions")
@blp.response(200, DefinitionSchema(many=True))
@blp.alt_response(401, schema=ApiErrorSchema)
def list_definitions() -> list[Any]:
    """The latest version of every procedure."""
    current_actor()
    eng = engine()
    with eng.db.reader() as session:
        return eng.registry.latest_all(session)
