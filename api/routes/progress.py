"""办件进度查询 (public, rate-limited) and the starter's 回执 with the check code."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..context import current_actor, engine
from ..openapi import PUBLIC, errors
from ..schemas import UtcDateTime

blp = Blueprint("progress", __name__, description="办件进度查询与回执")

PUBLIC_ENDPOINTS = ["progress.lookup"]


class ProgressQuerySchema(Schema):
    number = fields.String(required=True, validate=validate.Length(min=1, max=40),
                           metadata={"description": "办件编号，如 CSBD-2026-000001"})
    code = fields.String(required=True, validate=validate.Length(min=1, max=40),
                         metadata={"description": "回执上的查询码，如 ABCD-EFGH（不区分大小写）"})


class ProgressStepSchema(Schema):
    name = fields.String(required=True, metadata={"description": "环节名称"})
    since = UtcDateTime(required=True, metadata={"description": "环节开始时间"})
    due = UtcDateTime(allow_none=True, metadata={"description": "环节时限到期时间（无环节时限为空）"})


class ProgressDoneStepSchema(Schema):
    name = fields.String(required=True)
    completed_at = UtcDateTime(required=True)


class ProgressSchema(Schema):
    number = fields.String(required=True)
    procedure = fields.String(required=True, metadata={"description": "事项（流程）名称"})
    status = fields.String(required=True, metadata={"description": "running、suspended、completed 或 terminated"})
    status_name = fields.String(required=True)
    outcome = fields.String(allow_none=True, metadata={"description": "办结时到达的结果（结束事件名称）"})
    started_at = UtcDateTime(required=True)
    updated_at = UtcDateTime(required=True)
    finished_at = UtcDateTime(allow_none=True)
    due = UtcDateTime(allow_none=True, metadata={"description": "办件的法定或承诺时限到期时间"})
    current_steps = fields.List(fields.Nested(ProgressStepSchema), required=True)
    done_steps = fields.List(fields.Nested(ProgressDoneStepSchema), required=True)


class ReceiptSchema(Schema):
    instance_id = fields.Integer(required=True)
    number = fields.String(required=True)
    procedure = fields.String(required=True)
    case_title = fields.String(allow_none=True)
    org_name = fields.String(allow_none=True, metadata={"description": "办理单位"})
    started_at = UtcDateTime(required=True)
    check_code = fields.String(required=True, metadata={"description": "查询码"})
    lookup_path = fields.String(required=True, metadata={"description": "进度查询页面的路径"})


@blp.route("/progress")
@blp.doc(**PUBLIC)
@blp.arguments(ProgressQuerySchema, location="query")
@blp.response(200, ProgressSchema)
@errors(blp, 404, 422, 429, s404="办件编号或查询码不正确（两者不分，防止试探编号）",
        s429="该地址访问过于频繁（Retry-After 为需等待的秒数）")
def lookup(query: dict[str, str]) -> dict[str, Any]:
    """The progress of a case for its applicant (no login): procedure, state, current steps and dates.
    No person, unit, opinion or form value is shown; an unknown number and a wrong code answer alike."""
    return engine().progress.lookup(query["number"], query["code"])


@blp.route("/process-instances/<int:instance_id>/receipt")
@blp.response(200, ReceiptSchema)
@errors(blp, 403, 404)
def receipt(instance_id: int) -> dict[str, Any]:
    """The case's 回执 for its starter (and admins): 办件编号, the check code and where to look it up."""
    return engine().progress.receipt(current_actor(), instance_id)
