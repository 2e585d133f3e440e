"""POST /process-definitions and /validate: who may deploy, what is refused (each problem by element id)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.case_helpers import multipart, procedure_files, start_ok
from tests.support import ApiClient

KEY = "community_access"


def files(bpmn: bytes, forms: dict[str, bytes]) -> dict[str, Any]:
    return {"bpmn": (bpmn, f"{KEY}.bpmn"), "forms": [(body, name) for name, body in forms.items()]}


def versions(api: ApiClient, key: str = KEY) -> list[int]:
    return [v["version"] for v in api.get(f"/process-definitions/{key}/versions", as_user="owner").get_json()]


def problems(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.get_json()
    return {d["path"]: d["message"] for d in response.get_json()["error"]["details"]}


def test_validate_checks_without_deploying(api: ApiClient) -> None:
    bpmn, forms = procedure_files(KEY)
    changed = bpmn.replace('name="民政局扎口审核"'.encode(), 'name="扎口审核"'.encode())
    assert changed != bpmn
    response = multipart(api, "/process-definitions/validate", "owner", files(changed, forms))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"ok": True, "key": KEY, "name": "社区事务准入"}
    assert versions(api) == [1]
    del forms["apply.schema.json"]
    found = problems(multipart(api, "/process-definitions/validate", "owner", files(changed, forms)))
    assert "apply" in found and "apply.schema.json" in found["apply"]


def test_a_new_procedure_gets_version_1_and_can_be_started(api: ApiClient) -> None:
    bpmn, forms = procedure_files(KEY)
    pilot = bpmn.replace(b'id="community_access"', b'id="access_pilot"').replace(
        b'processRef="community_access"', b'processRef="access_pilot"')
    response = multipart(api, "/process-definitions", "owner", files(pilot, forms))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["key"], body["version"], body["deployed_by"]) == ("access_pilot", 1, "owner")
    assert "apply.schema.json" in body["form_files"]
    listed = {d["key"] for d in api.get("/process-definitions", as_user="department").get_json()}
    assert "access_pilot" in listed
    case = start_ok(api, "department", "access_pilot", {"item_title": "试点事项", "applicant_department": "区教育局"})
    assert case["business_key"].startswith("AP-") and case["definition_version"] == 1


@pytest.mark.parametrize("user", ["street_a", "auditor", "civil_affairs", "admin"])
def test_only_process_owners_deploy(api: ApiClient, user: str) -> None:
    bpmn, forms = procedure_files(KEY)
    for path in ("/process-definitions", "/process-definitions/validate"):
        response = multipart(api, path, user, files(bpmn.replace(b"\xe6\xb0\x91", b"\xe5\x8c\xba"), forms))
        assert response.status_code == 403, response.get_json()
    assert versions(api) == [1]


def test_structural_problems_are_named_by_element(api: ApiClient) -> None:
    bpmn, forms = procedure_files(KEY)
    broken = (bpmn.replace(b'sourceRef="gatekeep_gateway" targetRef="group_approval"',
                           b'sourceRef="gatekeep_gateway" targetRef="ghost_task"')
              .replace(b'default="Flow_gatekeep_reject"', b'default="Flow_apply_to_precheck"')
              .replace(b"<bpmn:flowNodeRef>apply</bpmn:flowNodeRef>",
                       b"<bpmn:flowNodeRef>apply</bpmn:flowNodeRef><bpmn:flowNodeRef>phantom</bpmn:flowNodeRef>"))
    assert broken.count(b"ghost_task") == 1 and b"phantom" in broken
    found = problems(multipart(api, "/process-definitions", "owner", files(broken, forms)))
    assert "ghost_task" in found["Flow_gatekeep_accept"]
    assert "Flow_apply_to_precheck" in found["gatekeep_gateway"]
    assert "phantom" in found["Lane_department"]
    assert versions(api) == [1]


@pytest.mark.parametrize(("mutate", "path"), [
    (lambda b, f: (b.replace(b'<bpmn:process id="community_access"', b'<bpmn:process id="bad key!"')
                   .replace(b'processRef="community_access"', b'processRef="bad key!"'), f), "bad key!"),
    (lambda b, f: (b.replace(b'id="apply"', b'id="gatekeep_review"', 1), f), "gatekeep_review"),
    (lambda b, f: (b.replace("民政局".encode(), "民政局".encode("gbk")), f), "bpmn"),
    (lambda b, f: (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>', f), "bpmn"),
    (lambda b, f: (b"<not-closed", f), "bpmn"),
    (lambda b, f: (b, {**f, "apply.schema.json": b"{not json"}), "apply.schema.json"),
    (lambda b, f: (b, {**f, "apply.schema.json": json.dumps({"type": 12}).encode()}), "apply.schema.json"),
    (lambda b, f: (b, {**f, "审核 表单.json": b"{}"}), "审核 表单.json"),
    (lambda b, f: (b, {**f, "notes.txt": b"{}"}), "notes.txt"),
])
def test_bad_models_and_forms_are_refused(api: ApiClient, mutate: Any, path: str) -> None:
    bpmn, forms = mutate(*procedure_files(KEY))
    assert path in problems(multipart(api, "/process-definitions", "owner", files(bpmn, forms)))
    assert versions(api) == [1]


def test_missing_bpmn_and_duplicate_form_names(api: ApiClient) -> None:
    bpmn, forms = procedure_files(KEY)
    response = multipart(api, "/process-definitions", "owner", {"forms": [(b"{}", "a.json")]})
    assert "bpmn" in problems(response)
    twice = files(bpmn, forms)
    twice["forms"].append((b"{}", "apply.schema.json"))
    assert "apply.schema.json" in problems(multipart(api, "/process-definitions", "owner", twice))


def test_oversized_bpmn_is_413(api: ApiClient) -> None:
    bpmn, forms = procedure_files(KEY)
    padded = bpmn.replace(b"</bpmn:definitions>", b"<!--" + b"x" * (2 * 1024 * 1024) + b"--></bpmn:definitions>")
    response = multipart(api, "/process-definitions", "owner", files(padded, forms))
    assert response.status_code == 413, response.get_json()


def test_version_reads(api: ApiClient) -> None:
    bpmn, _ = procedure_files(KEY)
    xml = api.get(f"/process-definitions/{KEY}/versions/1/xml", as_user="street_a")
    assert xml.status_code == 200 and xml.data == bpmn
    forms = api.get(f"/process-definitions/{KEY}/versions/1/forms", as_user="street_a").get_json()
    assert forms["apply.schema.json"]["type"] == "object"
    assert api.get(f"/process-definitions/{KEY}/versions/2/xml", as_user="owner").status_code == 404
    assert api.get(f"/process-definitions/{KEY}/versions/2/forms", as_user="owner").status_code == 404
    assert api.get("/process-definitions/nothing/versions", as_user="owner").status_code == 404
    assert api.get(f"/process-definitions/{KEY}/versions").status_code == 401
