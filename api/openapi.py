"""The OpenAPI document: error responses in our shape, the bearer security scheme, 401 everywhere it applies.

flask-smorest generates the document from the marshmallow schemas. Here:

- :class:`DocumentedApi` makes its generated error responses (``default``, the
  422 of every ``@blp.arguments``) use :class:`~api.schemas.ApiErrorSchema`,
  the body every error really has;
- :class:`SecurityPlugin` requires the bearer token on every operation unless it
  is marked public with :data:`PUBLIC` (``@blp.doc(**PUBLIC)``), and documents
  the 401 of every protected operation, the 503 of every operation and the 507
  of every write;
- :func:`errors` documents a view's other error statuses in one decorator.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apispec import BasePlugin
from flask_smorest import Api, Blueprint

from .schemas import ApiErrorSchema

SECURITY_SCHEME = "bearerAuth"
PUBLIC: dict[str, Any] = {"security": []}

ERROR_DESCRIPTIONS = {
    400: "请求格式错误",
    401: "未登录、令牌无效、已过期或已注销",
    403: "无权执行该操作（message 说明原因）",
    404: "资源不存在",
    409: "与当前状态冲突",
    413: "请求体过大",
    422: "请求数据校验未通过（details 逐项列出路径与原因）",
    429: "失败次数过多，暂时锁定（Retry-After 为需等待的秒数）",
    503: ("数据库繁忙或暂时无法连接（Retry-After 为建议等待的秒数），"
          "或服务器缺少所需组件（message 说明缺什么）；操作未执行"),
    507: "服务器存储空间不足，操作未执行",
}


class DocumentedApi(Api):
    ERROR_SCHEMA = ApiErrorSchema


class SecurityPlugin(BasePlugin):
    """Mark every operation as needing the bearer token (unless public) and document its 401."""

    def operation_helper(self, path: str | None = None, operations: dict[str, Any] | None = None,
                         **kwargs: Any) -> None:
        for method, operation in (operations or {}).items():
            if not isinstance(operation, dict):
                continue
            # storage faults (engine/store/faults.py) can answer any operation; a write can meet a full disk
            responses = operation.setdefault("responses", {})
            responses.setdefault("503", "SERVICE_UNAVAILABLE")
            if method.lower() in ("post", "put", "patch", "delete"):
                responses.setdefault("507", "INSUFFICIENT_STORAGE")
            if operation.get("security") == []:
                continue
            operation.setdefault("security", [{SECURITY_SCHEME: []}])
            responses.setdefault("401", "UNAUTHORIZED")


def spec_kwargs() -> dict[str, Any]:
    return {
        "info": {"description": "街道、民政、区政府与开发单位之间的法定审批流程。\n\n"
                                "除 /health、/ready 与 /auth/token 外，每个请求都需携带 `Authorization: Bearer <令牌>`"
                                "（POST /auth/token 获取）。列表接口支持 limit/offset 分页、sort 排序与筛选，"
                                "总数在 X-Total-Count 响应头中。"},
        "extra_plugins": [SecurityPlugin()],
    }


def register_security(api: Api) -> None:
    api.spec.components.security_scheme(SECURITY_SCHEME, {"type": "http", "scheme": "bearer",
                                                          "description": "POST /api/v1/auth/token 取得的令牌"})


def errors(blp: Blueprint, *statuses: int, **descriptions: str) -> Callable[[Any], Any]:
    """Document error responses (ApiErrorSchema) of a view: ``@errors(blp, 403, 404, s409="任务已办理")``."""
    def decorator(view: Any) -> Any:
        for status in reversed(statuses):
            text = descriptions.get(f"s{status}", ERROR_DESCRIPTIONS.get(status, "错误"))
            view = blp.alt_response(status, schema=ApiErrorSchema, description=text)(view)
        return view
    return decorator
