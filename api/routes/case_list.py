from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from engine.read.case_list import CaseFilter

from ..case_schemas import CaseListQuerySchema, CaseSummarySchema
from ..context import current_actor, engine
from ..pagination import TOTAL_COUNT_DOC, paginate, with_total_count
from ..schemas import ApiErrorSchema

blp = Blueprint("case_list", __name__, description="办件列表")


@blp.route("/process-instances", methods=["GET"])
@blp.arguments(CaseListQuerySchema, location="query")
@blp.response(200, CaseSummarySchema(many=True), headers=TOTAL_COUNT_DOC)
@blp.alt_response(400, schema=ApiErrorSchema, description="未知单位或日期范围颠倒")
@blp.alt_response(401, schema=ApiErrorSchema)
def list_instances(args: dict[str, Any]) -> Any:
    """Cases the caller may see, filtered, sorted and paginated (total in X-Total-Count)."""
    actor = current_actor()
    limit, offset = paginate(args)
    flt = CaseFilter(
        definition_key=args.get("definition_key"), status=args.get("status"), org=args.get("org"),
        business_key=args.get("business_key"), business_key_prefix=args.get("business_key_prefix"),
        started_from=args.get("started_from"), started_to=args.get("started_to"),
        acted_by_me=bool(args.get("acted_by_me")), started_by_me=bool(args.get("started_by_me")), q=args.get("q"),
        sort=args["sort"], descending=args["order"] == "desc",
        limit=limit, offset=offset,
    )
    items, total = engine().views.cases(actor, flt)
    return with_total_count(items, total)
