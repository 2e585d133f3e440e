"""The OpenAPI document is valid, complete about errors and security, and the live app keeps to it.

Schemathesis generates requests from the document (valid and invalid ones) and
sends them to the real app in-process (WSGI) with a demo user's bearer token, as
an admin and as a clerk, on SQLite and on PostgreSQL: no answer may be a 5xx, and every status, content type,
header and body must be the documented one. Bounded: a few examples per operation.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support import DEMO_TOKENS, ApiClient

PUBLIC_OPERATIONS = {("get", "/api/v1/health"), ("get", "/api/v1/ready"), ("post", "/api/v1/auth/token"),
                     ("get", "/api/v1/access-list"), ("get", "/api/v1/access-list/units"),
                     ("get", "/api/v1/progress")}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, op) for path, item in document["paths"].items()
            for method, op in item.items() if method in ("get", "post", "put", "patch", "delete")]


@pytest.fixture
def document(api: ApiClient) -> dict[str, Any]:
    response = api.client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "POST /api/v1/auth/token 取得的令牌"}


def test_every_operation_documents_security_and_errors(document: dict[str, Any]) -> None:
    error_ref = {"$ref": "#/components/schemas/ApiError"}
    responses = document["components"]["responses"]
    for method, path, op in operations(document):
        where = f"{method.upper()} {path}"
        assert op.get("summary") or op.get("description"), f"{where} has no description"
        if (method, path) in PUBLIC_OPERATIONS:
            assert op["security"] == [], where
        else:
            assert op["security"] == [{"bearerAuth": []}], where
            assert "401" in op["responses"], where
        if "requestBody" in op or any(p["in"] == "query" for p in op.get("parameters", [])):
            assert "422" in op["responses"], f"{where} takes input but documents no 422"
        if "{" in path:
            assert "404" in op["responses"], f"{where} has a path parameter but documents no 404"
        for status, response in op["responses"].items():
            if status.startswith(("2", "3")):
                continue
            if "$ref" in response:
                response = responses[response["$ref"].rsplit("/", 1)[1]]
            schema = response["content"]["application/json"]["schema"]
            assert schema == error_ref, f"{where} {status} is not an ApiError"


def test_lists_document_pagination(document: dict[str, Any]) -> None:
    for path in ("/api/v1/users", "/api/v1/tasks", "/api/v1/process-definitions"):
        op = document["paths"][path]["get"]
        names = {p["name"] for p in op["parameters"]}
        assert {"limit", "offset", "sort"} <= names, path
        assert "X-Total-Count" in op["responses"]["200"]["headers"], path


FUZZ = settings(max_examples=10, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck), database=None)


def fuzz(api: ApiClient, username: str) -> list[str]:
    """Run every operation (but logout, which would revoke the token in use) in both generation modes."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api.app)
    headers = {"Authorization": f"Bearer {DEMO_TOKENS[username]}"}
    failures = []
    ran = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path == "/api/v1/auth/logout":
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @FUZZ
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: Any) -> None:
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
                assert mode == GenerationMode.NEGATIVE, operation.label
            except Exception as exc:  # collect every operation's failure, then report them all
                failures.append(f"{operation.label} ({mode}): {exc}")
            ran += 1
    assert ran >= 2 * 14, "schemathesis found too few operations"
    return failures


@pytest.mark.parametrize("username", ["admin", "street_a"])
def test_api_keeps_to_its_document(backend_api: ApiClient, username: str) -> None:
    """On both backends: PostgreSQL refuses text SQLite stores (NUL), and the answers must not differ."""
    failures = fuzz(backend_api, username)
    assert not failures, "\n\n".join(failures)
