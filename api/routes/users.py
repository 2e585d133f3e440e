from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields, validate

from engine.identity.users import UserFilter

from ..context import current_actor, engine
from ..identity_schemas import NewUserSchema, UserPatchSchema
from ..openapi import errors
from ..pagination import list_query, page_request, paginated_response, with_total_count
from ..schemas import UserSchema

blp = Blueprint("users", __name__, description="用户（管理员）")

UserListQuery = list_query(
    "UserListQuery", sorts=("username", "display_name", "org", "created_at"), default_sort="username",
    role=fields.String(validate=validate.Length(min=1, max=64), metadata={"description": "持有该角色"}),
    org=fields.String(validate=validate.Length(min=1, max=64), metadata={"description": "所在单位"}),
    active=fields.Boolean(metadata={"description": "是否启用"}),
    q=fields.String(validate=validate.Length(min=1, max=64), metadata={"description": "用户名或姓名包含"}),
)


@blp.route("/users")
@blp.arguments(UserListQuery, location="query")
@paginated_response(blp, UserSchema)
@errors(blp, 403)
def list_users(args: dict[str, Any]) -> Any:
    """Users with their roles and organisation (admin only), paginated, sortable and filterable."""
    filters = UserFilter(role=args.get("role"), org=args.get("org"), active=args.get("active"), q=args.get("q"))
    page = engine().users.list_users(current_actor(), filters, page_request(args))
    return with_total_count(page.items, page.total)


@blp.route("/users", methods=["POST"])
@blp.arguments(NewUserSchema)
@blp.response(201, UserSchema)
@errors(blp, 403, 409, 422, s409="用户名已存在", s422="字段不正确，或单位、角色不存在")
def create_user(body: dict[str, Any]) -> dict[str, Any]:
    """Create a user with a password, an organisation and roles (admin only)."""
    return engine().users.create(current_actor(), body)


@blp.route("/users/<string:username>", methods=["PATCH"])
@blp.arguments(UserPatchSchema)
@blp.response(200, UserSchema)
@errors(blp, 403, 404, 409, 422, s409="不能停用自己或移除自己的管理员角色",
        s422="字段不正确，或单位、角色不存在")
def update_user(body: dict[str, Any], username: str) -> dict[str, Any]:
    """Change a user's name, password, organisation, roles or whether they are active (admin only).

    Disabling a user or changing their password revokes the tokens they hold.
    """
    return engine().users.update(current_actor(), username, body)
