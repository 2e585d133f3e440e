"""The ``Idempotency-Key`` request header on command endpoints (engine/idempotency/keys.py does the work).

Put :func:`idempotent` right above a view function (below the ``@blp`` decorators)::

    @blp.route("/process-instances", methods=["POST"])
    @blp.arguments(StartInstanceSchema)
    @blp.response(201, InstanceSchema)
    @idempotent(blp)
    def start_instance(body): ...

A request with the header runs the view's first command idempotently: the key
is scoped to the caller, and the request's fingerprint is the route, its path
arguments and its body (JSON, or form fields and each file's name and SHA-256).
A repeated request gets the view's answer built from the stored result, with
``Idempotent-Replayed: true``. Keys are 1–255 visible ASCII characters (a UUID is fine).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import request
from flask_smorest import Blueprint

from engine.errors import Problem, ValidationFailed
from engine.idempotency.keys import HEADER, IdempotentRequest, requested

from .context import current_actor, engine

REPLAYED_HEADER = "Idempotent-Replayed"
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
PARAMETER = {
    "in": "header", "name": HEADER, "required": False,
    "description": "幂等键：客户端为每个请求生成的唯一值（如 UUID）。未收到应答而重试时带上同一个键，"
                   "服务器只执行一次并返回首次的结果；同一键用于不同请求时返回 422。保留 24 小时。",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
}


def _file_digest(storage: Any) -> str:
    digest = hashlib.sha256()
    stream = storage.stream
    while chunk := stream.read(65536):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def fingerprint() -> str:
    """SHA-256 of what makes this request what it is: path arguments and body."""
    parts: dict[str, Any] = {"args": request.view_args or {}}
    if request.is_json:
        parts["json"] = request.get_json(silent=True)
    elif request.files or request.form:
        parts["form"] = sorted((k, v) for k, vs in request.form.lists() for v in vs)
        parts["files"] = sorted((name, f.filename or "", _file_digest(f))
                                for name, fs in request.files.lists() for f in fs)
    canonical = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _key() -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not _KEY.match(key):
        message = "幂等键（Idempotency-Key）须为 1–255 个可见 ASCII 字符"
        raise ValidationFailed(message, [Problem(HEADER, message)])
    return key


def idempotent(blp: Blueprint, ttl: timedelta | None = None) -> Callable[[Any], Any]:
    def decorator(view: Any) -> Any:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            key = _key()
            if key is None:
                return view(*args, **kwargs)
            rule = request.url_rule.rule if request.url_rule is not None else request.path
            idem = IdempotentRequest(key=key, username=current_actor().username,
                                     operation=f"{request.method} {rule}", fingerprint=fingerprint(),
                                     at=engine().clock.now())
            if ttl is not None:
                idem.ttl = ttl
            with requested(idem):
                result = view(*args, **kwargs)
            return (result, {REPLAYED_HEADER: "true"}) if idem.replayed else result
        return blp.doc(parameters=[PARAMETER])(wrapper)
    return decorator
