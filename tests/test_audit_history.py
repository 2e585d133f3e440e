"""History (JSON, CSV), the case as it stood after any entry, and who may read them."""

from __future__ import annotations

import csv
import io
import itertools

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DatabaseError

from engine.store.models import JournalCheckpoint, JournalEntry
from tests.audit_support import ACCEPT, administer, ok, raw, returned_case, verify
from tests.support import ApiClient


def test_history_lists_every_entry_with_actor_data_and_chain(api: ApiClient) -> None:
    case_id = returned_case(api, rounds=1)
    entries = ok(api.get(f"/process-instances/{case_id}/history", as_user="auditor"))
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    start = entries[0]
    assert start["command"] == "start" and start["actor"] == "department" and start["actor_org"] == "fengxi"
    assert start["payload"]["definition_key"] == "community_access"
    assert start["payload"]["definition_version"] == 1
    assert start["payload"]["data"]["item_title"] == "社区安全生产网格巡查"
    assert all(e["prev_hash"] == p["hash"] for p, e in itertools.pairwise(entries))
    returned = next(e for e in entries if e["command"] == "complete" and e["comment"] == "请补正")
    assert returned["actor"] == "civil_affairs" and returned["actor_role"] == "civil_affairs"
    assert returned["payload"]["data"]["gatekeep_decision"] == "return"
    gateway = entries[entries.index(returned) + 1]
    assert gateway["command"] == "engine_step" and gateway["element_type"] == "exclusiveGateway"
    assert gateway["payload"]["flows"] == ["Flow_gatekeep_return"]  # which way the gateway went
    assert any(e["command"] == "loop_reset" for e in entries)
    script = next(e for e in entries if e["element_id"] == "set_rules")
    assert script["payload"]["result"]["rules"]["min_funding_yuan"] == 1  # no maximum time limit: no seed states one


def test_history_pages_with_total_count(api: ApiClient) -> None:
    case_id = returned_case(api, rounds=1)
    full = api.get(f"/process-instances/{case_id}/history", as_user="auditor")
    total = int(full.headers["X-Total-Count"])
    assert total == len(full.get_json()) > 6
    page = api.get(f"/process-instances/{case_id}/history?limit=3&offset=2", as_user="auditor")
    assert [e["seq"] for e in page.get_json()] == [3, 4, 5]
    assert int(page.headers["X-Total-Count"]) == total
    bad = api.get(f"/process-instances/{case_id}/history?format=xml", as_user="auditor")
    assert bad.status_code == 422


def test_history_as_csv_opens_in_excel(api: ApiClient) -> None:
    case_id = returned_case(api, rounds=1, accept=False)
    ok(api.complete(api.open_task(case_id, "gatekeep_review", "civil_affairs")["id"], "civil_affairs",
                    ACCEPT, "=HYPERLINK(\"http://example.invalid\")"))
    response = api.get(f"/process-instances/{case_id}/history?format=csv", as_user="auditor")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["序号", "时间", "命令"]
    assert len(rows) - 1 == int(response.headers["X-Total-Count"])
    assert any("请补正" in row for row in rows)
    assert "社区安全生产网格巡查" in rows[1][10]
    assert [r[11] for r in rows if "HYPERLINK" in r[11]] == ["'=HYPERLINK(\"http://example.invalid\")"]


def test_history_is_visible_to_who_may_see_the_case(api: ApiClient) -> None:
    case_id = returned_case(api, rounds=0, accept=False)
    for username in ("auditor", "admin", "department", "civil_affairs"):
        assert api.get(f"/process-instances/{case_id}/history", as_user=username).status_code == 200, username
    for path, method in ((f"/process-instances/{case_id}/history", "get"),
                         (f"/process-instances/{case_id}/history/1/state", "get"),
                         (f"/process-instances/{case_id}/verify", "post")):
        response = getattr(api, method)(path, as_user="street_b")
        assert response.status_code == 403, path
        assert getattr(api, method)(path).status_code == 401
    assert api.get("/process-instances/999/history", as_user="auditor").status_code == 404


