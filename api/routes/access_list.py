"""The public 社区事务准入清单: anyone may read which work items communities must take on (no login)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from engine.access_list.queries import Filters
from engine.access_list.service import AccessListReader

from ..access_list_schemas import AccessListEntrySchema, AccessListQuerySchema, AccessListUnitSchema
from ..context import engine
from ..openapi import PUBLIC
from ..pagination import TOTAL_COUNT_DOC, paginate, with_total_count
from ..schemas import ApiErrorSchema

# endpoints anyone may call without logging in, limited per client address (api/public_limits.py)
PUBLIC_ENDPOINTS = ["access_list.list_access_list", "access_list.list_access_list_units", "web.access_list_page"]

blp = Blueprint("access_list", __name__, description="社区事务准入清单（公开）")


@blp.route("/access-list", methods=["GET"])
@blp.doc(**PUBLIC)
@blp.arguments(AccessListQuerySchema, location="query")
@blp.response(200, AccessListEntrySchema(many=True), headers=TOTAL_COUNT_DOC)
@blp.alt_response(400, schema=ApiErrorSchema, description="未知单位")
@blp.alt_response(429, schema=ApiErrorSchema, description="该地址访问过于频繁")
def list_access_list(args: dict[str, Any]) -> Any:
    """The access list (no login; rate-limited per address): entries approved by the district's leadership
    group, newest first, each with its 内容、对象、权限、时限、经费, approving meeting and whether it is
    in force today (an entry expires by itself the day after its valid_until). Total in X-Total-Count."""
    limit, offset = paginate(args)
    eng = engine()
    reader = AccessListReader(eng.uow, eng.clock)
    items, total, _ = reader.entries(Filters(org=args.get("org"), status=args.get("status"), q=args.get("q"),
                                             limit=limit, offset=offset))
    return with_total_count(items, total)


@blp.route("/access-list/units", methods=["GET"])
@blp.doc(**PUBLIC)
@blp.response(200, AccessListUnitSchema(many=True))
@blp.alt_response(429, schema=ApiErrorSchema, description="该地址访问过于频繁")
def list_access_list_units() -> Any:
    """The districts, streets and communities the list can be filtered by (no login): ids and names only."""
    eng = engine()
    return AccessListReader(eng.uow, eng.clock).units()
