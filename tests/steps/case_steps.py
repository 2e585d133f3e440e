"""Gherkin steps (features/README.md): clerks drive cases through the real HTTP API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from tests.paper_files import upload_papers
from tests.support import ApiClient

Q = r'"(?P<{}>[^"]+)"'


def _re(template: str) -> Any:
    names = ["user", "key", "element", "elements", "comment", "name", "path", "field"]
    pattern = template
    for name in names:
        pattern = pattern.replace("{" + name + "}", Q.format(name))
    return parsers.re("^" + pattern + "$")


def _json(docstring: str) -> dict[str, Any]:
    value = json.loads(docstring) if docstring and docstring.strip() else {}
    assert isinstance(value, dict), "the doc string must be a JSON object"
    return value


@pytest.fixture
def case() -> dict[str, Any]:
    return {}


def _case_view(api: ApiClient, case: dict[str, Any]) -> dict[str, Any]:
    response = api.get(f"/process-instances/{case['id']}", as_user="admin")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@given(_re('user {user} starts a {key} case with:'))
def start_case(api: ApiClient, case: dict[str, Any], user: str, key: str, docstring: str) -> None:
    response = api.start(user, key, _json(docstring))
    assert response.status_code == 201, response.get_json()
    case["id"] = response.get_json()["id"]


def _complete(api: ApiClient, case: dict[str, Any], user: str, element: str, data: dict[str, Any],
              comment: str | None = None) -> Any:
    # a multi-instance step has one task per unit: the user's own one, when their inbox has it
    mine = api.get("/tasks", as_user=user)
    own = [t for t in (mine.get_json() if mine.status_code == 200 else [])
           if t["instance_id"] == case["id"] and t["element_id"] == element]
    task = own[0] if own else api.open_task(case["id"], element, user)
    return api.complete(task["id"], user, upload_papers(api, case["id"], user, data), comment)


@when(_re('user {user} completes task {element} with:'))
@then(_re('user {user} completes task {element} with:'))
def complete_task(api: ApiClient, case: dict[str, Any], user: str, element: str, docstring: str) -> None:
    response = _complete(api, case, user, element, _json(docstring))
    assert response.status_code == 200, response.get_json()


@when(_re('user {user} completes task {element} with comment {comment} and:'))
@then(_re('user {user} completes task {element} with comment {comment} and:'))
def complete_task_with_comment(api: ApiClient, case: dict[str, Any], user: str, element: str, comment: str,
                               docstring: str) -> None:
    response = _complete(api, case, user, element, _json(docstring), comment)
    assert response.status_code == 200, response.get_json()


@then(_re('the case has open tasks {elements}'))
def open_tasks(api: ApiClient, case: dict[str, Any], elements: str) -> None:
    expected = sorted(e.strip() for e in elements.split(",") if e.strip())
    actual = sorted(t["element_id"] for t in _case_view(api, case)["active_tasks"])
    assert actual == expected


@then(_re('the case has no open task {element}'))
def no_open_task(api: ApiClient, case: dict[str, Any], element: str) -> None:
    actual = [t["element_id"] for t in _case_view(api, case)["active_tasks"]]
    assert element not in actual


@then(_re('the case is completed at end event {name}'))
def completed_at(api: ApiClient, case: dict[str, Any], name: str) -> None:
    view = _case_view(api, case)
    assert view["status"] == "completed", view
    assert view.get("end_event") == name
    assert view["active_tasks"] == []


@then(parsers.re(r'^the case data has "(?P<field>[^"]+)" equal to "(?P<value>.*)"$'))
def data_equals(api: ApiClient, case: dict[str, Any], field: str, value: str) -> None:
    expected = json.loads(value.replace('\\"', '"'))
    assert _case_view(api, case)["data"].get(field) == expected


@then(_re('user {user} is refused with 422 at {path} when completing task {element} with:'))
def refused_422(api: ApiClient, case: dict[str, Any], user: str, path: str, element: str, docstring: str) -> None:
    data = upload_papers(api, case["id"], user, _json(docstring))  # the files are on the case before
    before = _case_view(api, case)
    response = _complete(api, case, user, element, data)
    assert response.status_code == 422, response.get_json()
    body = response.get_json()["error"]
    assert body["code"] == "validation_failed"
    assert path in [d["path"] for d in body["details"]], body
    assert _case_view(api, case) == before  # nothing changed


@then(_re('user {user} is refused with 403 when completing task {element} with:'))
def refused_403(api: ApiClient, case: dict[str, Any], user: str, element: str, docstring: str) -> None:
    before = _case_view(api, case)
    response = _complete(api, case, user, element, _json(docstring))
    assert response.status_code == 403, response.get_json()
    assert response.get_json()["error"]["code"] == "forbidden"
    assert _case_view(api, case) == before


@then(_re('user {user} does not see task {element} in the inbox'))
def not_in_inbox(api: ApiClient, case: dict[str, Any], user: str, element: str) -> None:
    response = api.get("/tasks", as_user=user)
    assert response.status_code == 200
    assert not [t for t in response.get_json() if t["instance_id"] == case["id"] and t["element_id"] == element]


@then(_re('user {user} is refused with 403 when starting a {key} case with:'))
def refused_start(api: ApiClient, user: str, key: str, docstring: str) -> None:
    response = api.start(user, key, _json(docstring))
    assert response.status_code == 403, response.get_json()


@then(_re('user {user} is refused with 422 at {path} when starting a {key} case with:'))
def refused_start_422(api: ApiClient, user: str, path: str, key: str, docstring: str) -> None:
    before = api.get("/process-instances?limit=500", as_user="admin").get_json()
    response = api.start(user, key, _json(docstring))
    assert response.status_code == 422, response.get_json()
    assert path in [d["path"] for d in response.get_json()["error"]["details"]], response.get_json()
    assert api.get("/process-instances?limit=500", as_user="admin").get_json() == before  # no case started
