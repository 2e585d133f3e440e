"""Verification seals: a later verification resumes from the verifier's own keyed seal, and every tampering
the full verification detects is still detected after a seal, inside the sealed part too; a forged or moved
seal is not used; ``full`` ignores seals."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.audit.journal import GENESIS_HASH, canonical_json, entry_hash
from engine.audit.seals import MIN_KEY_BYTES, VERIFIER, SealKeyError, Seals, key_from, rows_digest, seals_from
from engine.audit.verify import _stored_hash, load_entries, read_journal, stored_entry
from engine.cli import main as cli
from engine.settings import Settings
from engine.store.models import ProcessInstance, VerificationSeal
from tests.audit_support import ACCEPT, ok, raw, rechain_decision, returned_case
from tests.support import ApiClient, make_client

KEY = "seal-key-for-the-tests-only-0123456789"


@pytest.fixture
def sealed_settings(backend_settings: Settings) -> Settings:
    return dataclasses.replace(backend_settings, verify_seal_key=KEY)


@pytest.fixture
def sealed(sealed_settings: Settings) -> Iterator[ApiClient]:
    yield from make_client(sealed_settings)


def _verify(api: ApiClient, case_id: int, full: bool = False) -> dict:
    return ok(api.post(f"/process-instances/{case_id}/verify" + ("?full=true" if full else ""), as_user="auditor"))


def _entries(api: ApiClient, case_id: int) -> list[dict]:
    return ok(api.get(f"/process-instances/{case_id}/history", as_user="auditor"))


def _sealed_case(api: ApiClient, rounds: int = 2) -> tuple[int, int]:
    case_id = returned_case(api, rounds=rounds)
    count = len(_entries(api, case_id))
    assert _verify(api, case_id) == {"ok": True, "entries": count}  # the first: a full replay, which seals
    assert _verify(api, case_id) == {"ok": True, "entries": count, "sealed_through": count}
    return case_id, count


def _seal(api: ApiClient, case_id: int) -> VerificationSeal:
    with api.engine.db.reader() as session:
        row = session.get(VerificationSeal, case_id)
        assert row is not None
        session.expunge(row)
        return row


def test_a_verification_resumes_where_the_last_one_sealed(sealed: ApiClient) -> None:
    case_id = returned_case(sealed, rounds=2, accept=False)  # waiting at 扎口审核
    count = len(_entries(sealed, case_id))
    assert _verify(sealed, case_id) == {"ok": True, "entries": count}  # the first: a full replay, which seals
    assert _seal(sealed, case_id).seq == count
    assert _verify(sealed, case_id) == {"ok": True, "entries": count, "sealed_through": count}
    # the case goes on: the next verification replays only what came after the seal, and seals anew
    ok(sealed.complete(sealed.open_task(case_id, "gatekeep_review", "civil_affairs")["id"], "civil_affairs", ACCEPT))
    grown = len(_entries(sealed, case_id))
    assert grown > count
    assert _verify(sealed, case_id) == {"ok": True, "entries": grown, "sealed_through": count}
    assert _seal(sealed, case_id).seq == grown
    assert _verify(sealed, case_id, full=True) == {"ok": True, "entries": grown}


def test_the_stored_rows_hash_as_their_entries(sealed: ApiClient) -> None:
    case_id = returned_case(sealed, rounds=1)
    with sealed.engine.db.reader() as session:
        rows = read_journal(session, case_id)
        stored = load_entries(session, case_id)
        prev = GENESIS_HASH
        for row, orm in zip(rows, stored, strict=True):
            assert row.payload == orm.payload and row.at == orm.at
            assert _stored_hash(case_id, row, prev) == entry_hash(case_id, row.seq, stored_entry(orm), prev) == row.hash
            prev = row.hash


def test_an_edited_entry_inside_the_sealed_part_is_named(sealed: ApiClient) -> None:
    case_id, _ = _sealed_case(sealed)
    seq = next(e["seq"] for e in _entries(sealed, case_id) if e["command"] == "complete")
    raw(sealed, "UPDATE journal_entries SET payload = :p WHERE instance_id = :id AND seq = :seq",
        p=json.dumps({"data": {"funding_amount": 1}}), id=case_id, seq=seq)
    result = _verify(sealed, case_id)
    assert result["ok"] is False and result["first_bad_seq"] == seq


def test_an_entry_edited_to_the_same_json_spelling_still_counts_as_changed(sealed: ApiClient) -> None:
    """A payload stored in another spelling is not the row that was verified: the seal's digest does not
    match and the full chain check decides (here 1.0 for 1, which the entry's hash does not recompute to)."""
    case_id, _ = _sealed_case(sealed)
    entry = next(e for e in _entries(sealed, case_id) if e["command"] == "complete")
    payload = json.dumps(entry["payload"], ensure_ascii=False).replace('"funding_amount": 20000',
                                                                        '"funding_amount": 20000.0')
    assert "20000.0" in payload
    raw(sealed, "UPDATE journal_entries SET payload = :p WHERE instance_id = :id AND seq = :seq",
        p=payload, id=case_id, seq=entry["seq"])
    result = _verify(sealed, case_id)
    assert result["ok"] is False and result["first_bad_seq"] == entry["seq"]


def test_a_rechained_history_inside_the_sealed_part_is_caught_by_replay(sealed: ApiClient) -> None:
    case_id, _ = _sealed_case(sealed)
    seq = next(e["seq"] for e in _entries(sealed, case_id) if e["comment"] == "请补正")
    rechain_decision(sealed, case_id, seq)
    result = _verify(sealed, case_id)
    assert result["ok"] is False and result["first_bad_seq"] == seq


@pytest.mark.parametrize("tampering", ["deleted", "deleted_last", "swapped", "snapshot", "data"])
def test_tampering_after_a_seal_is_named_as_without_one(sealed: ApiClient, tampering: str) -> None:
    case_id, count = _sealed_case(sealed)
    other = returned_case(sealed, rounds=0, accept=False)
    statements = {
        "deleted": (["DELETE FROM journal_entries WHERE instance_id = :id AND seq = 4"], 4),
        "deleted_last": ([f"DELETE FROM journal_entries WHERE instance_id = :id AND seq = {count}"], count),
        "swapped": (["UPDATE journal_entries SET seq = -5 WHERE instance_id = :id AND seq = 5",
                     "UPDATE journal_entries SET seq = 5 WHERE instance_id = :id AND seq = 6",
                     "UPDATE journal_entries SET seq = 6 WHERE instance_id = :id AND seq = -5"], 5),
        "snapshot": (["UPDATE process_instances SET snapshot = (SELECT snapshot FROM process_instances "
                      "WHERE id = :other) WHERE id = :id"], count),
        "data": (["UPDATE process_instances SET data = (SELECT data FROM process_instances "
                  "WHERE id = :other) WHERE id = :id"], count),
    }
    done, first_bad = statements[tampering]
    raw(sealed, *done, id=case_id, other=other)
    result = _verify(sealed, case_id)
    assert result["ok"] is False and result["first_bad_seq"] == first_bad, result
    assert _verify(sealed, case_id, full=True) == result


def _forge(api: ApiClient, case_id: int, key: bytes, **changes: object) -> None:
    """A seal of the case as it now stands, made with ``key`` (the server's, or a guess)."""
    engine = api.engine
    with engine.db.writer() as session, session.begin():
        instance = session.get(ProcessInstance, case_id)
        assert instance is not None
        rows = read_journal(session, case_id)
        definition = engine.registry.compiled(session, instance.definition_id)
        fields = {"instance_id": case_id, "seq": rows[-1].seq, "entry_hash": rows[-1].hash,
                  "rows_digest": rows_digest(rows), "snapshot": instance.snapshot, "status": instance.status,
                  "error": instance.error, "definition_hash": definition.content_hash, "verifier": VERIFIER}
        fields.update(changes)
        body = canonical_json({**{k: v for k, v in fields.items() if k != "snapshot"},
                               "snapshot_sha256": hashlib.sha256(str(fields["snapshot"]).encode()).hexdigest()})
        mac = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()
        old = session.get(VerificationSeal, case_id)
        if old is not None:
            session.delete(old)
            session.flush()
        session.add(VerificationSeal(**fields, mac=mac))


def test_a_forged_seal_over_a_rewritten_history_is_not_used(sealed: ApiClient) -> None:
    """Whoever can write the database but has not the key cannot seal a rewritten history."""
    case_id, _ = _sealed_case(sealed)
    seq = next(e["seq"] for e in _entries(sealed, case_id) if e["comment"] == "请补正")
    rechain_decision(sealed, case_id, seq)
    _forge(sealed, case_id, b"a-guessed-key-that-is-not-the-servers")
    result = _verify(sealed, case_id)
    assert result["ok"] is False and result["first_bad_seq"] == seq
    # the real key would have made it pass: what --full is for when the key may have leaked
    _forge(sealed, case_id, KEY.encode())
    assert _verify(sealed, case_id)["ok"] is True
    result = _verify(sealed, case_id, full=True)
    assert result["ok"] is False and result["first_bad_seq"] == seq


def test_an_altered_seal_is_not_used(sealed: ApiClient) -> None:
    case_id, count = _sealed_case(sealed)
    other = returned_case(sealed, rounds=0, accept=False)
    raw(sealed, "UPDATE verification_seals SET snapshot = (SELECT snapshot FROM process_instances "
                "WHERE id = :other) WHERE instance_id = :id", id=case_id, other=other)
    assert _verify(sealed, case_id) == {"ok": True, "entries": count}  # replayed from the start, and sealed anew
    assert _verify(sealed, case_id) == {"ok": True, "entries": count, "sealed_through": count}


def test_a_seal_moved_to_another_case_is_not_used(sealed: ApiClient) -> None:
    first, _ = _sealed_case(sealed, rounds=1)
    second = returned_case(sealed, rounds=1)
    count = len(_entries(sealed, second))
    raw(sealed, "DELETE FROM verification_seals WHERE instance_id = :other",
        "UPDATE verification_seals SET instance_id = :other WHERE instance_id = :id", id=first, other=second)
    assert _verify(sealed, second) == {"ok": True, "entries": count}


def test_a_seal_of_another_verifier_version_is_not_used(sealed: ApiClient) -> None:
    case_id, count = _sealed_case(sealed, rounds=1)
    _forge(sealed, case_id, KEY.encode(), verifier="replay-0")
    assert _verify(sealed, case_id) == {"ok": True, "entries": count}


def test_without_a_key_nothing_is_sealed(backend_api: ApiClient) -> None:
    case_id = returned_case(backend_api, rounds=1)
    count = len(_entries(backend_api, case_id))
    assert _verify(backend_api, case_id) == _verify(backend_api, case_id) == {"ok": True, "entries": count}
    with backend_api.engine.db.reader() as session:
        assert session.scalars(select(VerificationSeal)).first() is None


def test_the_key_comes_from_the_environment_or_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert seals_from(Settings()) is None
    key_file = tmp_path / "seal.key"
    key_file.write_text(KEY + "\n")
    monkeypatch.setenv("VERIFY_SEAL_KEY_FILE", str(key_file))
    assert key_from(path=str(key_file)) == KEY.encode()
    assert isinstance(seals_from(Settings.from_env()), Seals)
    with pytest.raises(SealKeyError, match="至少"):
        key_from("short")
    with pytest.raises(SealKeyError, match="无法读取"):
        key_from(path=str(tmp_path / "missing"))
    assert len(key_from("x" * MIN_KEY_BYTES)) == MIN_KEY_BYTES


def test_cli_seals_and_full_ignores_them(sealed: ApiClient, sealed_settings: Settings,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", sealed_settings.database_url)
    monkeypatch.setenv("VERIFY_SEAL_KEY", KEY)
    case_id = returned_case(sealed, rounds=1)
    count = len(_entries(sealed, case_id))
    out = io.StringIO()
    assert cli(["verify-all"], out) == 0 and "1 cases verified, 0 bad" in out.getvalue()
    for args, expected in ((["verify", str(case_id)], {"ok": True, "entries": count, "sealed_through": count}),
                           (["verify", str(case_id), "--full"], {"ok": True, "entries": count})):
        out = io.StringIO()
        assert cli(args, out) == 0 and json.loads(out.getvalue()) == expected
    out = io.StringIO()
    assert cli(["verify-all", "--full"], out) == 0


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_seal_that_cannot_be_written_leaves_the_verdict_standing(sealed_settings: Settings) -> None:
    """A seal only spares later work: a database busy with another writer must not turn a verdict into a 503."""
    for api in make_client(dataclasses.replace(sealed_settings, db_lock_timeout_ms=300)):
        case_id = returned_case(api, rounds=1)
        count = len(_entries(api, case_id))
        other = sqlite3.connect(api.engine.db.url.split("///", 1)[1], isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # another process writing
            assert _verify(api, case_id) == {"ok": True, "entries": count}
        finally:
            other.rollback()
            other.close()
        with api.engine.db.reader() as session:
            assert session.get(VerificationSeal, case_id) is None
        assert _verify(api, case_id) == {"ok": True, "entries": count}  # full again, and now it seals
        assert _verify(api, case_id) == {"ok": True, "entries": count, "sealed_through": count}
