"""The grids' 民情日志: grid workers write entries for their own community; the units above read them."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from engine.grid.log import Filters, NewEntry

from ..context import current_actor, engine
from ..grid_log_schemas import GridLogEntrySchema, GridLogQuerySchema, GridLogWhistleSchema, GridLogWriteSchema
from ..idempotency import idempotent
from ..pagination import TOTAL_COUNT_DOC, paginate, with_total_count
from ..schemas import ApiErrorSchema, InstanceSchema

blp = Blueprint("grid_logs", __name__, description="民情日志")


@blp.route("/grid-logs", methods=["GET"])
@blp.arguments(GridLogQuerySchema, location="query")
@blp.response(200, GridLogEntrySchema(many=True), headers=TOTAL_COUNT_DOC)
@blp.alt_response(403, schema=ApiErrorSchema, description="该社区不在您单位的辖区内")
def list_grid_logs(args: dict[str, Any]) -> Any:
    """The 民情日志 of the communities your unit covers (a community its own; a street its communities),
    newest first, with the personal data they hold. Total in X-Total-Count."""
    limit, offset = paginate(args)
    items, total = engine().grid_logs.entries(current_actor(), Filters(
        community=args.get("community"), kind=args.get("kind"), limit=limit, offset=offset))
    return with_total_count(items, total)


@blp.route("/grid-logs", methods=["POST"])
@blp.arguments(GridLogWriteSchema)
@blp.response(201, GridLogEntrySchema)
@blp.alt_response(403, schema=ApiErrorSchema, description="不是社区的网格员或工作人员")
@blp.alt_response(422, schema=ApiErrorSchema, description="记录不完整")
@idempotent(blp)
def write_grid_log(body: dict[str, Any]) -> dict[str, Any]:
    """A new 民情日志 entry of your community (grid workers and community staff); entries are never changed."""
    actor = current_actor()
    logs = engine().grid_logs
    return logs.entry(actor, logs.write(actor, NewEntry(**body)))


@blp.route("/grid-logs/<int:entry_id>", methods=["GET"])
@blp.response(200, GridLogEntrySchema)
@blp.alt_response(403, schema=ApiErrorSchema)
@blp.alt_response(404, schema=ApiErrorSchema)
def get_grid_log(entry_id: int) -> dict[str, Any]:
    """One entry: in full to a unit covering its community; without personal data to someone who may read
    the 吹哨报到 case started from it (a department called to report)."""
    return engine().grid_logs.entry(current_actor(), entry_id)


@blp.route("/grid-logs/<int:entry_id>/whistle-report", methods=["POST"])
@blp.arguments(GridLogWhistleSchema)
@blp.response(201, InstanceSchema)
@blp.alt_response(403, schema=ApiErrorSchema)
@blp.alt_response(404, schema=ApiErrorSchema)
@blp.alt_response(409, schema=ApiErrorSchema, description="不是问题记录，或已发起过")
@blp.alt_response(422, schema=ApiErrorSchema, description="发起数据不符合吹哨报到的发起表单")
@idempotent(blp)
def start_whistle_report(body: dict[str, Any], entry_id: int) -> dict[str, Any]:
    """Start a 吹哨报到 case from a problem entry, prefilled from it (问题概述、地点、发现日期、描述) and
    linked both ways: the case shows the entry (grid_log), the entry the case."""
    actor = current_actor()
    eng = engine()
    instance_id = eng.grid_logs.start_whistle(actor, entry_id, body)
    return eng.views.case(actor, instance_id)
