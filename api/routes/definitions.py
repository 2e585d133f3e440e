from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields, validate

from engine.read.lists import DefinitionFilter

from ..context import current_actor, engine
from ..pagination import list_query, page_request, paginated_response, with_total_count
from ..schemas import DefinitionSchema

blp = Blueprint("definitions", __name__, description="流程定义")


DefinitionListQuery = list_query(
    "DefinitionListQuery", sorts=("key", "name", "deployed_at", "version"), default_sort="key",
    key=fields.String(validate=validate.Length(min=1, max=128), metadata={"description": "流程 key"}),
    q=fields.String(validate=validate.Length(min=1, max=64), metadata={"description": "名称或 key 包含"}),
)


@blp.route("/process-definitions")
@blp.arguments(DefinitionListQuery, location="query")
@paginated_response(blp, DefinitionSchema)
def list_definitions(args: dict[str, Any]) -> Any:
    """The latest version of every procedure, paginated, sortable and filterable."""
    current_actor()
    page = engine().views.definitions(DefinitionFilter(key=args.get("key"), q=args.get("q")), page_request(args))
    return with_total_count(page.items, page.total)
