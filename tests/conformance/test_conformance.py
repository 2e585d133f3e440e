"""Each construct's model deployed through the API, started, driven to an end event, replayed and verified.

The outcome checked is the one the BPMN 2.0 specification gives the construct (which end event, which
values, which path not taken); every case the run created or reached is verified (hash chain and replay of
its journal, state at every entry). Constructs the engine does not run count as not run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.case_helpers import multipart
from tests.conformance.cases import CASES, Case
from tests.conformance.conftest import RESULTS
from tests.support import ApiClient

MODELS = Path(__file__).parent / "models"
FORMS = [(p.read_bytes(), p.name) for p in sorted(MODELS.glob("*.json"))]
DECISIONS = [(p.read_bytes(), p.name) for p in sorted(MODELS.glob("*.dmn"))]
CLERK = "street_a"


def deploy(api: ApiClient, name: str) -> Any:
    return multipart(api, "/process-definitions", "owner", {
        "bpmn": ((MODELS / f"{name}.bpmn").read_bytes(), f"{name}.bpmn"), "forms": FORMS, "decisions": DECISIONS})


def open_task(api: ApiClient, case_id: int, element: str) -> dict[str, Any]:
    case = api.get(f"/process-instances/{case_id}", as_user="admin").get_json()
    tasks = [t for t in case["active_tasks"] if t["element_id"] == element]
    assert tasks, f"没有待办的 {element}；当前：{[t['element_id'] for t in case['active_tasks']]}（{case['status']}）"
    return tasks[0]


def drive(api: ApiClient, case: Case) -> int:
    """Run the case's steps; returns the id of the case."""
    case_id: int | None = None
    steps = list(case.steps)
    if not steps or steps[0][0] not in ("start_message", "start_signal"):
        started = api.start(CLERK, f"cf_{case.name}", case.start_data)
        assert started.status_code == 201, started.get_json()
        case_id = started.get_json()["id"]
    for kind, *args in steps:
        if kind == "task":
            element, data = args
            assert case_id is not None
            response = api.complete(open_task(api, case_id, element)["id"], CLERK, data)
            assert response.status_code == 200, response.get_json()
        elif kind in ("message", "signal"):
            name, data = args
            assert case_id is not None
            business_key = api.get(f"/process-instances/{case_id}", as_user="admin").get_json()["business_key"]
            body = {"name": name, "data": data}
            if kind == "message":
                body["correlation"] = {"business_key": business_key}
            response = api.post(f"/{kind}s", body, as_user="admin")
            assert response.status_code == 200, response.get_json()
            assert case_id in [d["instance_id"] for d in response.get_json()["delivered"]]
        else:
            name, data = args
            response = api.post("/messages" if kind == "start_message" else "/signals",
                                {"name": name, "data": data, "org": "street_a"}, as_user="admin")
            assert response.status_code == 200, response.get_json()
            case_id = response.get_json()["started"][0]["instance_id"]
    assert case_id is not None
    return case_id


def spec_wiring(api: ApiClient, name: str) -> dict[str, Any]:
    """How the deployed version's task specs connect (cases share the spec; running one must not rewire it)."""
    eng = api.engine
    with eng.db.reader() as session:
        definition_id, _ = eng.registry.latest_id(session, f"cf_{name}")
        compiled = eng.registry.compiled(session, definition_id)
    return {spec_name: {n: (list(t._inputs), list(t._outputs)) for n, t in spec.task_specs.items()}
            for spec_name, spec in {"": compiled.spec, **compiled.subprocess_specs}.items()}


def replayed_and_verified(api: ApiClient, case_id: int) -> None:
    verdict = api.post(f"/process-instances/{case_id}/verify", as_user="auditor").get_json()
    assert verdict["ok"], verdict
    history = api.get(f"/process-instances/{case_id}/history", as_user="auditor").get_json()
    for entry in history:
        state = api.get(f"/process-instances/{case_id}/history/{entry['seq']}/state", as_user="auditor")
        assert state.status_code == 200, (entry["seq"], state.get_json())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_construct_runs_to_its_end_event(api: ApiClient, case: Case) -> None:
    RESULTS[case.name] = (False, "未完成")
    if case.refused is not None:
        response = deploy(api, case.name)
        assert response.status_code == 422, response.get_json()
        messages = " ".join(d["message"] for d in response.get_json()["error"]["details"])
        assert case.refused in messages, messages
        RESULTS[case.name] = (False, messages)
        pytest.skip(f"{case.construct}：部署时拒绝（{messages}）")
    if case.not_run is not None:
        assert deploy(api, case.name).status_code == 201
        RESULTS[case.name] = (False, case.not_run)
        pytest.skip(f"{case.construct}：{case.not_run}")
    for helper in case.helpers:
        assert deploy(api, helper).status_code == 201
    response = deploy(api, case.name)
    assert response.status_code == 201, response.get_json()

    before = spec_wiring(api, case.name)
    case_id = drive(api, case)
    assert spec_wiring(api, case.name) == before, "running a case changed the version's shared spec"
    after = api.get(f"/process-instances/{case_id}", as_user="admin").get_json()
    assert after["status"] == "completed", after
    assert after["end_event"] == case.end, after
    for key, value in case.data.items():
        assert after["data"].get(key) == value, (key, after["data"])
    for key in case.absent:
        assert key not in after["data"], (key, after["data"])
    touched = [case_id]
    if case.helper_outcome is not None:
        key, status = case.helper_outcome
        others = api.get(f"/process-instances?definition_key={key}", as_user="admin").get_json()
        assert [c["status"] for c in others] == [status], others
        touched += [c["id"] for c in others]
    for each in touched:
        replayed_and_verified(api, each)
    RESULTS[case.name] = (True, "")
