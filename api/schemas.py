"""Marshmallow schemas: the request and response shapes of the API (and its OpenAPI document)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, fields, validate

from api.fast_dump import FastDump
from api.people_schemas import PersonSchema


class UtcDateTime(fields.DateTime):
    """ISO 8601 in UTC with its offset; SQLite hands back naive datetimes, which are UTC."""

    AWARE_AS_ISOFORMAT = True  # an aware value is marshmallow's ISO dump: the compiled dump may call isoformat

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class ErrorDetailSchema(Schema):
    path = fields.String(required=True)
    message = fields.String(required=True)


class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    details = fields.List(fields.Nested(ErrorDetailSchema))
    request_id = fields.String(metadata={"description": "本次请求的编号（同 X-Request-Id 响应头），报告问题时请提供"})


class ApiErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class HealthSchema(Schema):
    status = fields.String(required=True)


class ReadySchema(Schema):
    status = fields.String(required=True, metadata={"description": "ready"})


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256))


class TokenSchema(Schema):
    token = fields.String(required=True)


class UserSchema(Schema):
    username = fields.String(required=True)
    display_name = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)
    org = fields.String(required=True)
    active = fields.Boolean()
    created_at = fields.AwareDateTime(default_timezone=UTC)


class DefinitionSchema(Schema):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    name = fields.String(required=True)
    version = fields.Integer(required=True)
    deployed_at = UtcDateTime()
    deployed_by = fields.String(allow_none=True)
    decision_files = fields.Function(lambda row: sorted(getattr(row, "decisions", None) or {}),
                                     metadata={"description": "最新版本的 DMN 决策表文件名"})


class StartInstanceSchema(Schema):
    definition_key = fields.String(required=True, validate=validate.Length(min=1, max=128))
    org = fields.String(validate=validate.Length(min=1, max=64))
    data = fields.Dict(keys=fields.String(), load_default=dict)


class TaskSummarySchema(Schema):
    id = fields.Integer(required=True)
    instance_id = fields.Integer(required=True)
    name = fields.String(required=True)
    element_id = fields.String(required=True)
    role = fields.String(allow_none=True)
    org = fields.String(allow_none=True)
    state = fields.String()
    created_at = UtcDateTime(required=True)
    business_key = fields.String(allow_none=True)
    role_name = fields.String(allow_none=True, metadata={"description": "角色名称"})
    org_name = fields.String(allow_none=True, metadata={"description": "办理单位名称"})
    # the most urgent time limit on the task (its own 环节时限 or its case's), when there is one
    deadline = UtcDateTime(allow_none=True)
    remaining = fields.String(allow_none=True)
    urgency = fields.String(allow_none=True)
    kind = fields.String(validate=validate.OneOf(["task", "sign"]),
                         metadata={"description": "task：环节本身；sign：加签人的签署任务"})
    assignee = fields.String(allow_none=True, metadata={"description": "指定办理人（转办、委派、加签、撤回、退回）"})
    assignee_name = fields.String(allow_none=True, metadata={"description": "指定办理人的姓名"})
    delegated_by = fields.String(allow_none=True, metadata={"description": "委派人（办理后交回其确认）"})
    held = fields.Boolean(metadata={"description": "正等待加签人签署，办理人暂不能办理"})
    note = fields.Dict(allow_none=True, metadata={"description": "办理人看到的说明：origin（returned 被退回、"
                                                               "transferred、delegated、delegate_back、withdrawn、"
                                                               "jumped、sign）、by、comment、proposal 等"})


class LinkedCaseSchema(Schema):
    direction = fields.String(required=True, validate=validate.OneOf(["to", "from"]))
    label = fields.String(required=True)
    element_id = fields.String(required=True)
    instance_id = fields.Integer(required=True)
    business_key = fields.String(allow_none=True)
    case_title = fields.String(allow_none=True)
    status = fields.String(required=True)
    definition_key = fields.String(required=True)
    created_at = UtcDateTime()


class MeetingStandingSchema(Schema):
    state = fields.String(required=True, validate=validate.OneOf(["on_agenda", "waiting"]))
    meeting_instance_id = fields.Integer()
    meeting_business_key = fields.String(allow_none=True)
    next_meeting_at = UtcDateTime(allow_none=True, metadata={"description": "下次季度会议的召集时刻"})


class GridLogLinkSchema(Schema):
    id = fields.Integer(required=True)
    community = fields.String(required=True)
    grid_name = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    recorded_on = fields.String(required=True)


class InstanceSchema(FastDump):
    id = fields.Integer(required=True)
    business_key = fields.String(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(["running", "completed", "terminated",
                                                                   "error", "suspended"]))
    definition_key = fields.String(required=True)
    definition_name = fields.String()
    definition_version = fields.Integer(allow_none=True)
    org = fields.String(required=True)
    subject_org = fields.String(allow_none=True)
    developer_org = fields.String(allow_none=True)
    data = fields.Dict(required=True)
    case_title = fields.String(allow_none=True, metadata={"description": "事项名称（流程的 caseTitle）"})
    active_tasks = fields.List(fields.Nested(TaskSummarySchema), required=True)
    sign_tasks = fields.List(fields.Nested(TaskSummarySchema),
                             metadata={"description": "加签人尚未签署的签署任务"})
    end_event = fields.String()
    error = fields.String()
    started_by = fields.Nested(PersonSchema, allow_none=True, metadata={"description": "发起人及其单位"})
    deadlines = fields.List(fields.Nested("DeadlineSchema"))  # time limits (api/time_schemas.py)
    linked_cases = fields.List(fields.Nested("LinkedCaseSchema"), metadata={
        "description": "关联办件：本件发起的（direction=to）或发起本件的（direction=from），如拆分设立"})
    meeting_standing = fields.Nested("MeetingStandingSchema", metadata={
        "description": "等待领导小组审议的准入事项：已列入哪场尚未召开的会议议程，或等待下次会议"})
    grid_log = fields.Nested("GridLogLinkSchema", metadata={"description": "发起本件的民情日志（不含个人信息）"})
    deadline = UtcDateTime(allow_none=True)
    remaining = fields.String(allow_none=True)
    urgency = fields.String(allow_none=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class FormSchema(Schema):
    schema = fields.Dict(allow_none=True)
    ui_schema = fields.Dict()


class OrgChoiceSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True)


class TaskDetailSchema(TaskSummarySchema):
    form = fields.Nested(FormSchema, required=True)
    org_choices = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(OrgChoiceSchema)),
                              metadata={"description": "organisations the caller may name in the form's "
                                                       "organisation fields (x-org-level)"})
    data = fields.Dict(required=True)
    business_key = fields.String(allow_none=True)
    definition_key = fields.String()
    case_status = fields.String()
    can_complete = fields.Boolean()


class CompleteTaskSchema(Schema):
    data = fields.Dict(keys=fields.String(), load_default=dict)
    comment = fields.String(validate=validate.Length(max=2000), allow_none=True)


class CompletionResultSchema(InstanceSchema):
    pass
