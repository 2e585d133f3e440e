"""Helpers for the audit tests: a case with a loop, case administration, the probe procedure, tampering."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text

from engine.audit.journal import GENESIS_HASH, entry_hash
from engine.audit.verify import load_entries, stored_entry
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.runtime import runner
from engine.store.case_store import CaseCommand, record, sync_tasks, workflow_values
from engine.store.models import ProcessInstance
from tests.support import ApiClient

DATA = Path(__file__).resolve().parent / "data"

APPLY = {"item_type": "work_item", "item_content": "社区网格员每周巡查沿街商铺安全隐患", "target_group": "辖区沿街商铺",
         "authority_scope": "发现隐患后报告", "time_limit_months": 24, "time_limit_desc": "2027年至2028年",
         "funding_amount": 20000, "funding_source": "department_budget", "ledger_form": "none"}
RETURN = {"gatekeep_decision": "return", "elements_complete": False, "funding_verified": False,
          "gatekeep_opinion": "权限及经费测算依据不清", "supplement_requirements": "补充执法权限边界说明和经费测算依据"}
ACCEPT = {"gatekeep_decision": "accept", "elements_complete": True, "funding_verified": True,
          "gatekeep_opinion": "补正后材料齐全"}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def returned_case(api: ApiClient, rounds: int = 1, accept: bool = True) -> int:
    """A 社区事务准入 case returned for correction ``rounds`` times (loop resets), then accepted."""
    case = ok(api.start("department", "community_access",
                        {"item_title": "社区安全生产网格巡查", "applicant_department": "区应急管理局"}), 201)
    for _ in range(rounds):
        ok(api.complete(api.open_task(case["id"], "apply", "department")["id"], "department", APPLY))
        ok(api.complete(api.open_task(case["id"], "gatekeep_review", "civil_affairs")["id"], "civil_affairs",
                        RETURN, "请补正"))
    ok(api.complete(api.open_task(case["id"], "apply", "department")["id"], "department", APPLY))
    if accept:
        ok(api.complete(api.open_task(case["id"], "gatekeep_review", "civil_affairs")["id"], "civil_affairs", ACCEPT))
    return case["id"]


def actor(api: ApiClient, username: str) -> Actor:
    with api.engine.db.reader() as session:
        return api.engine.identity.authenticate(session, api.token(username))


def administer(api: ApiClient, instance_id: int, command: str, reason: str) -> None:
    """terminate / suspend / resume through engine.runtime.runner, as the case-administration commands do."""
    engine = api.engine
    admin = actor(api, "admin")

    def run(session: Any) -> None:
        instance = session.get(ProcessInstance, instance_id)
        definition = engine.registry.compiled(session, instance.definition_id)
        workflow = definition.codec.loads(instance.snapshot)
        at = engine.clock.now()
        if command == "terminate":
            steps, status = runner.terminate(definition, workflow), "terminated"
        else:
            steps = runner.mark(definition, workflow, command)
            status = "suspended" if command == "suspend" else "running"
        case_command = CaseCommand(session, instance, definition, admin, at, workflow, comment=reason,
                                   extra={"reason": reason})
        record(case_command, steps, **workflow_values(case_command, status=status))
        sync_tasks(case_command, OrgDirectory.load(session))

    engine.uow.write(run)


def deploy_probe(api: ApiClient) -> None:
    """The test-only procedure ``audit_probe``: two tokens on one user task, a script dividing by input."""
    forms = {p.name: p.read_bytes() for p in sorted((DATA / "audit_probe").glob("*.json"))}
    with api.engine.db.writer() as session, session.begin():
        api.engine.registry.deploy(session, (DATA / "audit_probe.bpmn").read_bytes(), forms)


def raw(api: ApiClient, *statements: str, **params: Any) -> None:
    """Tamper with the database as someone with direct access would: without the append-only triggers."""
    with api.engine.db.writer() as session, session.begin():
        if api.engine.db.is_sqlite:
            session.execute(text("DROP TRIGGER IF EXISTS journal_entries_no_update"))
            session.execute(text("DROP TRIGGER IF EXISTS journal_entries_no_delete"))
        else:
            session.execute(text("DROP TRIGGER IF EXISTS journal_entries_no_change ON journal_entries"))
        for statement in statements:
            session.execute(text(statement), params)


def verify(api: ApiClient, instance_id: int, username: str = "auditor") -> dict[str, Any]:
    return ok(api.post(f"/process-instances/{instance_id}/verify", as_user=username))


def rechain_decision(api: ApiClient, case_id: int, seq: int) -> str:
    """Change the decision of entry ``seq`` and re-chain every hash after it, as a forger with the code would;
    the new head hash."""
    raw(api, "SELECT 1")  # drop the triggers
    with api.engine.db.writer() as session, session.begin():
        prev = GENESIS_HASH
        for row in load_entries(session, case_id):
            if row.seq == seq:
                row.payload = {**row.payload, "data": {**row.payload["data"], "gatekeep_decision": "accept"}}
            row.prev_hash = prev
            row.hash = prev = entry_hash(case_id, row.seq, stored_entry(row), prev)
        instance = session.get(ProcessInstance, case_id)
        assert instance is not None
        instance.journal_hash = prev
    return prev
