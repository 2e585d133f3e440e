"""Marshmallow schemas of the clerk's workbench: people by name, inbox and done lists, a case's steps."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.fast_dump import FastDump
from api.people_schemas import ActorSchema, PersonSchema
from api.schemas import TaskDetailSchema, TaskSummarySchema, UtcDateTime


class CurrentStepSchema(Schema):
    task_id = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"description": "环节名称"})
    element_id = fields.String(required=True)
    role = fields.String(allow_none=True)
    role_name = fields.String(allow_none=True)
    org = fields.String(allow_none=True)
    org_name = fields.String(allow_none=True, metadata={"description": "办理单位名称"})
    since = UtcDateTime(required=True, metadata={"description": "到达该环节的时间"})


class InboxTaskSchema(FastDump, TaskSummarySchema):
    """A ready task with what the inbox shows of its case, so the page needs no request per case."""

    definition_key = fields.String(required=True)
    definition_name = fields.String(required=True, metadata={"description": "流程名称"})
    case_title = fields.String(allow_none=True, metadata={"description": "事项名称（流程的 caseTitle）"})
    role_name = fields.String(allow_none=True)
    org_name = fields.String(allow_none=True)
    applicant = fields.Nested(PersonSchema, allow_none=True, metadata={"description": "发起人及其单位"})
    sent_at = UtcDateTime(required=True, metadata={"description": "送达时间（任务就绪的时间）"})
    sent_by = fields.Nested(PersonSchema, allow_none=True,
                            metadata={"description": "办完上一环节、把任务送来的人；发起即到达的任务为 null"})
    returned = fields.Boolean(required=True, metadata={"description": "该环节在本办件中办理过（退回或循环后再次到达）"})


class DoneTaskSchema(FastDump):
    id = fields.Integer(required=True)
    instance_id = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"description": "环节名称"})
    element_id = fields.String(required=True)
    role = fields.String(allow_none=True)
    role_name = fields.String(allow_none=True)
    org = fields.String(allow_none=True)
    org_name = fields.String(allow_none=True)
    completed_at = UtcDateTime(required=True)
    comment = fields.String(allow_none=True, metadata={"description": "我的办理意见（加签人：我的签署意见）"})
    kind = fields.String(required=True, metadata={"description": "task 本人办理的环节，sign 本人签署的加签"})
    business_key = fields.String(allow_none=True)
    definition_key = fields.String(required=True)
    definition_name = fields.String(required=True)
    case_title = fields.String(allow_none=True)
    case_status = fields.String(required=True)
    end_event = fields.String(allow_none=True)
    current_steps = fields.List(fields.Nested(CurrentStepSchema), required=True,
                                metadata={"description": "办件当前所处环节（已办结为空）"})
    # the case's most urgent open time limit now (none once it is closed)
    deadline = UtcDateTime(allow_none=True)
    remaining = fields.String(allow_none=True, metadata={"description": "剩余时限，如“剩余 3 个工作日”"})
    urgency = fields.String(allow_none=True, metadata={"description": "normal、yellow、red、overdue 或 unknown"})


class StepFieldSchema(Schema):
    name = fields.String(required=True, metadata={"description": "字段名"})
    title = fields.String(required=True, metadata={"description": "表单中的字段标题"})
    value = fields.Raw(allow_none=True, metadata={"description": "提交的值"})
    display_value = fields.String(required=True,
                                  metadata={"description": "显示值：选项的标题、单位名称、附件文件名、是/否"})


class CaseStepSchema(Schema):
    seq = fields.Integer(required=True, metadata={"description": "办件日志序号"})
    element_id = fields.String(allow_none=True)
    name = fields.String(required=True, metadata={"description": "环节名称"})
    kind = fields.String(required=True, validate=validate.OneOf(["start", "user_task"]))
    round = fields.Integer(required=True, metadata={"description": "该环节第几次办理（退回后再次办理为 2、3…）"})
    task_id = fields.Integer(allow_none=True)
    actor = fields.Nested(ActorSchema, required=True)
    at = UtcDateTime(required=True)
    comment = fields.String(allow_none=True, metadata={"description": "办理意见"})
    decision = fields.String(allow_none=True, metadata={"description": "办理结果（表单中的结论选项）"})
    form_title = fields.String(allow_none=True)
    fields_ = fields.List(fields.Nested(StepFieldSchema), required=True, data_key="fields",
                          attribute="fields", metadata={"description": "该环节表单提交的字段，按表单顺序"})


class CaseActionSchema(Schema):
    seq = fields.Integer(required=True)
    command = fields.String(required=True, metadata={
        "description": "suspend, resume, terminate, attach, 以及审批操作 return, transfer, add_signers, cc, urge …"})
    label = fields.String(required=True, metadata={"description": "中文名称，如 挂起、终止、上传附件"})
    actor = fields.Nested(ActorSchema, allow_none=True)
    at = UtcDateTime(required=True)
    comment = fields.String(allow_none=True, metadata={"description": "原因、意见或说明"})
    element_id = fields.String(allow_none=True, metadata={"description": "操作所在环节"})
    element_name = fields.String(allow_none=True)
    detail = fields.String(allow_none=True, metadata={"description": "审批操作做了什么，人员以姓名表示，如 转办给 …"})


class CaseStepsSchema(Schema):
    instance_id = fields.Integer(required=True)
    steps = fields.List(fields.Nested(CaseStepSchema), required=True,
                        metadata={"description": "发起与各环节的提交，按发生顺序"})
    actions = fields.List(fields.Nested(CaseActionSchema), required=True,
                          metadata={"description": "其他人工操作（挂起、恢复、终止、上传附件），按发生顺序"})
    auto_steps = fields.Integer(required=True, metadata={"description": "系统自动流转的步骤数（网关、脚本等，已折叠）"})


class TaskCaseSchema(CaseStepsSchema):
    business_key = fields.String(allow_none=True)
    case_title = fields.String(allow_none=True)
    definition_name = fields.String(required=True)
    status = fields.String(required=True)
    applicant = fields.Nested(PersonSchema, allow_none=True)
    created_at = UtcDateTime(required=True)


class WorkbenchTaskDetailSchema(FastDump, TaskDetailSchema):
    """A task with everything its page shows: the case, who sent it, the earlier steps."""

    definition_name = fields.String(required=True)
    case_title = fields.String(allow_none=True)
    role_name = fields.String(allow_none=True)
    org_name = fields.String(allow_none=True)
    applicant = fields.Nested(PersonSchema, allow_none=True)
    sent_at = UtcDateTime(required=True)
    sent_by = fields.Nested(PersonSchema, allow_none=True)
    returned = fields.Boolean(required=True)
    case = fields.Nested(TaskCaseSchema, required=True, metadata={"description": "办件及其各环节提交（同 /steps）"})