def test_state_after_each_entry_is_rebuilt_by_replay(api: ApiClient) -> None:
    case_id = returned_case(api, rounds=1)
    entries = ok(api.get(f"/process-instances/{case_id}/history", as_user="auditor"))
    for entry in entries:
        state = ok(api.get(f"/process-instances/{case_id}/history/{entry['seq']}/state", as_user="auditor"))
        assert state["seq"] == entry["seq"] and state["entry"]["hash"] == entry["hash"]
        assert state["state_hash"] == entry["state_hash"], entry
    after_start = ok(api.get(f"/process-instances/{case_id}/history/1/state", as_user="auditor"))
    assert after_start["completed"] == [] and after_start["open_tasks"] == []
    assert after_start["data"] == {"item_title": "社区安全生产网格巡查", "applicant_department": "区应急管理局"}
    # inside the start command: after the script ran, before the first task was offered
    script_seq = next(e["seq"] for e in entries if e["element_id"] == "set_rules")
    mid = ok(api.get(f"/process-instances/{case_id}/history/{script_seq}/state", as_user="auditor"))
    assert "set_rules" in mid["completed"] and "rules" in mid["data"]
    returned = next(e for e in entries if e["comment"] == "请补正")
    at_return = ok(api.get(f"/process-instances/{case_id}/history/{returned['seq']}/state", as_user="auditor"))
    assert at_return["open_tasks"] == []  # the gateway has not yet sent the case back
    assert at_return["data"]["gatekeep_decision"] == "return"
    back = ok(api.get(f"/process-instances/{case_id}/history/{returned['seq'] + 2}/state", as_user="auditor"))
    assert back["open_tasks"] == [{"element_id": "apply", "name": "填报准入事项（内容、对象、权限、时限、经费）",
                                   "role": "department", "org": "fengxi",
                                   "role_name": "区直职能部门", "org_name": "沣西新城"}]
    assert "Flow_gatekeep_return" in back["flows_taken"]
    last = ok(api.get(f"/process-instances/{case_id}/history/{entries[-1]['seq']}/state", as_user="auditor"))
    assert [t["element_id"] for t in last["open_tasks"]] == ["group_approval"]
    assert last["open_tasks"][0]["role"] == "leadership_group" and last["status"] == "running"
    assert api.get(f"/process-instances/{case_id}/history/{len(entries) + 1}/state",
                   as_user="auditor").status_code == 404


def test_long_history_uses_checkpoints_and_still_replays_exactly(api: ApiClient) -> None:
    case_id = returned_case(api, rounds=12)
    entries = ok(api.get(f"/process-instances/{case_id}/history", as_user="auditor"))
    with api.engine.db.reader() as session:
        points = list(session.scalars(select(JournalCheckpoint).where(JournalCheckpoint.instance_id == case_id)))
    assert len(points) >= 2
    by_seq = {e["seq"]: e for e in entries}
    for point in points:
        assert point.entry_hash == by_seq[point.seq]["hash"]
        for seq in (point.seq, point.seq + 1, point.seq + 2):
            if seq in by_seq:
                state = ok(api.get(f"/process-instances/{case_id}/history/{seq}/state", as_user="auditor"))
                assert state["state_hash"] == by_seq[seq]["state_hash"]
    # a damaged checkpoint is not used: the state is still the journal's
    raw(api, "UPDATE journal_checkpoints SET snapshot = (SELECT snapshot FROM journal_checkpoints "
             "WHERE instance_id = :id ORDER BY seq LIMIT 1) WHERE instance_id = :id", id=case_id)
    seq = points[-1].seq + 1
    state = ok(api.get(f"/process-instances/{case_id}/history/{seq}/state", as_user="auditor"))
    assert state["state_hash"] == by_seq[seq]["state_hash"]
    assert verify(api, case_id)["ok"] is True


