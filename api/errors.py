"""Every error is JSON ``{"error": {"code", "message", "details"?, "request_id"}}`` with the right status."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from engine import errors as e
from engine.store.faults import translate

from .request_log import current_request_id

fault_log = logging.getLogger("api.faults")

STATUS = {
    e.BadRequest: 400,
    e.Unauthorized: 401,
    e.Forbidden: 403,
    e.NotFound: 404,
    e.Conflict: 409,
    e.TooLarge: 413,
    e.ValidationFailed: 422,
    e.InvalidModel: 422,
    e.TooManyRequests: 429,
    e.ServiceUnavailable: 503,
    e.Unavailable: 503,
    e.InsufficientStorage: 507,
}

HTTP_MESSAGES = {
    400: "请求格式错误",
    401: "未登录或登录已失效",
    403: "无权执行该操作",
    404: "资源不存在",
    405: "不支持该请求方法",
    409: "请求与当前状态冲突",
    413: "请求体过大",
    415: "不支持的内容类型",
    422: "请求数据校验未通过",
    429: "请求过于频繁",
    503: "服务暂时不可用，请稍后重试",
    507: "服务器存储空间不足",
}


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    request_id = current_request_id()
    if request_id is not None:
        body["request_id"] = request_id
    return {"error": body}


def _flatten(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """Turn marshmallow's nested error dict into [{"path", "message"}]."""
    out: list[dict[str, str]] = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key in ("json", "query", "form", "files", "headers", "path") and not prefix:
                out.extend(_flatten(value, ""))
            else:
                out.extend(_flatten(value, f"{prefix}/{key}" if prefix else str(key)))
    elif isinstance(messages, list):
        for item in messages:
            if isinstance(item, dict | list):
                out.extend(_flatten(item, prefix))
            else:
                out.append({"path": prefix or "/", "message": str(item)})
    else:
        out.append({"path": prefix or "/", "message": str(messages)})
    return out


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(e.EngineError)
    def _engine_error(exc: e.EngineError) -> Any:
        status = STATUS.get(type(exc), 400)
        response = jsonify(error_body(exc.code, exc.message, exc.details_dicts()))
        response.status_code = status
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        data = getattr(exc, "data", None) or {}
        details = _flatten(data.get("messages")) if data.get("messages") else None
        code = {422: "validation_failed"}.get(status, (exc.name or "error").lower().replace(" ", "_"))
        message = HTTP_MESSAGES.get(status, exc.description or exc.name)
        response = jsonify(error_body(code, message, details))
        response.status_code = status
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        fault = translate(exc)
        if fault is None:
            app.logger.exception("unhandled error")
            return jsonify(error_body("internal_error", "服务器内部错误")), 500
        # a fault of the storage, not a bug: one line naming the cause, for the operator
        fault_log.error("%s during %s %s: the request was not carried out (%s)", fault.cause, request.method,
                        request.path, type(exc).__name__)
        return _engine_error(fault.error)
