"""Hostile request bodies: size, nesting, string length, odd numbers, wrong form data — 4xx, nothing written."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.consistency import check_case, counts
from tests.hostile_support import complete_step, deploy, start_loop_case
from tests.support import ApiClient, fresh_settings, make_client


@pytest.fixture
def small_api(template_db: Path, tmp_path: Path) -> Iterator[ApiClient]:
    yield from make_client(fresh_settings(template_db, tmp_path, max_request_bytes=64 * 1024))


@pytest.fixture
def submit_task(api: ApiClient) -> tuple[int, int]:
    deploy(api.engine)
    case_id = start_loop_case(api)
    return case_id, api.open_task(case_id, "submit", "street_a")["id"]


def snapshot_of(api: ApiClient, case_id: int) -> tuple[Any, ...]:
    with api.engine.db.reader() as session:
        facts = check_case(session, api.engine.registry, case_id)
        return facts.version, facts.journal_seq, facts.ready_elements, tuple(sorted(counts(session).items()))


def raw_post(api: ApiClient, path: str, body: bytes, user: str = "street_a",
             content_type: str = "application/json") -> Any:
    return api.client.post(f"/api/v1{path}", data=body, headers=api.headers(user), content_type=content_type)


def error_of(response: Any) -> dict[str, Any]:
    body = response.get_json()
    assert isinstance(body, dict) and "error" in body, response.get_data(as_text=True)[:300]
    return body["error"]


def test_body_over_the_upload_limit_gets_a_json_413(small_api: ApiClient) -> None:
    response = raw_post(small_api, "/process-instances", b"x" * (65 * 1024), content_type="application/octet-stream")
    assert response.status_code == 413
    assert error_of(response)["code"] == "request_entity_too_large"


def test_json_body_over_the_json_limit_gets_413(api: ApiClient) -> None:
    body = json.dumps({"definition_key": "loop_approval", "data": {"x": ["y" * 1000] * 1100}}).encode()
    response = raw_post(api, "/process-instances", body)
    assert response.status_code == 413
    assert error_of(response)["code"] == "too_large"


def nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deeply_nested_body_gets_422_with_a_path(api: ApiClient, submit_task: tuple[int, int], depth: int) -> None:
    case_id, task_id = submit_task
    before = snapshot_of(api, case_id)
    response = raw_post(api, f"/tasks/{task_id}/complete", ('{"data":' + nested(depth) + "}").encode())
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    detail = error_of(response)["details"][0]
    assert "嵌套过深" in detail["message"]
    assert detail["path"].startswith("data/a/a") or depth > 1000
    assert snapshot_of(api, case_id) == before


@pytest.mark.parametrize(("body", "path"), [
    ('{"data": {"title": "' + "长" * 20_001 + '", "amount": 1}}', "data/title"),
    ('{"data": {"title": "x", "amount": 1}, "comment": "' + "x" * 20_001 + '"}', "comment"),
    ('{"data": {"title": "x", "amount": NaN}}', "/"),
    ('{"data": {"title": "x", "amount": Infinity}}', "/"),
    ('{"data": {"title": "x", "amount": 1e999}}', "/"),
    ('{"data": {"title": "x", "amount": 1, "list": [' + ",".join(["0"] * 25_000) + "]}}", None),
    ('{"data": {"title": "\\ud800", "amount": 1}}', "data/title"),
    ('{"data": {"title": "x", "amount": 1}, "comment": "\\udfff"}', "comment"),
])
def test_oversized_values_get_422_with_a_path(api: ApiClient, submit_task: tuple[int, int], body: str,
                                              path: str | None) -> None:
    case_id, task_id = submit_task
    before = snapshot_of(api, case_id)
    response = raw_post(api, f"/tasks/{task_id}/complete", body.encode())
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    if path is not None:
        assert error_of(response)["details"][0]["path"] == path
    assert snapshot_of(api, case_id) == before


@pytest.mark.parametrize(("data", "paths"), [
    ({"title": 123, "amount": "十"}, {"title", "amount"}),
    ({"title": "x", "amount": 1, "admin": True}, {"admin"}),
    ({"title": "x" * 101, "amount": 10**30}, {"title", "amount"}),
    ({"title": ["x"], "amount": {"$gt": 0}}, {"title", "amount"}),
    ({"title": None, "amount": True}, {"title", "amount"}),
    ({}, {"title", "amount"}),
])
def test_wrong_form_data_gets_422_naming_each_field(api: ApiClient, submit_task: tuple[int, int],
                                                     data: dict[str, Any], paths: set[str]) -> None:
    case_id, task_id = submit_task
    before = snapshot_of(api, case_id)
    response = api.complete(task_id, "street_a", data)
    assert response.status_code == 422, response.get_json()
    assert {d["path"] for d in error_of(response)["details"]} == paths
    assert snapshot_of(api, case_id) == before


@pytest.mark.parametrize("body", [
    {"data": {"title": "x", "amount": 1}, "unexpected": 1},
    {"data": "not an object"},
    {"data": {"title": "x", "amount": 1}, "comment": 5},
    ["not", "an", "object"],
])
def test_malformed_complete_bodies_get_422(api: ApiClient, submit_task: tuple[int, int], body: Any) -> None:
    case_id, task_id = submit_task
    before = snapshot_of(api, case_id)
    response = api.post(f"/tasks/{task_id}/complete", body, as_user="street_a")
    assert response.status_code == 422, response.get_json()
    assert error_of(response)["details"]
    assert snapshot_of(api, case_id) == before


def test_request_that_is_not_json_at_all_gets_a_4xx(api: ApiClient, submit_task: tuple[int, int]) -> None:
    case_id, task_id = submit_task
    before = snapshot_of(api, case_id)
    response = raw_post(api, f"/tasks/{task_id}/complete", b'{"data": {"title": ')
    assert 400 <= response.status_code < 500
    assert error_of(response)
    assert snapshot_of(api, case_id) == before
    assert complete_step(api, case_id, "submit", "street_a", {"title": "x", "amount": 1}).status_code == 200


def test_list_limit_is_capped(api: ApiClient) -> None:
    """``limit`` above 200 is refused or capped (api/pagination.py)."""
    deploy(api.engine)
    for _ in range(205):
        start_loop_case(api)
    response = api.get("/process-instances?limit=1000", as_user="admin")
    if response.status_code == 422:
        assert "limit" in json.dumps(error_of(response), ensure_ascii=False)
    else:
        assert response.status_code == 200
        assert len(response.get_json()) <= 200


def test_a_lone_surrogate_in_a_login_is_a_422_not_a_500(api: ApiClient) -> None:
    response = raw_post(api, "/auth/token", b'{"username": "\\ud800", "password": "demo"}')
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
