"""Helpers for the hostile-input, race and crash tests: the loop_approval test model and its variants."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.service import WorkflowEngine
from tests.support import ApiClient

FIXTURES = Path(__file__).parent / "fixtures"
LOOP_BPMN = (FIXTURES / "loop_approval.bpmn").read_bytes()
LOOP_FORMS = {p.name: p.read_bytes() for p in sorted((FIXTURES / "forms" / "loop_approval").glob("*.json"))}
ROLES = {"street_office", "civil_affairs"}
COUNT_SCRIPT = b"signatures = 2\ntotal = amount * 2"
PASS_CONDITION = b'decision == "pass"'


def loop_variant(*, script: bytes | None = None, condition: bytes | None = None) -> bytes:
    """loop_approval with the ``count`` script or the ``Flow_pass`` condition replaced (XML-escaped)."""
    bpmn = LOOP_BPMN
    if script is not None:
        assert COUNT_SCRIPT in bpmn
        bpmn = bpmn.replace(COUNT_SCRIPT, _escape(script))
    if condition is not None:
        assert PASS_CONDITION in bpmn
        bpmn = bpmn.replace(PASS_CONDITION, _escape(condition))
    return bpmn


def _escape(text: bytes) -> bytes:
    return text.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")


def deploy(engine: WorkflowEngine, bpmn: bytes = LOOP_BPMN, forms: dict[str, bytes] | None = None) -> int:
    """Deploy through the engine's registry; returns the new version."""
    with engine.db.writer() as session, session.begin():
        row, _ = engine.registry.deploy(session, bpmn, LOOP_FORMS if forms is None else forms)
        return row.version


def start_loop_case(api: ApiClient) -> int:
    response = api.start("street_a", "loop_approval", {})
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def complete_step(api: ApiClient, case_id: int, element: str, user: str, data: dict[str, Any]) -> Any:
    task = api.open_task(case_id, element, user)
    return api.complete(task["id"], user, data)


def drive_to_signing(api: ApiClient, amount: int = 10) -> tuple[int, int, int]:
    """Start a case, submit and pass review: returns (case id, sign_a task id, sign_b task id)."""
    case_id = start_loop_case(api)
    response = complete_step(api, case_id, "submit", "street_a", {"title": "会签测试", "amount": amount})
    assert response.status_code == 200, response.get_json()
    response = complete_step(api, case_id, "review", "civil_affairs", {"decision": "pass"})
    assert response.status_code == 200, response.get_json()
    tasks = {t["element_id"]: t["id"] for t in response.get_json()["active_tasks"]}
    assert set(tasks) == {"sign_a", "sign_b"}, tasks
    return case_id, tasks["sign_a"], tasks["sign_b"]
