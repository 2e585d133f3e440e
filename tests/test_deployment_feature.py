"""features/deployment.feature: process owners deploy new versions through the API."""

from __future__ import annotations

import json
import re
from typing import Any

from pytest_bdd import parsers, scenarios, then, when

from tests.case_helpers import multipart, procedure_files
from tests.support import ApiClient

scenarios("deployment.feature")


def _deploy(api: ApiClient, deployment: dict[str, Any], user: str, bpmn: bytes, forms: dict[str, bytes]) -> None:
    response = multipart(api, "/process-definitions", user,
                         {"bpmn": (bpmn, "model.bpmn"), "forms": [(body, name) for name, body in forms.items()]})
    deployment.update(response=response, bpmn=bpmn, forms=forms)


def _rename(bpmn: bytes, element: str, name: str) -> bytes:
    pattern = rf'(id="{re.escape(element)}" name=")[^"]*(")'.encode()
    renamed, count = re.subn(pattern, lambda m: m.group(1) + name.encode() + m.group(2), bpmn)
    assert count == 1, f"element {element} not found"
    return renamed


def _require_field(form: bytes, field: str) -> bytes:
    schema = json.loads(form)
    schema["properties"][field] = {"type": "string", "title": "审核依据", "minLength": 2}
    schema["required"].append(field)
    return json.dumps(schema, ensure_ascii=False, indent=2).encode()


@when(parsers.re(r'^user "(?P<user>[^"]+)" deploys "(?P<key>[^"]+)" with task "(?P<element>[^"]+)" renamed to '
                 r'"(?P<name>[^"]+)" and a required text field "(?P<field>[^"]+)" in form "(?P<form>[^"]+)"$'),
      target_fixture="deployment")
def deploy_changed(api: ApiClient, user: str, key: str, element: str, name: str, field: str,
                   form: str) -> dict[str, Any]:
    bpmn, forms = procedure_files(key)
    forms[form] = _require_field(forms[form], field)
    deployment: dict[str, Any] = {}
    _deploy(api, deployment, user, _rename(bpmn, element, name), forms)
    return deployment


@when(parsers.re(r'^user "(?P<user>[^"]+)" deploys "(?P<key>[^"]+)" unchanged$'), target_fixture="deployment")
def deploy_unchanged(api: ApiClient, user: str, key: str) -> dict[str, Any]:
    deployment: dict[str, Any] = {}
    _deploy(api, deployment, user, *procedure_files(key))
    return deployment


@when(parsers.re(r'^user "(?P<user>[^"]+)" deploys "(?P<key>[^"]+)" with flow "(?P<flow>[^"]+)" pointing to '
                 r'"(?P<target>[^"]+)", form "(?P<form>[^"]+)" left out and lane "(?P<lane>[^"]+)" named '
                 r'"(?P<role>[^"]+)"$'), target_fixture="deployment")
def deploy_broken(api: ApiClient, user: str, key: str, flow: str, target: str, form: str, lane: str,
                  role: str) -> dict[str, Any]:
    bpmn, forms = procedure_files(key)
    bpmn, flows = re.subn(rf'(id="{flow}"[^>]*targetRef=")[^"]*(")'.encode(),
                          lambda m: m.group(1) + target.encode() + m.group(2), bpmn)
    bpmn, lanes = re.subn(rf'(id="{lane}" name=")[^"]*(")'.encode(),
                          lambda m: m.group(1) + role.encode() + m.group(2), bpmn)
    assert flows == 1 and lanes == 1
    del forms[form]
    deployment: dict[str, Any] = {}
    _deploy(api, deployment, user, bpmn, forms)
    return deployment


@then(parsers.re(r'^the deployment is answered with (?P<status>\d+) and version (?P<version>\d+)$'))
def answered_with_version(deployment: dict[str, Any], status: str, version: str) -> None:
    response = deployment["response"]
    assert response.status_code == int(status), response.get_json()
    assert response.get_json()["version"] == int(version)


@then(parsers.re(r'^the deployment is answered with (?P<status>\d+)$'))
def answered_with(deployment: dict[str, Any], status: str) -> None:
    assert deployment["response"].status_code == int(status), deployment["response"].get_json()


@then(parsers.re(r'^the deployment is answered with 422 naming "(?P<paths>[^"]+)"$'))
def answered_with_problems(deployment: dict[str, Any], paths: str) -> None:
    response = deployment["response"]
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid_model"
    named = {d["path"] for d in error["details"]}
    assert {p.strip() for p in paths.split(",")} <= named, error["details"]


@then(parsers.re(r'^"(?P<key>[^"]+)" has versions "(?P<versions>[^"]+)"$'))
def has_versions(api: ApiClient, key: str, versions: str) -> None:
    response = api.get(f"/process-definitions/{key}/versions", as_user="owner")
    assert response.status_code == 200
    assert [v["version"] for v in response.get_json()] == [int(v) for v in versions.split(",")]


@then(parsers.re(r'^version (?P<version>\d+) of "(?P<key>[^"]+)" returns the BPMN exactly as uploaded$'))
def xml_as_uploaded(api: ApiClient, deployment: dict[str, Any], version: str, key: str) -> None:
    response = api.get(f"/process-definitions/{key}/versions/{version}/xml", as_user="street_a")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.data == deployment["bpmn"]


@then(parsers.re(r'^version (?P<version>\d+) of "(?P<key>[^"]+)" has form "(?P<form>[^"]+)" requiring '
                 r'"(?P<field>[^"]+)"$'))
def version_form_requires(api: ApiClient, version: str, key: str, form: str, field: str) -> None:
    forms = api.get(f"/process-definitions/{key}/versions/{version}/forms", as_user="owner").get_json()
    assert field in forms[form]["required"]
    old = api.get(f"/process-definitions/{key}/versions/1/forms", as_user="owner").get_json()
    assert field not in old[form]["required"] and set(old) == set(forms)


@then(parsers.re(r'^the case runs on version (?P<version>\d+)$'))
def case_version(api: ApiClient, case: dict[str, Any], version: str) -> None:
    view = api.get(f"/process-instances/{case['id']}", as_user="admin").get_json()
    assert view["definition_version"] == int(version)


@then(parsers.re(r'^the case\'s open task "(?P<element>[^"]+)" is named "(?P<name>[^"]+)" and its form '
                 r'(?P<knows>does not know|requires) "(?P<field>[^"]+)"$'))
def open_task_version(api: ApiClient, case: dict[str, Any], element: str, name: str, knows: str,
                      field: str) -> None:
    task = api.open_task(case["id"], element, "admin")
    assert task["name"] == name
    detail = api.get(f"/tasks/{task['id']}", as_user="civil_affairs").get_json()
    schema = detail["form"]["schema"]
    if knows == "requires":
        assert field in schema["required"]
    else:
        assert field not in schema["properties"]
