"""Verification catches every kind of tampering with a real database and names the first bad entry."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from engine.cli import main as cli
from engine.settings import Settings
from tests.audit_support import deploy_probe, ok, raw, rechain_decision, returned_case, verify
from tests.support import ApiClient


def _entries(api: ApiClient, case_id: int) -> list[dict]:
    return ok(api.get(f"/process-instances/{case_id}/history", as_user="auditor"))


def test_untouched_cases_verify(api: ApiClient) -> None:
    case_id = returned_case(api, rounds=2)
    assert verify(api, case_id) == {"ok": True, "entries": len(_entries(api, case_id))}
    assert verify(api, case_id, "department")["ok"] is True


def test_edited_payload_is_named(api: ApiClient) -> None:
    case_id = returned_case(api, rounds=1)
    seq = next(e["seq"] for e in _entries(api, case_id) if e["command"] == "complete")
    raw(api, "UPDATE journal_entries SET payload = :p WHERE instance_id = :id AND seq = :seq",
        p=json.dumps({"data": {"funding_amount": 1}}), id=case_id, seq=seq)
    result = verify(api, case_id)
    assert result["ok"] is False and result["first_bad_seq"] == seq and result["reason"]
    assert api.get(f"/process-instances/{case_id}/history/{seq + 1}/state", as_user="auditor").status_code == 409
    assert api.get(f"/process-instances/{case_id}/history/{seq - 1}/state", as_user="auditor").status_code == 200


def test_changed_decision_with_recomputed_hashes_is_caught_by_replay(api: ApiClient) -> None:
    """A forger who re-chains every hash after changing an input is caught: replay goes another way."""
    case_id = returned_case(api, rounds=1)
    seq = next(e["seq"] for e in _entries(api, case_id) if e["comment"] == "请补正")
    rechain_decision(api, case_id, seq)
    result = verify(api, case_id)
    assert result["ok"] is False and result["first_bad_seq"] == seq  # the state after it is not the recorded one


def test_deleted_entry_is_named(api: ApiClient) -> None:
    case_id = returned_case(api, rounds=1)
    raw(api, "DELETE FROM journal_entries WHERE instance_id = :id AND seq = 4", id=case_id)
    result = verify(api, case_id)
    assert result["ok"] is False and result["first_bad_seq"] == 4


def test_deleted_last_entry_is_named(api: ApiClient) -> None:
    case_id = returned_case(api, rounds=1)
    last = len(_entries(api, case_id))
    raw(api, "DELETE FROM journal_entries WHERE instance_id = :id AND seq = :seq", id=case_id, seq=last)
    result = verify(api, case_id)
    assert result["ok"] is False and result["first_bad_seq"] == last


def test_swapped_entries_are_named(api: ApiClient) -> None:
    case_id = returned_case(api, rounds=1)
    raw(api,
        "UPDATE journal_entries SET seq = -5 WHERE instance_id = :id AND seq = 5",
        "UPDATE journal_entries SET seq = 5 WHERE instance_id = :id AND seq = 6",
        "UPDATE journal_entries SET seq = 6 WHERE instance_id = :id AND seq = -5", id=case_id)
    result = verify(api, case_id)
    assert result["ok"] is False and result["first_bad_seq"] == 5


def test_snapshot_of_another_case_is_caught(api: ApiClient) -> None:
    case_id = returned_case(api, rounds=1)
    other = returned_case(api, rounds=0, accept=False)
    raw(api, "UPDATE process_instances SET snapshot = (SELECT snapshot FROM process_instances WHERE id = :other) "
             "WHERE id = :id", id=case_id, other=other)
    result = verify(api, case_id)
    assert result["ok"] is False and result["first_bad_seq"] == len(_entries(api, case_id))
    assert "快照" in result["reason"]
    assert verify(api, other)["ok"] is True


def test_instance_row_of_another_case_is_caught(api: ApiClient) -> None:
    """The whole state (snapshot, data, journal head) copied over from another case."""
    case_id = returned_case(api, rounds=2)
    other = returned_case(api, rounds=0, accept=False)
    raw(api, "UPDATE process_instances SET (snapshot, data, journal_seq, journal_hash) = "
             "(SELECT snapshot, data, journal_seq, journal_hash FROM process_instances WHERE id = :other) "
             "WHERE id = :id", id=case_id, other=other)
    result = verify(api, case_id)
    assert result["ok"] is False and result["first_bad_seq"] is not None


def test_failed_script_replays_as_the_same_failure_and_ordinals_pick_the_same_task(api: ApiClient) -> None:
    deploy_probe(api)
    good = ok(api.start("street_a", "audit_probe"), 201)
    tasks = good["active_tasks"]
    assert [t["element_id"] for t in tasks] == ["check", "check"]
    ok(api.complete(tasks[1]["id"], "street_a", {"divisor": 4}))
    ok(api.complete(tasks[0]["id"], "street_a", {"divisor": 5}))
    entries = _entries(api, good["id"])
    assert [e["payload"].get("task_ordinal") for e in entries if e["command"] == "complete"] == [1, None]
    assert verify(api, good["id"]) == {"ok": True, "entries": len(entries)}

    bad = ok(api.start("street_a", "audit_probe"), 201)
    failed = ok(api.complete(bad["active_tasks"][0]["id"], "street_a", {"divisor": 0}))
    assert failed["status"] == "error"
    entries = _entries(api, bad["id"])
    assert entries[-1]["command"] == "complete" and entries[-1]["payload"]["result"]["error"]
    assert entries[-1]["state_hash"] == entries[-2]["state_hash"]  # nothing changed
    assert verify(api, bad["id"]) == {"ok": True, "entries": len(entries)}
    state = ok(api.get(f"/process-instances/{bad['id']}/history/{len(entries)}/state", as_user="auditor"))
    assert state["status"] == "error" and len(state["open_tasks"]) == 2
    # an error the journal records but replay does not reproduce
    raw(api, "UPDATE journal_entries SET payload = :p WHERE instance_id = :id AND seq = :seq",
        p=json.dumps({**entries[-1]["payload"], "data": {"divisor": 3}}), id=bad["id"], seq=len(entries))
    assert verify(api, bad["id"])["first_bad_seq"] == len(entries)


def test_cli_verifies_everything_and_exports_for_offline_audit(api: ApiClient, settings: Settings, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    first = returned_case(api, rounds=1)
    second = returned_case(api, rounds=0, accept=False)
    out = io.StringIO()
    assert cli(["verify-all"], out) == 0
    assert "2 cases verified, 0 bad" in out.getvalue()

    export = tmp_path / "case.jsonl"
    assert cli(["export-history", str(first), "-o", str(export)]) == 0
    lines = export.read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["definition"]["key"] == "community_access"
    assert len(lines) - 1 == len(_entries(api, first))
    out = io.StringIO()
    assert cli(["verify-export", str(export)], out) == 0 and json.loads(out.getvalue())["ok"] is True
    edited = [*lines[:3], lines[3].replace("请补正", "同意"), *lines[4:]]
    edited = [line.replace("区应急管理局", "区教育局") for line in edited]
    export.write_text("\n".join(edited), encoding="utf-8")
    out = io.StringIO()
    assert cli(["verify-export", str(export)], out) == 1
    assert json.loads(out.getvalue())["first_bad_seq"] == 1

    raw(api, "DELETE FROM journal_entries WHERE instance_id = :id AND seq = 2", id=second)
    out = io.StringIO()
    assert cli(["verify-all"], out) == 1
    report = out.getvalue()
    assert f"BAD\t{second}\t" in report and "entry 2:" in report and "1 bad" in report
    out = io.StringIO()
    assert cli(["verify", str(second)], out) == 1 and json.loads(out.getvalue())["first_bad_seq"] == 2
