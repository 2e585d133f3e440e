"""JSON answers written by orjson (api/json_output.py) are the documents Flask's own provider wrote."""

from __future__ import annotations

import dataclasses
import decimal
import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask.json.provider import DefaultJSONProvider

from api.json_output import FastJSONProvider
from tests.support import ApiClient
from tests.workbench_support import walk_case


def _flask_default(api: ApiClient) -> DefaultJSONProvider:
    provider = DefaultJSONProvider(api.app)
    provider.ensure_ascii = False
    return provider


def test_the_app_writes_json_with_orjson(api: ApiClient) -> None:
    assert isinstance(api.app.json, FastJSONProvider)


def test_view_answers_are_byte_for_byte_what_flask_wrote(api: ApiClient) -> None:
    case = walk_case(api, steps=1)
    tasks = api.get("/tasks", as_user="civil_affairs").get_json()
    assert tasks
    default = _flask_default(api)
    for path in ("/tasks", f"/tasks/{tasks[0]['id']}", f"/process-instances/{case.id}", "/tasks/done"):
        response = api.get(path, as_user="civil_affairs")
        assert response.status_code == 200
        with api.app.app_context():
            expected = default.response(json.loads(response.data)).data
        assert response.data == expected, path


@dataclasses.dataclass
class _Point:
    x: int
    label: str


def test_types_beyond_json_go_through_flasks_default_as_before(api: ApiClient) -> None:
    value: dict[str, Any] = {
        "when": datetime(2026, 12, 2, 8, 30, tzinfo=UTC), "day": date(2026, 12, 2),
        "amount": decimal.Decimal("12.50"), "id": uuid.UUID(int=7), "point": _Point(1, "甲"),
        "zh": "社区治理", "nested": {"b": 1, "a": [1.5, None, True]},
    }
    with api.app.app_context():
        assert api.app.json.response(value).data == _flask_default(api).response(value).data


def test_what_orjson_refuses_takes_the_standard_librarys_path(api: ApiClient) -> None:
    for value in ({"big": 2**70}, {1: "int key", 2: [3]}):
        with api.app.app_context():
            assert api.app.json.response(value).data == _flask_default(api).response(value).data
    with api.app.app_context():  # a lone surrogate is no UTF-8: refused by both alike
        for provider in (api.app.json, _flask_default(api)):
            with pytest.raises(UnicodeEncodeError):
                provider.response({"lone": "\ud800"})
