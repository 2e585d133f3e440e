"""People and units by name in API answers (engine/people.py builds them)."""

from __future__ import annotations

from marshmallow import Schema, fields


class PersonSchema(Schema):
    """Someone who acted, by name; the ids stay beside the names for links and filters."""

    username = fields.String(required=True, metadata={"description": "登录名（仅供链接与筛选，页面显示姓名）"})
    display_name = fields.String(required=True, metadata={"description": "姓名"})
    org = fields.String(allow_none=True, metadata={"description": "单位编号"})
    org_name = fields.String(allow_none=True, metadata={"description": "单位名称"})


class ActorSchema(PersonSchema):
    role = fields.String(allow_none=True, metadata={"description": "角色编号"})
    role_name = fields.String(allow_none=True, metadata={"description": "角色名称"})
