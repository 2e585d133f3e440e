from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from ..context import bearer_token, current_actor, engine
from ..login_limits import client_address
from ..openapi import PUBLIC, errors
from ..schemas import ApiErrorSchema, LoginSchema, TokenSchema

blp = Blueprint("auth", __name__, description="登录与令牌")

RETRY_AFTER_DOC = {"Retry-After": {"description": "需等待的秒数", "schema": {"type": "integer", "minimum": 1}}}


@blp.route("/auth/token", methods=["POST"])
@blp.doc(**PUBLIC)
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@blp.alt_response(401, schema=ApiErrorSchema, description="用户名或密码错误")
@blp.alt_response(429, schema=ApiErrorSchema, headers=RETRY_AFTER_DOC,
                  description="该账号在本地址连续登录失败过多而暂时锁定（密码正确也拒绝），或本地址登录失败过多")
def login(body: dict[str, Any]) -> dict[str, str]:
    """Exchange a username and password for a bearer token (it expires; POST /auth/logout revokes it)."""
    return {"token": engine().logins.login(body["username"], body["password"], client_address())}


@blp.route("/auth/logout", methods=["POST"])
@blp.response(204)
@errors(blp)
def logout() -> None:
    """Revoke the token of this request."""
    current_actor()
    engine().logins.logout(bearer_token())
