"""Gherkin steps of the 吹哨报到 feature: tasks of one element offered at several units, and papers.

``completes their task`` picks the open task of that element which the user may act on (a
multi-instance task has one per department); a string value ``"@file:名称.pdf"`` in a doc string
(alone or in a list) is uploaded to the case as that user first and replaced by the attachment's id.
"""

from __future__ import annotations

import json
from typing import Any

from pytest_bdd import parsers, then, when

from tests.case_helpers import multipart
from tests.steps.case_steps import _case_view, _re
from tests.support import ApiClient

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
FILE_PREFIX = "@file:"


def _upload(api: ApiClient, instance_id: int, user: str, name: str) -> int:
    response = multipart(api, f"/process-instances/{instance_id}/attachments", user, {"file": (PDF, name)})
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def _with_files(api: ApiClient, instance_id: int, user: str, data: dict[str, Any]) -> dict[str, Any]:
    def resolve(value: Any) -> Any:
        if isinstance(value, str) and value.startswith(FILE_PREFIX):
            return _upload(api, instance_id, user, value[len(FILE_PREFIX):])
        if isinstance(value, list):
            return [resolve(item) for item in value]
        return value
    return {key: resolve(value) for key, value in data.items()}


def _own_task(api: ApiClient, instance_id: int, user: str, element: str) -> dict[str, Any]:
    response = api.get("/tasks", as_user=user)
    assert response.status_code == 200, response.get_json()
    mine = [t for t in response.get_json() if t["instance_id"] == instance_id and t["element_id"] == element]
    assert mine, f"{user} has no open task {element} in case {instance_id}"
    return mine[0]


def _submit(api: ApiClient, case: dict[str, Any], user: str, element: str, docstring: str, own: bool) -> Any:
    data = _with_files(api, case["id"], user, json.loads(docstring))
    task = _own_task(api, case["id"], user, element) if own else api.open_task(case["id"], element, user)
    return api.complete(task["id"], user, data)


@when(_re("user {user} completes their task {element} with:"))
@then(_re("user {user} completes their task {element} with:"))
def complete_own_task(api: ApiClient, case: dict[str, Any], user: str, element: str, docstring: str) -> None:
    response = _submit(api, case, user, element, docstring, own=True)
    assert response.status_code == 200, response.get_json()


@when(_re("user {user} completes task {element} with papers:"))
@then(_re("user {user} completes task {element} with papers:"))
def complete_with_papers(api: ApiClient, case: dict[str, Any], user: str, element: str, docstring: str) -> None:
    response = _submit(api, case, user, element, docstring, own=False)
    assert response.status_code == 200, response.get_json()


@then(_re("user {user} is refused with 422 at {path} when completing their task {element} with:"))
def refused_own_422(api: ApiClient, case: dict[str, Any], user: str, path: str, element: str,
                    docstring: str) -> None:
    data = _with_files(api, case["id"], user, json.loads(docstring))
    before = _case_view(api, case)
    response = api.complete(_own_task(api, case["id"], user, element)["id"], user, data)
    assert response.status_code == 422, response.get_json()
    body = response.get_json()["error"]
    assert path in [d["path"] for d in body["details"]], body
    assert _case_view(api, case) == before  # nothing changed


@then(_re("user {user} sees task {element} in the inbox"))
def in_inbox(api: ApiClient, case: dict[str, Any], user: str, element: str) -> None:
    _own_task(api, case["id"], user, element)


@then(parsers.re(r'^the case has (?P<count>\d+) open tasks "(?P<element>[^"]+)"$'))
def open_task_count(api: ApiClient, case: dict[str, Any], count: str, element: str) -> None:
    tasks = [t for t in _case_view(api, case)["active_tasks"] if t["element_id"] == element]
    assert len(tasks) == int(count), tasks


@then(parsers.re(r'^the departments\' reports are "(?P<outcomes>[^"]+)"$'))
def reports_are(api: ApiClient, case: dict[str, Any], outcomes: str) -> None:
    """``dept_urban:done, dept_housing:partly`` — this round's result of each whistled department, by its id."""
    expected = dict(pair.strip().split(":") for pair in outcomes.split(","))
    assert _case_view(api, case)["data"].get("reports") == expected
