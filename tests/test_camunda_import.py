"""Importing a Camunda Modeler model: forms to JSON Schema + UI schema, JUEL conditions to sandbox expressions,
candidate groups to lanes, and a report element by element of what converted and what did not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine.definitions.camunda_import import juel_to_python
from tests.case_helpers import complete_ok, multipart, start_ok
from tests.support import ApiClient

CAMUNDA = (Path(__file__).parent / "fixtures" / "camunda" / "subsidy_camunda.bpmn").read_bytes()


def import_model(api: ApiClient, bpmn: bytes, deploy: bool, user: str = "owner") -> Any:
    path = "/process-definitions/import" + ("?deploy=true" if deploy else "")
    return multipart(api, path, user, {"bpmn": (bpmn, "subsidy_camunda.bpmn")})


@pytest.mark.parametrize(("juel", "python"), [
    ("${amount > 1000}", "amount > 1000"),
    ("${approved}", "approved"),
    ("${x == 'yes'}", "x == 'yes'"),
    ("${!approved && amount le 5}", "not approved and amount <= 5"),
    ("${a eq 'x' || b ne null}", "a == 'x' or b != None"),
    ("${empty note}", "not note"),
    ("#{count >= 3}", "count >= 3"),
])
def test_simple_juel_becomes_a_sandbox_expression(juel: str, python: str) -> None:
    assert juel_to_python(juel) == (python, "")


@pytest.mark.parametrize("juel", ["${execution.getVariable('a')}", "${a ? b : c}", "${list[0]}", "${__class__}",
                                  "amount > 1"])
def test_other_juel_is_reported_not_guessed(juel: str) -> None:
    converted, why = juel_to_python(juel)
    assert converted is None and why


def test_a_camunda_model_is_converted_with_a_report_and_deploys_and_runs(api: ApiClient) -> None:
    assert import_model(api, CAMUNDA, deploy=False, user="street_a").status_code == 403
    dry = import_model(api, CAMUNDA, deploy=False)
    assert dry.status_code == 200, dry.get_json()
    body = dry.get_json()
    assert body["key"] == "elderly_subsidy" and body["deployed"] is None
    report = {(n["path"], n["converted"]): n["message"] for n in body["report"]}
    assert "amount > 1000" in report[("Flow_large", True)]
    assert "approved and verdict == 'yes'" in report[("Flow_yes", True)]
    assert "validator" in report[("fill_amount", False)]  # a custom validator is not converted
    assert "assignee" in report[("district_review", False)]
    assert "泳道" in report[("elderly_subsidy", True)]
    schema = body["forms"]["fill_amount.schema.json"]
    assert schema["properties"]["amount"] == {"type": "integer", "title": "金额（元）", "default": 1200,
                                              "maximum": 100000}
    assert schema["properties"]["channel"]["oneOf"] == [{"const": "bank", "title": "银行代发"},
                                                        {"const": "cash", "title": "现金"}]
    assert schema["properties"]["visit_date"]["format"] == "date" and schema["required"] == ["amount"]
    assert body["forms"]["fill_amount.uischema.json"]["ui:order"] == ["amount", "channel", "visit_date", "note"]
    start = body["forms"]["StartEvent_1.schema.json"]
    assert start["required"] == ["applicant", "age"] and start["properties"]["age"]["minimum"] == 80
    assert "camunda:formData" not in body["bpmn"] and "formJsonSchemaFilename" in body["bpmn"]
    assert api.get("/process-definitions/elderly_subsidy/versions", as_user="owner").status_code == 404

    deployed = import_model(api, CAMUNDA, deploy=True)
    assert deployed.status_code == 201, deployed.get_json()
    assert deployed.get_json()["deployed"]["version"] == 1
    assert import_model(api, CAMUNDA, deploy=True).status_code == 200  # unchanged

    refused = api.start("street_a", "elderly_subsidy", {"applicant": "王", "age": 85})
    assert refused.status_code == 422  # the start form's minlength
    case = start_ok(api, "street_a", "elderly_subsidy", {"applicant": "王大爷", "age": 85})
    after = complete_ok(api, case["id"], "fill_amount", "street_a", {"amount": 3000, "channel": "bank"})
    assert [(t["element_id"], t["role"]) for t in after["active_tasks"]] == [("district_review", "civil_affairs")]
    after = complete_ok(api, case["id"], "district_review", "civil_affairs", {"approved": True, "verdict": "yes"})
    assert [t["element_id"] for t in after["active_tasks"]] == ["street_confirm"]
    done = complete_ok(api, case["id"], "street_confirm", "street_a", {"paid": True})
    assert done["status"] == "completed" and done["end_event"] == "已发放"
    assert api.post(f"/process-instances/{case['id']}/verify", as_user="auditor").get_json()["ok"]


def test_what_cannot_be_converted_comes_back_with_the_refusal(api: ApiClient) -> None:
    broken = CAMUNDA.replace(b"${amount &gt; 1000}", b"${execution.getVariable('amount') &gt; 1000}")
    response = import_model(api, broken, deploy=True)
    assert response.status_code == 422, response.get_json()
    details = {d["path"]: d["message"] for d in response.get_json()["error"]["details"]}
    assert details["Flow_large"].startswith("未能转换：条件")  # named on the flow, with why
    assert "execution.getVariable" in details["Flow_large"]
