"""Audit: a case's journal, the case as it stood after any entry, and verification of the history."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..context import current_actor, engine
from ..schemas import ApiErrorSchema

blp = Blueprint("history", __name__, description="办件历史与审计")


class HistoryQuerySchema(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]),
                           metadata={"description": "json（默认）或 csv（UTF-8 带 BOM，Excel 可直接打开）"})
    limit = fields.Integer(validate=validate.Range(min=1, max=10000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class JournalEntrySchema(Schema):
    seq = fields.Integer(required=True)
    at = fields.String(required=True, metadata={"description": "UTC, ISO 8601"})
    command = fields.String(required=True, metadata={"description": "start, complete, engine_step, loop_reset, …"})
    actor = fields.String(allow_none=True)
    actor_role = fields.String(allow_none=True)
    actor_org = fields.String(allow_none=True)
    actor_name = fields.String(allow_none=True, metadata={"description": "办理人姓名"})
    actor_org_name = fields.String(allow_none=True, metadata={"description": "办理人单位名称"})
    role_name = fields.String(allow_none=True, metadata={"description": "角色名称"})
    element_id = fields.String(allow_none=True)
    element_name = fields.String(allow_none=True)
    element_type = fields.String(allow_none=True)
    task_id = fields.Integer(allow_none=True)
    payload = fields.Dict(required=True, metadata={"description": "input data, flows taken, script results"})
    comment = fields.String(allow_none=True)
    state_hash = fields.String(required=True)
    prev_hash = fields.String(required=True)
    hash = fields.String(required=True)
    actor_name = fields.String(allow_none=True, metadata={"description": "办理人姓名"})
    detail = fields.String(metadata={"description": "审批操作做了什么（转办给谁、退回到哪个环节 …）"})


class ActiveElementSchema(Schema):
    element_id = fields.String(required=True)
    state = fields.String(required=True)


class OpenTaskSchema(Schema):
    element_id = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(allow_none=True)
    org = fields.String(allow_none=True)
    role_name = fields.String(allow_none=True)
    org_name = fields.String(allow_none=True)


class CaseStateSchema(Schema):
    seq = fields.Integer(required=True)
    entry = fields.Nested(JournalEntrySchema, required=True)
    status = fields.String(required=True)
    completed = fields.List(fields.String(), required=True, metadata={"description": "completed element ids"})
    active = fields.List(fields.Nested(ActiveElementSchema), required=True)
    flows_taken = fields.List(fields.String(), required=True)
    data = fields.Dict(required=True)
    finished = fields.Boolean(required=True)
    end_event = fields.String(allow_none=True)
    open_tasks = fields.List(fields.Nested(OpenTaskSchema), required=True)
    state_hash = fields.String(required=True)


class VerifyQuerySchema(Schema):
    full = fields.Boolean(load_default=False, metadata={
        "description": "true：不用核验封记，从第一条日志起全部重放（默认：从本服务器上次核验的封记处接着重放）"})


class VerifyResultSchema(Schema):
    ok = fields.Boolean(required=True)
    entries = fields.Integer(required=True)
    sealed_through = fields.Integer(metadata={
        "description": "entries proved by an earlier verification's seal and not re-executed (absent: none)"})
    first_bad_seq = fields.Integer(metadata={"description": "the first entry that does not verify"})
    reason = fields.String()


_TOTAL = {"X-Total-Count": {"description": "number of entries", "schema": {"type": "integer"}}}


@blp.route("/process-instances/<int:instance_id>/history")
@blp.arguments(HistoryQuerySchema, location="query")
@blp.response(200, JournalEntrySchema(many=True), headers=_TOTAL,
              description="The journal, oldest first (`?format=csv`: text/csv, UTF-8 with BOM)")
@blp.doc(responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
@blp.alt_response(403, schema=ApiErrorSchema)
@blp.alt_response(404, schema=ApiErrorSchema)
def history(args: dict[str, Any], instance_id: int) -> Any:
    """Every journal entry of a case: who did what, when, with which data; hash-chained."""
    actor = current_actor()
    views = engine().views
    if args["format"] == "csv":
        text, total = views.history_csv(actor, instance_id, args.get("limit"), args["offset"])
        response = Response(text, mimetype="text/csv")
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
        response.headers["Content-Disposition"] = f'attachment; filename="case-{instance_id}-history.csv"'
        response.headers["X-Total-Count"] = str(total)
        return response
    entries, total = views.history(actor, instance_id, args.get("limit"), args["offset"])
    return entries, 200, {"X-Total-Count": str(total)}


@blp.route("/process-instances/<int:instance_id>/history/<int:seq>/state")
@blp.response(200, CaseStateSchema)
@blp.alt_response(403, schema=ApiErrorSchema)
@blp.alt_response(404, schema=ApiErrorSchema, description="no such case or entry")
@blp.alt_response(409, schema=ApiErrorSchema, description="the journal up to this entry does not verify")
def state_at(instance_id: int, seq: int) -> dict[str, Any]:
    """The case as it stood right after entry `seq`, rebuilt by replaying the journal."""
    return engine().views.state_at(current_actor(), instance_id, seq)


@blp.route("/process-instances/<int:instance_id>/verify", methods=["POST"])
@blp.arguments(VerifyQuerySchema, location="query")
@blp.response(200, VerifyResultSchema)
@blp.alt_response(403, schema=ApiErrorSchema)
@blp.alt_response(404, schema=ApiErrorSchema)
def verify(query: dict[str, Any], instance_id: int) -> dict[str, Any]:
    """Re-execute the journal and check chain, entries, head and snapshot (from this server's last seal
    of the case, or with `full=true` from the start)."""
    return engine().views.verify(current_actor(), instance_id, query["full"]).as_dict()
