"""Journal and state hashes of a fixed scenario, pinned byte for byte.

Existing databases must keep verifying whatever the engine's internals become
(faster, not different): the same commands at the same times must
produce exactly these entry hashes and state hashes. The scenario uses only the
test models (tests/fixtures, tests/data), so changes to processes/ do not move
it: a loop reset, a gateway, parallel tokens, a script with results, the end
event, two tokens on one task (task ordinal), a failing script, suspend, resume
and terminate. If this test fails, the change breaks every stored journal.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from engine.audit.verify import verify_instance
from engine.clock import FixedClock
from engine.identity.tokens import load_actor
from engine.service import WorkflowEngine
from engine.store.models import HumanTask, JournalEntry, ProcessInstance, User
from tests.audit_support import DATA
from tests.hostile_support import LOOP_BPMN, LOOP_FORMS
from tests.support import fresh_settings

T0 = datetime(2026, 3, 2, 1, 30, 0, 123456, tzinfo=UTC)


def _scenario(engine: WorkflowEngine, clock: FixedClock) -> dict[int, list[tuple[int, str, str, str]]]:
    with engine.db.writer() as session, session.begin():
        engine.registry.deploy(session, LOOP_BPMN, LOOP_FORMS)
        probe_forms = {p.name: p.read_bytes() for p in sorted((DATA / "audit_probe").glob("*.json"))}
        engine.registry.deploy(session, (DATA / "audit_probe.bpmn").read_bytes(), probe_forms)
    with engine.db.reader() as session:
        users = session.scalars(select(User).where(User.username.in_(["street_a", "civil_affairs", "admin"])))
        actors = {u.username: load_actor(session, u) for u in users}

    def tick() -> None:
        clock.advance(timedelta(minutes=7, microseconds=1))

    def task(case_id: int, element: str, ordinal: int = 0) -> int:
        with engine.db.reader() as session:
            ids = session.scalars(select(HumanTask.id).where(
                HumanTask.instance_id == case_id, HumanTask.element_id == element,
                HumanTask.state == "ready").order_by(HumanTask.id)).all()
        return ids[ordinal]

    def complete(case_id: int, element: str, user: str, data: dict, comment: str | None = None,
                 ordinal: int = 0) -> None:
        tick()
        engine.instances.complete(actors[user], task(case_id, element, ordinal), data, comment)

    loop = engine.instances.start(actors["street_a"], "loop_approval", None, {})
    complete(loop, "submit", "street_a", {"title": "会签测试", "amount": 10}, "请审核")
    complete(loop, "review", "civil_affairs", {"decision": "return"}, "金额有误")
    complete(loop, "submit", "street_a", {"title": "会签测试（补正）", "amount": 12})
    complete(loop, "review", "civil_affairs", {"decision": "pass"})
    complete(loop, "sign_b", "civil_affairs", {"agree": True}, "同意")
    complete(loop, "sign_a", "street_a", {"agree": True})

    tick()
    probe = engine.instances.start(actors["street_a"], "audit_probe", None, {})
    complete(probe, "check", "street_a", {"divisor": 4}, ordinal=1)
    complete(probe, "check", "street_a", {"divisor": 0}, "除数为零")

    tick()
    admin = engine.instances.start(actors["street_a"], "loop_approval", None, {})
    complete(admin, "submit", "street_a", {"title": "挂起测试", "amount": 3})
    tick()
    engine.case_admin.suspend(actors["admin"], admin, "等待材料")
    tick()
    engine.case_admin.resume(actors["admin"], admin, "材料已到")
    tick()
    engine.case_admin.terminate(actors["admin"], admin, "申请撤回")

    with engine.db.reader() as session:
        rows = session.execute(select(JournalEntry.instance_id, JournalEntry.seq, JournalEntry.command,
                                      JournalEntry.state_hash, JournalEntry.hash)
                               .order_by(JournalEntry.instance_id, JournalEntry.seq)).all()
        heads = {i.id: (i.status, i.journal_hash) for i in session.scalars(select(ProcessInstance))}
    journal: dict[int, list[tuple[int, str, str, str]]] = {}
    for instance_id, seq, command, state_hash, digest in rows:
        journal.setdefault(instance_id, []).append((seq, command, state_hash[:16], digest[:16]))
    for instance_id, (status, head) in heads.items():
        assert head.startswith(journal[instance_id][-1][3]), instance_id
        journal[instance_id].append((0, status, "", ""))
    return journal


# (seq, command, state hash[:16], entry hash[:16]); the last row is the case's final status.
EXPECTED: dict[int, list[tuple[int, str, str, str]]] = {
    1: [
        (1, "start", "643252f9a4afc66d", "3788cf8bb2229dbe"),
        (2, "engine_step", "46d3f3099c2fe6e2", "2617ec7a4ba5cd86"),
        (3, "complete", "c9597fd62234f869", "9fc908b5ec741537"),
        (4, "complete", "a79431689c73a3ee", "eb56048e4df79fbf"),
        (5, "engine_step", "795adb6de897d0d8", "635d796ddac89caa"),
        (6, "loop_reset", "795adb6de897d0d8", "da5fbebd3312dd9b"),
        (7, "complete", "c5f9f464806e9fdf", "a7481ab7f2ff37bf"),
        (8, "complete", "772d5e17dc5ce2fd", "4901e3d347e391b1"),
        (9, "engine_step", "917944e1f8fc1543", "cee564ba0eb884a9"),
        (10, "engine_step", "7b06e17565bc964f", "5481d1aef14bab79"),
        (11, "complete", "2bf40d1d8c3ac3f1", "8c1f89295731b0a0"),
        (12, "complete", "46403ccdbac85674", "80e7162010a924ea"),
        (13, "engine_step", "ebbbf5c7d924a448", "54f8b10ae1a4df8c"),
        (14, "engine_step", "459f478ced349a5c", "46864b3da339a76d"),
        (15, "engine_step", "59bc9dee63bfeac5", "0ea604c23cfa13bc"),
        (0, "completed", "", ""),
    ],
    2: [
        (1, "start", "f26815dfb3475d67", "de8352888547ab98"),
        (2, "engine_step", "dab895d4954594c8", "576bdf2fc19a4d1d"),
        (3, "engine_step", "133120e265deccfc", "be52f87329ba9534"),
        (4, "complete", "ef74298fd5ca3c9f", "35205f183f5db14b"),
        (5, "engine_step", "d4c4244037d55139", "10bfc077f524c851"),
        (6, "engine_step", "cc6d9394b74ac7a6", "5e3068c0b974f89c"),
        (7, "complete", "cc6d9394b74ac7a6", "a9f25bf1d98f1dee"),
        (0, "error", "", ""),
    ],
    3: [
        (1, "start", "643252f9a4afc66d", "5e20e3442c8b7b02"),
        (2, "engine_step", "46d3f3099c2fe6e2", "0a34faddc285aa38"),
        (3, "complete", "01453ec73a6af21b", "a8fed626c5db048b"),
        (4, "suspend", "01453ec73a6af21b", "ae282c944d48bb60"),
        (5, "resume", "01453ec73a6af21b", "779f907c0ffe9af1"),
        (6, "terminate", "87e8cdda76ed7885", "d4f378cc0336930b"),
        (0, "terminated", "", ""),
    ],
}


def test_journal_and_state_hashes_are_pinned(template_db: Path, tmp_path: Path) -> None:
    clock = FixedClock(T0)
    engine = WorkflowEngine(fresh_settings(template_db, tmp_path), clock=clock)
    try:
        assert _scenario(engine, clock) == EXPECTED
        with engine.db.reader() as session:  # and replay re-produces every one of them
            for instance in session.scalars(select(ProcessInstance)):
                assert verify_instance(session, engine.registry, instance).ok, instance.id
    finally:
        engine.db.dispose()
