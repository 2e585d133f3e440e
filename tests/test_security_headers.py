"""Security headers on pages, API answers, downloads and static files; HSTS over HTTPS only; one charset."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.security_headers import DATA_CSP, HSTS, PAGE_CSP
from tests.hostile_support import deploy, start_loop_case
from tests.support import ApiClient, fresh_settings, make_client

COMMON = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


def assert_common(response: Any) -> None:
    for name, value in COMMON.items():
        assert response.headers.get(name) == value, (name, response.headers)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(("path", "user"), [
    ("/api/v1/health", None), ("/api/v1/me", "street_a"), ("/api/v1/me", None),
    ("/api/v1/process-instances/999999", "admin"), ("/api/v1/openapi.json", None), ("/nowhere", None),
])
def test_api_answers_carry_the_headers_and_a_policy_that_runs_nothing(api: ApiClient, path: str,
                                                                      user: str | None) -> None:
    response = api.client.get(path, headers=api.headers(user))
    assert_common(response)
    assert response.headers["Content-Security-Policy"] == DATA_CSP
    assert "Strict-Transport-Security" not in response.headers


def test_pages_get_the_page_policy_and_the_docs_keep_their_own(api: ApiClient) -> None:
    login = api.client.get("/login")
    assert login.status_code == 200
    assert_common(login)
    assert login.headers["Content-Security-Policy"] == PAGE_CSP
    assert "unsafe-eval" not in PAGE_CSP and "'unsafe-inline'" not in PAGE_CSP.split("script-src")[1].split(";")[0]
    task = api.client.get("/tasks/1")
    assert "'unsafe-eval'" in task.headers["Content-Security-Policy"]
    docs = api.client.get("/api/docs")
    assert_common(docs)
    assert "style-src 'self' 'unsafe-inline'" in docs.headers["Content-Security-Policy"]
    static = api.client.get("/web-static/site.css")
    assert_common(static)


def test_hsts_only_when_the_request_came_over_https(api: ApiClient) -> None:
    assert "Strict-Transport-Security" not in api.client.get("/api/v1/health").headers
    secure = api.client.get("/api/v1/health", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == HSTS
    # a forwarded scheme is not believed unless a proxy is trusted
    forwarded = api.client.get("/api/v1/health", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in forwarded.headers


@pytest.fixture
def behind_proxy(template_db: Path, tmp_path: Path) -> Iterator[ApiClient]:
    yield from make_client(fresh_settings(template_db, tmp_path, trusted_proxies=1))


def test_hsts_behind_a_trusted_proxy(behind_proxy: ApiClient) -> None:
    forwarded = behind_proxy.client.get("/api/v1/health", headers={"X-Forwarded-Proto": "https"})
    assert forwarded.headers["Strict-Transport-Security"] == HSTS
    plain = behind_proxy.client.get("/api/v1/health", headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in plain.headers


@pytest.mark.parametrize(("content", "charset"), [("办件材料说明".encode(), "utf-8"),
                                                  ("办件材料说明".encode("gb18030"), "gb18030")])
def test_a_text_download_names_one_charset_the_right_one(api: ApiClient, content: bytes, charset: str) -> None:
    deploy(api.engine)
    case_id = start_loop_case(api)
    uploaded = api.client.post(f"/api/v1/process-instances/{case_id}/attachments", headers=api.headers("street_a"),
                               data={"file": (io.BytesIO(content), "说明.txt")}, content_type="multipart/form-data")
    assert uploaded.status_code == 201, uploaded.get_json()
    download = api.get(f"/process-instances/{case_id}/attachments/{uploaded.get_json()['id']}", as_user="street_a")
    assert download.headers.getlist("Content-Type") == [f"text/plain; charset={charset}"]
    assert download.data.decode(charset) == "办件材料说明"
    assert_common(download)
    csv = api.get(f"/process-instances/{case_id}/history?format=csv", as_user="street_a")
    assert csv.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"]
