"""Request and response shapes of the approval operations (退回, 撤回, 转办, 委派, 加签, 抄送, 催办, 终止, 跳转)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.notifications import KINDS
from engine.operations.model_properties import TASK_OPERATIONS
from engine.operations.state import MODES

from .pagination import list_query
from .schemas import UtcDateTime

USERNAME = validate.Length(min=1, max=64)
ELEMENT = validate.Length(min=1, max=128)
TEXT = validate.Length(min=1, max=2000)
OPERATIONS = [*TASK_OPERATIONS, "urge", "jump"]


def _comment(required: bool, description: str) -> fields.String:
    if required:
        return fields.String(required=True, validate=TEXT, error_messages={"required": f"必须填写{description}"},
                             metadata={"description": f"{description}（写入办件日志）"})
    return fields.String(validate=validate.Length(max=2000), allow_none=True,
                         metadata={"description": f"{description}（可选，写入办件日志）"})


class ReturnSchema(Schema):
    target_element_id = fields.String(
        required=True, validate=ELEMENT,
        metadata={"description": "退回到的环节（GET /tasks/{id}/operations 的 return_targets）"})
    comment = _comment(True, "退回意见")


class WithdrawSchema(Schema):
    comment = _comment(True, "撤回原因")


class HandOverSchema(Schema):
    to_user = fields.String(
        required=True, validate=USERNAME,
        metadata={"description": "接收人用户名（GET /tasks/{id}/operations 的 transfer_candidates）"})
    comment = _comment(True, "意见")


class AddSignersSchema(Schema):
    users = fields.List(fields.String(validate=USERNAME), required=True, validate=validate.Length(min=1, max=20),
                        metadata={"description": "加签人用户名"})
    mode = fields.String(required=True, validate=validate.OneOf(MODES),
                         metadata={"description": "before 前加签（先签后回到我）、after 后加签（我办理后再签）、"
                                                  "parallel 会签（与我同时签）"})
    pass_ratio = fields.Float(
        validate=validate.Range(min=0, max=1, min_inclusive=False), allow_none=True,
        metadata={"description": "后加签、会签的通过比例（同意人数 / 加签人数），默认 1 即全部同意"})
    comment = _comment(True, "加签说明")


class RemoveSignerSchema(Schema):
    user = fields.String(required=True, validate=USERNAME, metadata={"description": "尚未签署的加签人"})
    comment = _comment(True, "减签说明")


class CopySchemaIn(Schema):
    users = fields.List(fields.String(validate=USERNAME), required=True, validate=validate.Length(min=1, max=50),
                        metadata={"description": "抄送人用户名"})
    comment = _comment(False, "抄送说明")


class UrgeSchema(Schema):
    comment = _comment(False, "催办内容")


class JumpSchema(Schema):
    target_element_id = fields.String(required=True, validate=ELEMENT, metadata={"description": "跳转到的用户任务"})
    reason = fields.String(required=True, validate=TEXT, error_messages={"required": "必须填写原因"},
                           metadata={"description": "原因（写入办件日志）"})


class ElementRefSchema(Schema):
    element_id = fields.String(required=True)
    name = fields.String(required=True)


class CandidateSchema(Schema):
    username = fields.String(required=True)
    display_name = fields.String(required=True)
    org = fields.String(required=True)
    org_name = fields.String(required=True)


class SignerSchema(Schema):
    username = fields.String(required=True)
    display_name = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": "pending 待签、agreed 同意、disagreed 不同意、"
                                                                  "removed 已减签、skipped 无需再签"})


class SigningSchema(Schema):
    mode = fields.String(required=True, validate=validate.OneOf(MODES))
    mode_name = fields.String(required=True)
    ratio = fields.Float(required=True)
    by = fields.String(required=True)
    by_name = fields.String(required=True)
    submitted = fields.Boolean(required=True, metadata={"description": "办理人已提交，等待加签人签署"})
    signers = fields.List(fields.Nested(SignerSchema), required=True)


class TaskOperationsSchema(Schema):
    allowed = fields.List(fields.String(validate=validate.OneOf(OPERATIONS)), required=True,
                          metadata={"description": "本人现在可做的操作"})
    return_targets = fields.List(fields.Nested(ElementRefSchema), required=True)
    transfer_candidates = fields.List(fields.Nested(CandidateSchema), required=True,
                                      metadata={"description": "可转办、委派、加签的人员（姓名与单位）"})
    signing = fields.Nested(SigningSchema, allow_none=True, metadata={"description": "进行中的加签"})
    cc_candidates = fields.List(fields.Nested(CandidateSchema), metadata={"description": "可抄送的人员"})
    withdraw_refusal = fields.String(metadata={"description": "本人已办的环节为何不能撤回"})


class WithdrawableStepSchema(Schema):
    task_id = fields.Integer(required=True)
    element_id = fields.String(required=True)
    name = fields.String(required=True)
    completed_at = UtcDateTime(required=True)


class CaseOperationsSchema(Schema):
    allowed = fields.List(fields.String(validate=validate.OneOf(OPERATIONS)), required=True)
    cc_candidates = fields.List(fields.Nested(CandidateSchema), metadata={"description": "可抄送的人员"})
    withdrawable = fields.Nested(WithdrawableStepSchema, allow_none=True, metadata={
        "description": "本人在该办件中最近办理、现在可以撤回的环节（POST /tasks/{task_id}/withdraw）；没有则为 null"})


class CopyViewSchema(Schema):
    id = fields.Integer(required=True)
    instance_id = fields.Integer(required=True)
    business_key = fields.String(allow_none=True)
    definition_key = fields.String(allow_none=True)
    definition_name = fields.String(allow_none=True)
    case_title = fields.String(allow_none=True, metadata={"description": "事项名称"})
    case_status = fields.String(allow_none=True)
    copied_by = fields.String(required=True)
    copied_by_name = fields.String(required=True)
    element_id = fields.String(allow_none=True)
    element_name = fields.String(allow_none=True, metadata={"description": "抄送时所在环节的名称"})
    comment = fields.String(allow_none=True)
    created_at = UtcDateTime(required=True)
    read = fields.Boolean(required=True)
    read_at = UtcDateTime(allow_none=True)


class NotificationSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "、".join(f"{k} {v}" for k, v in KINDS.items())})
    kind_name = fields.String(required=True)
    message = fields.String(required=True, metadata={"description": "消息内容"})
    instance_id = fields.Integer(required=True)
    business_key = fields.String(allow_none=True)
    definition_name = fields.String(allow_none=True)
    case_title = fields.String(allow_none=True, metadata={"description": "事项名称"})
    task_id = fields.Integer(allow_none=True)
    task_name = fields.String(allow_none=True)
    actor = fields.String(allow_none=True)
    actor_name = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)
    created_at = UtcDateTime(required=True)
    read = fields.Boolean(required=True)
    read_at = UtcDateTime(allow_none=True)


class UnreadCountSchema(Schema):
    unread = fields.Integer(required=True)


CopyListQuery = list_query("CopyListQuery", sorts=("created_at", "id"), default_sort="-created_at",
                           read=fields.Boolean(metadata={"description": "true 只看已读，false 只看未读"}))
NotificationListQuery = list_query(
    "NotificationListQuery", sorts=("created_at", "id"), default_sort="-created_at",
    unread=fields.Boolean(metadata={"description": "true 只看未读，false 只看已读"}),
    kind=fields.String(validate=validate.OneOf(list(KINDS)), metadata={"description": "消息类型"}))
