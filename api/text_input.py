"""NUL characters in path arguments, query arguments and form fields are refused with 422 naming them.

JSON bodies are checked by :mod:`api.limits` (every string and key); this covers
the rest of a request that reaches the database as text. PostgreSQL cannot store
U+0000 and SQLite can, so without this a NUL would be a 500 on one backend and
stored data on the other (see :mod:`engine.store.storable`). Form fields are
read after :mod:`api.limits` has applied the view's body limit.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, request

from engine.errors import Problem, ValidationFailed
from engine.store.storable import NUL_MESSAGE, has_nul, printable

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _first_nul(pairs: Iterable[tuple[str, list[str]]]) -> str | None:
    for key, values in pairs:
        if has_nul(key) or any(isinstance(v, str) and has_nul(v) for v in values):
            return printable(key)
    return None


def _refuse(where: str, name: str) -> ValidationFailed:
    return ValidationFailed(f"请求数据不合规：{where} {name} {NUL_MESSAGE}", [Problem(name, NUL_MESSAGE)])


def register_text_checks(app: Flask) -> None:
    @app.before_request
    def _refuse_nul_text() -> None:
        for name, value in (request.view_args or {}).items():
            if isinstance(value, str) and has_nul(value):
                raise _refuse("路径参数", name)
        found = _first_nul(request.args.lists())
        if found is not None:
            raise _refuse("查询参数", found)
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype in FORM_TYPES:
            found = _first_nul(request.form.lists())
            if found is not None:
                raise _refuse("表单字段", found)
