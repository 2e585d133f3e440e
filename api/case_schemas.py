"""Marshmallow schemas of the case list, case administration, opinions, attachments and deployment."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.people_schemas import PersonSchema
from api.workbench_schemas import CurrentStepSchema
from engine.read.case_list import CASE_DATE_MAX, CASE_DATE_MIN, SORT_COLUMNS, STATUSES

from .pagination import PaginationQuerySchema
from .schemas import DefinitionSchema, UtcDateTime

_BINARY = {"type": "string", "format": "binary"}
_DATE_RANGE = validate.Range(min=CASE_DATE_MIN, max=CASE_DATE_MAX,
                             error=f"日期须在 {CASE_DATE_MIN} 至 {CASE_DATE_MAX} 之间")


class CaseListQuerySchema(PaginationQuerySchema):
    definition_key = fields.String(validate=validate.Length(min=1, max=128), metadata={"description": "流程 key"})
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": "办件状态"})
    org = fields.String(validate=validate.Length(min=1, max=64),
                        metadata={"description": "办件所属单位（含其下级单位）；仍只返回本人可见的办件"})
    business_key = fields.String(validate=validate.Length(min=1, max=64), metadata={"description": "办件编号（精确）"})
    business_key_prefix = fields.String(validate=validate.Length(min=1, max=64),
                                        metadata={"description": "办件编号前缀，如 CJJ-2026-"})
    started_from = fields.Date(validate=_DATE_RANGE, metadata={"description": "发起日期起（含，北京时间）"})
    started_to = fields.Date(validate=_DATE_RANGE, metadata={"description": "发起日期止（含，北京时间）"})
    acted_by_me = fields.Boolean(load_default=False, metadata={"description": "只看我办理过任务的办件"})
    started_by_me = fields.Boolean(load_default=False, metadata={"description": "只看我发起的办件（我发起的）"})
    q = fields.String(validate=validate.Length(min=1, max=100),
                      metadata={"description": "办件编号或事项名称中包含的文字"})
    sort = fields.String(load_default="created_at", validate=validate.OneOf(list(SORT_COLUMNS)))
    order = fields.String(load_default="desc", validate=validate.OneOf(["asc", "desc"]))


class CaseSummarySchema(Schema):
    id = fields.Integer(required=True)
    business_key = fields.String(allow_none=True)
    status = fields.String(required=True)
    definition_key = fields.String(required=True)
    definition_name = fields.String()
    definition_version = fields.Integer()
    org = fields.String(required=True)
    subject_org = fields.String(allow_none=True)
    developer_org = fields.String(allow_none=True)
    case_title = fields.String(allow_none=True, metadata={"description": "事项名称"})
    started_by = fields.Nested(PersonSchema, allow_none=True, metadata={"description": "发起人及其单位"})
    current_steps = fields.List(fields.Nested(CurrentStepSchema), required=True,
                                metadata={"description": "当前所处环节（已办结为空）"})
    end_event = fields.String()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class ReasonSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000),
                           error_messages={"required": "必须填写原因"},
                           metadata={"description": "原因（写入办件日志）"})


class AuthorSchema(Schema):
    username = fields.String(allow_none=True)
    display_name = fields.String(allow_none=True)
    org_name = fields.String(allow_none=True, metadata={"description": "单位名称"})


class CommentTaskSchema(Schema):
    id = fields.Integer(allow_none=True)
    name = fields.String(allow_none=True)
    element_id = fields.String(allow_none=True)


class CommentSchema(Schema):
    seq = fields.Integer(required=True, metadata={"description": "办件日志序号"})
    at = UtcDateTime(required=True)
    command = fields.String(required=True)
    author = fields.Nested(AuthorSchema, required=True)
    role = fields.String(allow_none=True)
    role_name = fields.String(allow_none=True, metadata={"description": "角色名称"})
    org = fields.String(allow_none=True)
    org_name = fields.String(allow_none=True, metadata={"description": "单位名称"})
    task = fields.Nested(CommentTaskSchema, required=True)
    comment = fields.String(required=True)


class UploadSchema(Schema):
    file = fields.Raw(required=True, metadata=_BINARY, error_messages={"required": "缺少文件（表单字段 file）"})
    # a plain form field beside the file: documented here (one multipart body), read by the view from the form
    reason = fields.String(metadata={"description": "原因：管理员向已办结或已终止的办件补充附件时必填"
                                                   "（最多 2000 字，写入办件日志）"})


class AttachmentSchema(Schema):
    id = fields.Integer(required=True)
    instance_id = fields.Integer(required=True)
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    uploaded_by = fields.String(required=True)
    uploaded_by_name = fields.String()
    uploaded_at = UtcDateTime(required=True)


class DeployFilesSchema(Schema):
    bpmn = fields.Raw(required=True, metadata=_BINARY, error_messages={"required": "缺少 BPMN 文件（表单字段 bpmn）"})
    forms = fields.List(fields.Raw(metadata=_BINARY), load_default=list,
                        metadata={"description": "表单文件（JSON Schema / UI schema），可重复；"
                                                 "以 .dmn 结尾的文件按决策文件处理"})
    decisions = fields.List(fields.Raw(metadata=_BINARY), load_default=list,
                            metadata={"description": "DMN 决策表文件（*.dmn），可重复"})


class DefinitionVersionSchema(DefinitionSchema):
    content_hash = fields.String()
    form_files = fields.List(fields.String())
    decision_files = fields.List(fields.String())


class ValidationResultSchema(Schema):
    ok = fields.Boolean(required=True)
    key = fields.String(required=True)
    name = fields.String()
