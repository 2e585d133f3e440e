"""Schemas of the public 社区事务准入清单 (GET /access-list)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .pagination import PaginationQuerySchema


class AccessListQuerySchema(PaginationQuerySchema):
    org = fields.String(validate=validate.Length(min=1, max=64),
                        metadata={"description": "社区、街道或区的单位编码：列出对其有约束力的（所在区的）清单条目"})
    status = fields.String(validate=validate.OneOf(("active", "expired", "pending")),
                           metadata={"description": "active 有效、expired 已过期、pending 尚未生效；不填为全部"})
    q = fields.String(validate=validate.Length(min=1, max=100),
                      metadata={"description": "按事项名称或内容查找（空格分隔的词须都出现）"})


class AccessListEntrySchema(Schema):
    entry_no = fields.String(required=True, metadata={"description": "清单编号（QD-批准该事项的办件编号）"})
    title = fields.String(required=True, metadata={"description": "事项名称"})
    item_type = fields.String(required=True)
    item_type_name = fields.String(required=True, metadata={"description": "事项类别"})
    content = fields.String(required=True, metadata={"description": "内容"})
    target_group = fields.String(required=True, metadata={"description": "对象"})
    authority_scope = fields.String(required=True, metadata={"description": "权限"})
    time_limit_months = fields.Integer(required=True, metadata={"description": "时限（月）"})
    time_limit_desc = fields.String(required=True, metadata={"description": "时限说明"})
    funding_amount = fields.String(required=True, metadata={"description": "经费（元，按申报原值）"})
    funding_source = fields.String(required=True)
    funding_source_name = fields.String(required=True, metadata={"description": "经费来源"})
    applicant_department = fields.String(required=True, metadata={"description": "申请部门"})
    district = fields.String(required=True, metadata={"description": "批准的区（领导小组所在区）"})
    meeting_no = fields.String(allow_none=True, metadata={"description": "批准会议的纪要文号"})
    meeting_quarter = fields.String(allow_none=True, metadata={"description": "批准会议的季度，如 2027Q1"})
    meeting_date = fields.String(allow_none=True, metadata={"description": "批准会议日期"})
    approved_on = fields.String(required=True, metadata={"description": "批准日期（北京时间）"})
    valid_from = fields.String(required=True, metadata={"description": "有效期起（含）"})
    valid_until = fields.String(required=True, metadata={"description": "有效期止（含）：次日零时（北京时间）起失效"})
    expires_at = fields.String(required=True, metadata={"description": "失效时刻（ISO 8601，北京时间）"})
    status = fields.String(required=True, metadata={"description": "active、expired 或 pending（按服务器当日判断）"})
    status_name = fields.String(required=True, metadata={"description": "有效、已过期或尚未生效"})


class AccessListUnitSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True, metadata={"description": "district、street 或 community"})
    parent = fields.String(allow_none=True)
