"""DMN decision tables: uploaded with the BPMN, versioned with it, evaluated in the sandbox by business-rule tasks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.case_helpers import complete_ok, multipart, start_ok
from tests.model_builder import FORMS, chain, files, flow, model, user_task
from tests.support import ApiClient

DMN = (Path(__file__).parent / "fixtures" / "decisions" / "grading.dmn").read_bytes()
APPLY_FORM = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "申请", "type": "object",
              "properties": {"amount": {"type": "number", "title": "金额"},
                             "kind": {"type": "string", "title": "类别"}},
              "required": ["amount", "kind"], "additionalProperties": False}
FORMS_WITH_APPLY = {**FORMS, "apply.schema.json": json.dumps(APPLY_FORM).encode()}


def rule_task(decision: str = "subsidy_grade") -> str:
    return ('<bpmn:businessRuleTask id="grade" name="补助分档"><bpmn:extensionElements><spiffworkflow:calledDecisionId>'
            f'{decision}</spiffworkflow:calledDecisionId></bpmn:extensionElements></bpmn:businessRuleTask>')


def subsidy_model(decision: str = "subsidy_grade") -> bytes:
    body = ('<bpmn:startEvent id="start" name="发起" />' + user_task("apply", "申请", schema="apply.schema.json")
            + rule_task(decision) + '<bpmn:exclusiveGateway id="who" name="谁审批" default="Flow_street" />'
            + user_task("street_review", "街道审核") + user_task("district_review", "区级审核")
            + '<bpmn:endEvent id="end_s" name="街道办结" /><bpmn:endEvent id="end_d" name="区级办结" />'
            + chain("start", "apply", "grade", "who") + flow("Flow_street", "who", "street_review")
            + flow("Flow_district", "who", "district_review", 'level == "district"')
            + chain("street_review", "end_s") + chain("district_review", "end_d"))
    return model("subsidy", body, {"street_office": ["start", "apply", "grade", "who", "street_review", "end_s"],
                                   "civil_affairs": ["district_review", "end_d"]})


def upload(api: ApiClient, bpmn: bytes, dmn: dict[str, bytes], path: str = "/process-definitions",
           among_forms: bool = False) -> Any:
    forms = dict(FORMS_WITH_APPLY)
    extra: dict[str, Any] = {}
    if among_forms:
        forms.update(dmn)
    else:
        extra["decisions"] = [(content, name) for name, content in dmn.items()]
    return multipart(api, path, "owner", files(bpmn, forms, key="subsidy", extra=extra))


def refusals(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.get_json()
    return {d["path"]: d["message"] for d in response.get_json()["error"]["details"]}


@pytest.mark.parametrize("among_forms", [False, True], ids=["decisions field", "among the forms"])
def test_a_business_rule_task_decides_the_path_from_its_table(api: ApiClient, among_forms: bool) -> None:
    response = upload(api, subsidy_model(), {"grading.dmn": DMN}, among_forms=among_forms)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["decision_files"] == ["grading.dmn"]

    big = start_ok(api, "street_a", "subsidy", {})
    after = complete_ok(api, big["id"], "apply", "street_a", {"amount": 20000, "kind": "助残"})
    assert [t["element_id"] for t in after["active_tasks"]] == ["district_review"]
    assert (after["data"]["level"], after["data"]["cap"]) == ("district", 20000)

    small = start_ok(api, "street_a", "subsidy", {})
    after = complete_ok(api, small["id"], "apply", "street_a", {"amount": 5000, "kind": "elderly"})
    assert [t["element_id"] for t in after["active_tasks"]] == ["street_review"]
    assert (after["data"]["level"], after["data"]["cap"]) == ("street", 5000)

    history = api.get(f"/process-instances/{small['id']}/history", as_user="auditor").get_json()
    step = next(e for e in history if e["element_id"] == "grade")
    assert step["payload"]["result"] == {"level": "street", "cap": 5000}
    for case in (big, small):
        verdict = api.post(f"/process-instances/{case['id']}/verify", as_user="auditor").get_json()
        assert verdict["ok"], verdict


def test_decision_files_are_versioned_with_the_bpmn(api: ApiClient) -> None:
    assert upload(api, subsidy_model(), {"grading.dmn": DMN}).status_code == 201
    changed = DMN.replace(b"&gt; 10000", b"&gt; 3000")
    second = upload(api, subsidy_model(), {"grading.dmn": changed})
    assert second.status_code == 201 and second.get_json()["version"] == 2
    assert upload(api, subsidy_model(), {"grading.dmn": changed}).status_code == 200  # unchanged: not redeployed
    v1 = api.get("/process-definitions/subsidy/versions/1/decisions", as_user="street_a").get_json()
    v2 = api.get("/process-definitions/subsidy/versions/2/decisions", as_user="street_a").get_json()
    assert v1 == {"grading.dmn": DMN.decode()} and v2 == {"grading.dmn": changed.decode()}
    raw = api.get("/process-definitions/subsidy/versions/2/decisions/grading.dmn", as_user="street_a")
    assert raw.status_code == 200 and raw.mimetype == "application/xml" and raw.data == changed
    assert api.get("/process-definitions/subsidy/versions/2/decisions/other.dmn", as_user="street_a").status_code == 404
    # new cases take the new table (5000 now goes to the district)
    case = start_ok(api, "street_a", "subsidy", {})
    after = complete_ok(api, case["id"], "apply", "street_a", {"amount": 5000, "kind": "elderly"})
    assert after["data"]["level"] == "district"


def test_a_missing_decision_is_named_on_the_business_rule_task(api: ApiClient) -> None:
    found = refusals(upload(api, subsidy_model("no_such_table"), {"grading.dmn": DMN}))
    assert set(found) == {"grade"} and "no_such_table" in found["grade"] and ".dmn" in found["grade"]
    found = refusals(upload(api, subsidy_model().replace(
        b"<spiffworkflow:calledDecisionId>subsidy_grade</spiffworkflow:calledDecisionId>", b""), {}))
    assert set(found) == {"grade"} and "calledDecisionId" in found["grade"]


@pytest.mark.parametrize(("dmn", "path", "words"), [
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>' + DMN.split(b"?>", 1)[1], "grading.dmn", "DOCTYPE"),
    (DMN.replace(b"min(amount, 50000)", b"().__class__"), "Out_large_cap", ""),
    (DMN.replace(b"&gt; 10000", b"&gt; 10 ** 10 ** 10"), "Entry_large_amount", ""),
    (DMN[:200], "grading.dmn", "第"),
], ids=["doctype", "dunder", "bomb", "truncated"])
def test_hostile_decision_tables_are_refused_naming_the_file_or_element(api: ApiClient, dmn: bytes, path: str,
                                                                        words: str) -> None:
    found = refusals(upload(api, subsidy_model(), {"grading.dmn": dmn}, path="/process-definitions/validate"))
    assert path in found, found
    assert words in found[path]
    assert api.get("/process-definitions/subsidy/versions", as_user="owner").status_code == 404


def test_decision_file_names_are_checked(api: ApiClient) -> None:
    found = refusals(upload(api, subsidy_model(), {"../grading.dmn.exe": DMN}))
    assert any(".dmn 结尾" in message for message in found.values())
