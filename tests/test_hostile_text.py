"""NUL characters, oversized integers and out-of-range dates: the same 422 on SQLite and PostgreSQL, nothing written.

PostgreSQL cannot store U+0000 in text while SQLite can; Python refuses to
convert integers of more than 4300 digits; dates at the ends of Python's range
overflow when turned into UTC bounds. Each was a 500 somewhere.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from tests.consistency import counts
from tests.hostile_support import LOOP_BPMN, LOOP_FORMS, deploy, start_loop_case
from tests.support import ApiClient

HUGE = "9" * 5000


def problem(response: Any, status: int = 422) -> tuple[str, list[str]]:
    body = response.get_json()
    assert response.status_code == status, (response.status_code, body)
    error = body["error"]
    return error["message"], [d["path"] for d in error.get("details", [])]


def row_counts(api: ApiClient) -> dict[str, Any]:
    with api.engine.db.reader() as session:
        return counts(session)


def raw_json(api: ApiClient, path: str, text: str, user: str | None) -> Any:
    return api.client.post(f"/api/v1{path}", data=text.encode(), headers=api.headers(user),
                           content_type="application/json")


@pytest.mark.parametrize(("path", "body", "user", "named"), [
    ("/auth/token", {"username": "ad\u0000min", "password": "demo"}, None, "username"),
    ("/auth/token", {"username": "admin", "password": "de\u0000mo"}, None, "password"),
    ("/process-instances", {"definition_key": "loop_\u0000approval", "data": {}}, "street_a", "definition_key"),
    ("/process-instances", {"definition_key": "loop_approval", "data": {"title": "a\u0000"}}, "street_a",
     "data/title"),
    ("/process-instances", {"definition_key": "loop_approval", "data": {"ti\u0000tle": "a"}}, "street_a",
     "data/ti\\u0000tle"),
    ("/users", {"username": "nul_user", "display_name": "张\u0000三", "password": "secret-pass",
                "org": "street_a", "roles": ["street_office"]}, "admin", "display_name"),
])
def test_nul_in_a_json_body_is_a_422_naming_the_field(backend_api: ApiClient, path: str, body: dict[str, Any],
                                                      user: str | None, named: str) -> None:
    deploy(backend_api.engine)
    before = row_counts(backend_api)
    message, paths = problem(backend_api.post(path, body, as_user=user))
    assert paths == [named]
    assert "空字符" in message
    assert row_counts(backend_api) == before


def test_nul_in_a_completion_and_its_opinion_is_refused(backend_api: ApiClient) -> None:
    deploy(backend_api.engine)
    case_id = start_loop_case(backend_api)
    task = backend_api.open_task(case_id, "submit", "street_a")
    before = row_counts(backend_api)
    _, paths = problem(backend_api.complete(task["id"], "street_a", {"title": "申\u0000请", "amount": 1}))
    assert paths == ["data/title"]
    _, paths = problem(backend_api.complete(task["id"], "street_a", {"title": "申请", "amount": 1}, "意\u0000见"))
    assert paths == ["comment"]
    _, paths = problem(backend_api.post(f"/process-instances/{case_id}/suspend", {"reason": "\u0000"},
                                        as_user="admin"))
    assert paths == ["reason"]
    assert row_counts(backend_api) == before
    assert backend_api.complete(task["id"], "street_a", {"title": "申请", "amount": 1}, "意见").status_code == 200


@pytest.mark.parametrize(("query", "named"), [
    ("business_key=a%00b", "business_key"),
    ("business_key_prefix=%00", "business_key_prefix"),
    ("org=street_a%00", "org"),
    ("definition_key=x&definition_key=%00", "definition_key"),
    ("a%00b=1", "a\\u0000b"),
])
def test_nul_in_a_query_argument_is_a_422_naming_it(backend_api: ApiClient, query: str, named: str) -> None:
    message, paths = problem(backend_api.get(f"/process-instances?{query}", as_user="admin"))
    assert paths == [named]
    assert "查询参数" in message


def test_nul_in_a_path_argument_is_a_422(backend_api: ApiClient) -> None:
    _, paths = problem(backend_api.get("/process-definitions/loop%00approval/versions", as_user="owner"))
    assert paths == ["key"]
    _, paths = problem(backend_api.client.patch("/api/v1/users/street%00_a", json={"display_name": "x"},
                                                headers=backend_api.headers("admin")))
    assert paths == ["username"]


def test_nul_in_a_form_field_or_a_form_file_is_refused(backend_api: ApiClient) -> None:
    deploy(backend_api.engine)
    case_id = start_loop_case(backend_api)
    before = row_counts(backend_api)
    response = backend_api.client.post(
        f"/api/v1/process-instances/{case_id}/attachments", headers=backend_api.headers("street_a"),
        data={"file": (io.BytesIO(b"plain text"), "note.txt"), "reason": "补\u0000充"},
        content_type="multipart/form-data")
    _, paths = problem(response)
    assert paths == ["reason"]

    forms = dict(LOOP_FORMS)
    name = sorted(forms)[0]
    doc = json.loads(forms[name])
    doc["title"] = "表\u0000单"
    forms[name] = json.dumps(doc).encode()
    data: dict[str, Any] = {"bpmn": (io.BytesIO(LOOP_BPMN), "loop_approval.bpmn"),
                            "forms": [(io.BytesIO(content), n) for n, content in forms.items()]}
    response = backend_api.client.post("/api/v1/process-definitions", data=data,
                                       headers=backend_api.headers("owner"), content_type="multipart/form-data")
    _, paths = problem(response)
    assert name in paths
    assert any("空字符" in d["message"] for d in response.get_json()["error"]["details"])
    assert row_counts(backend_api) == before


@pytest.mark.parametrize(("path", "text", "user"), [
    ("/auth/token", f'{{"username": "admin", "password": "demo", "n": {HUGE}}}', None),
    ("/auth/token", f'{{"username": "admin", "password": "demo", "n": -{HUGE}}}', None),
    ("/process-instances", f'{{"definition_key": "loop_approval", "data": {{"amount": {HUGE}}}}}', "street_a"),
    ("/process-instances", f'{{"definition_key": "loop_approval", "data": {{"x": [1, {{"y": {HUGE}}}]}}}}',
     "street_a"),
])
def test_an_integer_beyond_the_conversion_limit_is_a_422(backend_api: ApiClient, path: str, text: str,
                                                         user: str | None) -> None:
    deploy(backend_api.engine)
    before = row_counts(backend_api)
    message, _ = problem(raw_json(backend_api, path, text, user))
    assert "整数位数过多" in message
    assert row_counts(backend_api) == before


def test_a_long_but_convertible_integer_reaches_the_form_check(backend_api: ApiClient) -> None:
    deploy(backend_api.engine)
    response = raw_json(backend_api, "/process-instances",
                        f'{{"definition_key": "loop_approval", "data": {{"amount": {"9" * 4000}}}}}', "street_a")
    assert response.status_code in (201, 422), response.get_json()
    assert "整数位数过多" not in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["started_to=9999-12-31", "started_from=0001-01-01",
                                   "started_from=0001-01-01&started_to=9999-12-31"])
def test_dates_beyond_the_calendar_are_a_422(backend_api: ApiClient, query: str) -> None:
    response = backend_api.get(f"/process-instances?{query}", as_user="admin")
    _, paths = problem(response)
    assert set(paths) <= {"started_from", "started_to"} and paths
    assert all("日期须在" in d["message"] for d in response.get_json()["error"]["details"])


def test_the_widest_dates_allowed_still_answer(backend_api: ApiClient) -> None:
    response = backend_api.get("/process-instances?started_from=1900-01-01&started_to=9999-12-30", as_user="admin")
    assert response.status_code == 200, response.get_json()


def test_an_attachment_may_exceed_the_default_body_limit_up_to_its_own(template_db: Any, tmp_path: Any) -> None:
    """The upload view's own limit is applied before anything reads the body (form fields are checked too)."""
    from tests.support import fresh_settings, make_client
    settings = fresh_settings(template_db, tmp_path, max_request_bytes=64 * 1024, max_attachment_bytes=512 * 1024)
    for api in make_client(settings):
        deploy(api.engine)
        case_id = start_loop_case(api)
        response = api.client.post(f"/api/v1/process-instances/{case_id}/attachments", headers=api.headers("street_a"),
                                   data={"file": (io.BytesIO(b"x" * (200 * 1024)), "big.txt")},
                                   content_type="multipart/form-data")
        assert response.status_code == 201, response.get_json()
        response = api.client.post(f"/api/v1/process-instances/{case_id}/attachments", headers=api.headers("street_a"),
                                   data={"file": (io.BytesIO(b"x" * (600 * 1024)), "big.txt")},
                                   content_type="multipart/form-data")
        assert response.status_code == 413
