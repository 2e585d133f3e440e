"""A case returned for correction 300 times still ends right, with a journal that verifies.

SpiffWorkflow alone deepens its task tree on every loop back until it fails or
wrongly completes a case; the engine resets loops instead
(engine/runtime/runner.py ``_compact_loops``). Driven through the real HTTP API.
Timing belongs to ``make bench`` (row 5), not here.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from engine.audit.journal import GENESIS_HASH, Entry, entry_hash
from engine.store.models import HumanTask, JournalEntry, ProcessInstance
from tests.support import ApiClient

KEY = "community_access"
START = {"item_title": "社区安全生产网格巡查", "applicant_department": "区应急管理局"}
APPLY = {"item_type": "work_item", "item_content": "", "target_group": "辖区沿街商铺",
         "authority_scope": "仅限巡查发现和上报，不承担执法", "time_limit_months": 24,
         "time_limit_desc": "2027年至2028年", "funding_amount": 48000, "funding_source": "district_special",
         "ledger_form": "none"}
RETURN = {"gatekeep_decision": "return", "elements_complete": False, "funding_verified": False,
          "gatekeep_opinion": "权限及经费测算依据不清", "supplement_requirements": "补充经费测算依据"}
ACCEPT = {"gatekeep_decision": "accept", "elements_complete": True, "funding_verified": True,
          "gatekeep_opinion": "补正后材料齐全"}
APPROVE = {"meeting_quarter": "2026Q4", "approval_decision": "approve", "approval_opinion": "同意",
           "resolution_no": "沣西社建纪〔2026〕4号"}
PUBLISH = {"list_entry_no": "FX-ZR-2026-017", "publish_date": "2026-11-20", "publish_channel": "both",
           "electronic_ledger_flag": True}
LEDGER = {"funding_transfer_doc": "沣西财〔2026〕88号", "ledger_setup": "electronic_configured",
          "communities_notified": True}


def _complete(api: ApiClient, case: dict[str, Any], element: str, user: str, data: dict[str, Any]) -> dict[str, Any]:
    tasks = [t for t in case["active_tasks"] if t["element_id"] == element]
    assert tasks, f"no open {element}: {[t['element_id'] for t in case['active_tasks']]}"
    response = api.complete(tasks[0]["id"], user, data)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _run(api: ApiClient, returns: int) -> dict[str, Any]:
    response = api.start("department", KEY, START)
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    for round_no in range(1, returns + 2):
        case = _complete(api, case, "apply", "department", {**APPLY, "item_content": f"第{round_no}次填报：网格巡查"})
        decision = RETURN if round_no <= returns else ACCEPT
        case = _complete(api, case, "gatekeep_review", "civil_affairs", decision)
    case = _complete(api, case, "group_approval", "leadership", APPROVE)
    case = _complete(api, case, "publish_list", "civil_affairs", PUBLISH)
    return _complete(api, case, "setup_ledger", "department", LEDGER)


def _tree_size(api: ApiClient, instance_id: int) -> int:
    with api.engine.db.reader() as session:
        snapshot = session.scalar(select(ProcessInstance.snapshot).where(ProcessInstance.id == instance_id))
    return len(json.loads(snapshot or "{}")["tasks"])


def _verify_journal(api: ApiClient, instance_id: int) -> list[JournalEntry]:
    """Hash chain and task rows, checked from the stored rows; then the auditor's full replay verification."""
    verdict = api.post(f"/process-instances/{instance_id}/verify", as_user="auditor").get_json()
    assert verdict["ok"], verdict
    with api.engine.db.reader() as session:
        instance = session.get(ProcessInstance, instance_id)
        assert instance is not None
        entries = list(session.scalars(select(JournalEntry).where(JournalEntry.instance_id == instance_id)
                                       .order_by(JournalEntry.seq)))
        tasks = {t.id: t for t in session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id))}
    prev = GENESIS_HASH
    for expected_seq, row in enumerate(entries, start=1):
        assert row.seq == expected_seq
        assert row.prev_hash == prev
        entry = Entry(command=row.command, at=row.at, actor=row.actor, actor_role=row.actor_role,
                      actor_org=row.actor_org, element_id=row.element_id, element_name=row.element_name,
                      element_type=row.element_type, task_id=row.task_id, payload=row.payload,
                      comment=row.comment, state_hash=row.state_hash)
        assert entry_hash(instance_id, row.seq, entry, prev) == row.hash, f"entry {row.seq} does not verify"
        prev = row.hash
    assert (instance.journal_seq, instance.journal_hash) == (len(entries), prev)

    completes = [e for e in entries if e.command == "complete"]
    done = [t for t in tasks.values() if t.state == "completed"]
    assert len(completes) == len(done)
    for entry in completes:
        task = tasks[entry.task_id]
        assert (task.state, task.completed_by, task.element_id) == ("completed", entry.actor, entry.element_id)
        assert entry.payload["data"]  # the submitted form is in the journal
    assert not [t for t in tasks.values() if t.state == "ready"]
    return entries


def test_case_returned_300_times_ends_right_and_its_journal_verifies(api: ApiClient) -> None:
    once = _run(api, returns=1)
    case = _run(api, returns=300)

    assert case["status"] == "completed"
    assert case["end_event"] == "已准入"
    assert case["active_tasks"] == []
    data = case["data"]
    assert data["item_content"] == "第301次填报：网格巡查"  # the last correction, not an earlier one
    assert data["gatekeep_decision"] == "accept"
    assert data["resolution_no"] == APPROVE["resolution_no"]
    assert data["funding_transfer_doc"] == LEDGER["funding_transfer_doc"]

    entries = _verify_journal(api, case["id"])
    assert sum(e.command == "loop_reset" for e in entries) == 300  # every round is in the history
    assert sum(e.command == "complete" for e in entries) == 2 * 301 + 3
    # the live tree did not grow with the rounds: same size as a case returned once
    assert _tree_size(api, case["id"]) == _tree_size(api, once["id"])
