"""The start form of a procedure, for the web pages' "start a case" dialog."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from ..context import current_actor, engine
from ..schemas import ApiErrorSchema, OrgChoiceSchema

blp = Blueprint("start_forms", __name__, description="发起表单")


class StartFormSchema(Schema):
    key = fields.String(required=True)
    name = fields.String(required=True)
    version = fields.Integer(required=True)
    schema = fields.Dict(allow_none=True, metadata={"description": "the start event's JSON Schema (null: no form)"})
    ui_schema = fields.Dict()
    start_role = fields.String(allow_none=True)
    start_role_name = fields.String(allow_none=True)
    can_start = fields.Boolean(required=True, metadata={"description": "the caller has the start lane's role"})
    org_choices = fields.Dict(keys=fields.String(), values=fields.List(fields.Nested(OrgChoiceSchema)),
                              metadata={"description": "organisations the caller may name in org fields"})


@blp.route("/process-definitions/<string:key>/start-form")
@blp.response(200, StartFormSchema)
@blp.alt_response(401, schema=ApiErrorSchema)
@blp.alt_response(404, schema=ApiErrorSchema, description="流程不存在")
def get_start_form(key: str) -> dict[str, Any]:
    """The latest version's start form (JSON Schema and UI schema) and whether the caller may start it."""
    return engine().views.start_form(current_actor(), key)
