"""Request validation answers in Chinese: marshmallow's, webargs' and flask-smorest's messages (api/messages_zh.py)."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, fields

import api as api_package
from tests.support import ApiClient

CJK = re.compile(r"[\u4e00-\u9fff]")


def _details(response: Any, status: int = 422) -> dict[str, str]:
    assert response.status_code == status, response.get_json()
    return {d["path"]: d["message"] for d in response.get_json()["error"]["details"]}


def test_request_body_errors_are_chinese_with_their_paths(api: ApiClient) -> None:
    assert _details(api.post("/process-instances", {}, as_user="department")) == {"definition_key": "缺少必填字段"}
    body = {"definition_key": "community_access", "data": [], "bogus": 1}
    assert _details(api.post("/process-instances", body, as_user="department")) == {
        "data": "应为 JSON 对象", "bogus": "未知字段"}
    assert _details(api.post("/tasks/1/complete", {"data": {}, "comment": 7}, as_user="department")) == {
        "comment": "应为字符串"}
    user = {"username": "new_clerk", "display_name": "", "password": "long-enough-1", "org": "xinqu",
            "roles": "admin", "active": "maybe"}
    assert _details(api.post("/users", user, as_user="admin")) == {
        "display_name": "长度须在 1 到 200 之间",
        "roles": "应为列表（JSON 数组）",
        "active": "应为布尔值（true 或 false）",
    }


def test_query_argument_errors_are_chinese_with_their_paths(api: ApiClient) -> None:
    got = _details(api.get("/process-instances?limit=abc&offset=-1&started_from=2026-13-01&sort=zz",
                           as_user="auditor"))
    assert got["limit"] == "应为整数"
    assert got["offset"] == "须大于或等于 0 且小于或等于 10000000"
    assert got["started_from"] == "不是有效的日期（年-月-日，如 2026-01-31）"
    assert got["sort"].startswith("须为以下之一：") and "created_at" in got["sort"]
    assert _details(api.get("/process-instances?limit=0", as_user="auditor")) == {
        "limit": "须大于或等于 1 且小于或等于 500"}


def test_a_body_that_is_not_json_is_refused_in_chinese(api: ApiClient) -> None:
    headers = {**api.headers("department"), "Content-Type": "application/json"}
    response = api.client.post("/api/v1/process-instances", data="{not json", headers=headers)
    assert _details(response, 400) == {"/": "不是合法的 JSON"}


def _schema_classes(root: type[Schema]) -> list[type[Schema]]:
    found, stack = [], [root]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if any(base.__module__.startswith("api.") for base in cls.__mro__):
            found.append(cls)
    return found


def _messages(field: fields.Field) -> list[str]:
    out = [m for m in field.error_messages.values() if isinstance(m, str)]
    for validator in field.validators:
        out.extend(v for k, v in vars(validator).items() if isinstance(v, str) and (k == "error" or
                                                                                     k.startswith("message")))
    for inner in (getattr(field, "inner", None), getattr(field, "value_field", None),
                  getattr(field, "key_field", None)):
        if isinstance(inner, fields.Field):
            out.extend(_messages(inner))
    return out


def test_every_schema_of_the_api_speaks_chinese() -> None:
    """Catches a schema module that builds its fields before api/messages_zh.py has run."""
    assert api_package.create_app  # every route module (and its schemas) is imported with the package
    classes = _schema_classes(Schema)
    assert len(classes) > 30
    english = [f"{cls.__name__}.{name}: {message}"
               for cls in classes for name, field in cls().fields.items()
               for message in _messages(field) if not CJK.search(message)]
    assert english == []
    assert all(CJK.search(m) for cls in classes for m in cls().error_messages.values())