def test_state_at_a_checkpoint_after_a_deleted_entry_is_a_409(api: ApiClient) -> None:
    case_id = returned_case(api, rounds=12)
    with api.engine.db.reader() as session:
        point = session.scalars(select(JournalCheckpoint).where(JournalCheckpoint.instance_id == case_id)
                                .order_by(JournalCheckpoint.seq)).first()
    assert point is not None
    raw(api, "DELETE FROM journal_entries WHERE instance_id = :id AND seq = 3", id=case_id)
    response = api.get(f"/process-instances/{case_id}/history/{point.seq}/state", as_user="auditor")
    assert response.status_code == 409, response.get_json()
    assert verify(api, case_id)["first_bad_seq"] == 3


def test_history_survives_termination_suspension_and_resumption(api: ApiClient) -> None:
    case_id = returned_case(api, rounds=1, accept=False)
    before = ok(api.get(f"/process-instances/{case_id}/history", as_user="auditor"))
    administer(api, case_id, "suspend", "等待上级意见")
    administer(api, case_id, "resume", "上级已答复")
    ok(api.complete(api.open_task(case_id, "gatekeep_review", "civil_affairs")["id"], "civil_affairs", {
        "gatekeep_decision": "accept", "elements_complete": True, "funding_verified": True,
        "gatekeep_opinion": "同意"}))
    administer(api, case_id, "terminate", "申请部门撤回")
    after = ok(api.get(f"/process-instances/{case_id}/history", as_user="auditor"))
    assert after[:len(before)] == before  # nothing removed or rewritten
    commands = [e["command"] for e in after[len(before):]]
    assert commands[:2] == ["suspend", "resume"] and commands[-1] == "terminate"
    assert after[-1]["actor"] == "admin" and after[-1]["payload"]["reason"] == "申请部门撤回"
    view = ok(api.get(f"/process-instances/{case_id}", as_user="auditor"))
    assert view["status"] == "terminated" and view["active_tasks"] == []
    assert verify(api, case_id) == {"ok": True, "entries": len(after)}
    suspended = ok(api.get(f"/process-instances/{case_id}/history/{len(before) + 1}/state", as_user="auditor"))
    assert suspended["status"] == "suspended"
    end = ok(api.get(f"/process-instances/{case_id}/history/{len(after)}/state", as_user="auditor"))
    assert end["status"] == "terminated" and end["open_tasks"] == []


def test_journal_rows_cannot_be_changed_through_the_database(api: ApiClient) -> None:
    case_id = returned_case(api, rounds=0, accept=False)
    for statement in (update(JournalEntry).where(JournalEntry.instance_id == case_id).values(comment="改"),
                      delete(JournalEntry).where(JournalEntry.instance_id == case_id)):
        with pytest.raises(DatabaseError, match="append-only"), api.engine.db.writer() as session, session.begin():
            session.execute(statement)
    assert verify(api, case_id)["ok"] is True


def test_the_last_entry_of_a_finished_case_shows_it_finished(api: ApiClient) -> None:
    instance_id = returned_case(api, rounds=0, accept=False)
    task = api.open_task(instance_id, "gatekeep_review", "civil_affairs")
    reject = {"gatekeep_decision": "reject", "elements_complete": False, "funding_verified": False,
              "gatekeep_opinion": "不应由社区承担", "reject_reason": "不属于社区职责"}
    ok(api.complete(task["id"], "civil_affairs", reject))
    case = ok(api.get(f"/process-instances/{instance_id}", as_user="auditor"))
    assert (case["status"], case["end_event"]) == ("completed", "不予准入")
    entries = ok(api.get(f"/process-instances/{instance_id}/history", as_user="auditor"))
    last = entries[-1]
    state = ok(api.get(f"/process-instances/{instance_id}/history/{last['seq']}/state", as_user="auditor"))
    assert state["finished"] is True and state["end_event"] == "不予准入"
    assert state["active"] == [] and state["open_tasks"] == []
    assert verify(api, instance_id)["ok"]
