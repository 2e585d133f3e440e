from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from ..context import bearer_token, current_actor, engine
from ..schemas import ApiErrorSchema, LoginSchema, TokenSchema

blp = Blueprint("auth", __name__, description="登录与令牌")


@blp.route("/auth/token", methods=["POST"])
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description="用户名或密码错误")
def login(body: dict[str, Any]) -> dict[str, str]:
    """Exchange a username and password for a bearer token."""
    eng = engine()
    with eng.db.writer() as session, session.begin():
        token = eng.identity.login(session, body["username"], body["password"])
    return {"token": token}


@blp.route("/auth/logout", methods=["POST"])
@blp.response(204)
@blp.alt_response(401, schema=ApiErrorSchema)
def logout() -> None:
    """Revoke the token of this request."""
    current_actor()
    eng = engine()
    with eng.db.writer() as session, session.begin():
        eng.identity.logout(session, bearer_token())
