from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from sqlalchemy import select

from engine.access import require_role
from engine.store.models import User, UserRole

from ..context import current_actor, engine
from ..schemas import ApiErrorSchema, UserSchema

blp = Blueprint("users", __name__, description="用户（管理员）")


@blp.route("/users")
@blp.response(200, UserSchema(many=True))
@blp.alt_response(403, schema=ApiErrorSchema)
def list_users() -> list[dict[str, Any]]:
    """All users with their roles and organisation (admin only)."""
    require_role(current_actor(), "admin")
    eng = engine()
    with eng.db.reader() as session:
        roles: dict[int, list[str]] = {}
        for user_id, role in session.execute(select(UserRole.user_id, UserRole.role_id)):
            roles.setdefault(user_id, []).append(role)
        return [{"username": u.username, "display_name": u.display_name, "roles": sorted(roles.get(u.id, [])),
                 "org": u.org_id, "active": u.active}
                for u in session.scalars(select(User).order_by(User.id))]
