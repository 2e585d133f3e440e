"""Request and response shapes of identity: the current user, user administration, organisations, roles."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .schemas import UserSchema

USERNAME = validate.Regexp(r"^[A-Za-z0-9_.-]{2,64}$", error="用户名为 2–64 位字母、数字、下划线、点或连字符")
PASSWORD = validate.Length(min=8, max=256, error="密码长度须为 8–256 位")
DISPLAY_NAME = validate.Length(min=1, max=200)
ID = validate.Length(min=1, max=64)


class MeSchema(UserSchema):
    org_name = fields.String(required=True, metadata={"description": "所在单位名称"})


class NewUserSchema(Schema):
    username = fields.String(required=True, validate=USERNAME)
    display_name = fields.String(required=True, validate=DISPLAY_NAME)
    password = fields.String(required=True, validate=PASSWORD, load_only=True)
    org = fields.String(required=True, validate=ID, metadata={"description": "单位 id（GET /organisations）"})
    roles = fields.List(fields.String(validate=ID), required=True, validate=validate.Length(min=1, max=20),
                        metadata={"description": "角色 id（GET /roles）"})
    active = fields.Boolean(load_default=True)


class UserPatchSchema(Schema):
    display_name = fields.String(validate=DISPLAY_NAME)
    password = fields.String(validate=PASSWORD, load_only=True,
                             metadata={"description": "新密码；修改后该用户已有的令牌全部失效"})
    org = fields.String(validate=ID)
    roles = fields.List(fields.String(validate=ID), validate=validate.Length(min=1, max=20),
                        metadata={"description": "替换该用户的全部角色"})
    active = fields.Boolean(metadata={"description": "false 停用账号（其令牌随即失效）"})


class OrganisationSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True, metadata={"description": "city, district, street, community, village, "
                                                                  "external"})
    parent = fields.String(required=True, allow_none=True)
    converted_into = fields.String(allow_none=True, metadata={
        "description": "a village 撤村建居 converted: the community it became part of"})
    converted_on = fields.Date(allow_none=True, metadata={"description": "the conversion's approval date"})
    converted_by = fields.Integer(allow_none=True, metadata={"description": "the case that converted the village"})
    established_by = fields.Integer(allow_none=True, metadata={"description": "the 撤村建居 case that created "
                                                                              "this community"})


class RoleSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    scope = fields.String(required=True, metadata={"description": "该角色泳道的任务派往何处：street, district, city, "
                                                                  "subject, developer, none"})
