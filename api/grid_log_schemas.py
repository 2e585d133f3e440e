"""Schemas of the grids' 民情日志 (/grid-logs)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.grid.log import KEY_GROUPS, KINDS

from .pagination import PaginationQuerySchema
from .schemas import UtcDateTime

PHONE = validate.Regexp(r"^[0-9+\- ]{5,20}$", error="联系电话只能包含数字、+、- 和空格（5 至 20 位）")


class GridLogQuerySchema(PaginationQuerySchema):
    community = fields.String(validate=validate.Length(min=1, max=64),
                              metadata={"description": "只列该社区的民情日志（须在您单位的辖区内）"})
    kind = fields.String(validate=validate.OneOf(tuple(KINDS)), metadata={"description": "记录类别"})


class GridLogWriteSchema(Schema):
    grid_name = fields.String(required=True, validate=validate.Length(min=1, max=50),
                              metadata={"description": "网格，如 第三网格"})
    kind = fields.String(required=True, validate=validate.OneOf(tuple(KINDS)), metadata={
        "description": "household 居民家庭状况、risk 不稳定因素、problem 社区环境突出问题、key_group 重点人员"})
    key_group = fields.String(validate=validate.OneOf(tuple(KEY_GROUPS)), allow_none=True,
                              metadata={"description": "重点人员所属群体（kind=key_group 时必填）"})
    title = fields.String(required=True, validate=validate.Length(min=2, max=60), metadata={"description": "摘要"})
    content = fields.String(required=True, validate=validate.Length(min=2, max=2000),
                            metadata={"description": "情况记录"})
    location = fields.String(validate=validate.Length(min=2, max=200), allow_none=True,
                             metadata={"description": "地点（楼栋、门牌）"})
    person_name = fields.String(validate=validate.Length(min=1, max=50), allow_none=True,
                                metadata={"description": "相关居民姓名（个人信息，仅辖区单位可见）"})
    person_phone = fields.String(validate=PHONE, allow_none=True,
                                 metadata={"description": "相关居民联系电话（个人信息，仅辖区单位可见）"})
    recorded_on = fields.Date(required=True, metadata={"description": "记录日期（不晚于今天）"})


class GridLogEntrySchema(Schema):
    id = fields.Integer(required=True)
    seq = fields.Integer(required=True, metadata={"description": "本社区民情日志的第几条"})
    community = fields.String(required=True)
    community_name = fields.String(required=True)
    grid_name = fields.String(required=True)
    kind = fields.String(required=True)
    kind_name = fields.String(required=True)
    key_group = fields.String(allow_none=True)
    key_group_name = fields.String(allow_none=True)
    title = fields.String(required=True)
    content = fields.String(required=True)
    location = fields.String(allow_none=True)
    person_name = fields.String(allow_none=True)
    person_phone = fields.String(allow_none=True)
    personal_data_shown = fields.Boolean(required=True, metadata={
        "description": "是否含个人信息：仅对辖区覆盖该社区的单位显示"})
    recorded_on = fields.String(required=True)
    created_at = UtcDateTime()
    whistle_instance_id = fields.Integer(allow_none=True, metadata={"description": "由此发起的吹哨报到办件"})
    whistle_business_key = fields.String(allow_none=True)


class GridLogWhistleSchema(Schema):
    """What the grid worker adds to the entry when starting 吹哨报到 (the rest is prefilled from it)."""

    category = fields.String(required=True, validate=validate.Length(min=1, max=32),
                             metadata={"description": "问题类别（吹哨报到发起表单的 category）"})
    source = fields.String(validate=validate.OneOf(("patrol", "resident")), metadata={
        "description": "问题来源：patrol 网格员巡查发现（默认）、resident 居民反映（反映人取自日志的个人信息）"})
    location = fields.String(validate=validate.Length(min=2, max=200))
    problem_title = fields.String(validate=validate.Length(min=2, max=60))
