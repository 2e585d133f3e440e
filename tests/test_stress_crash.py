"""Many clerks on a handful of cases through the real multi-threaded server, and a server killed mid-load.

Both on SQLite and PostgreSQL. Afterwards every case's journal chain verifies
and its task rows match its snapshot (tests/consistency.py); every completion
the server acknowledged is there exactly once; after a SIGKILL every command
is wholly there or wholly absent and every case can still be finished.
Starts carry an Idempotency-Key: a start whose reply the crash cut off is
retried with its key after the restart, so every case in the database is one
the test knows (a lost reply never leaves an orphan case).
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.service import WorkflowEngine
from engine.settings import Settings
from engine.store.models import HumanTask, JournalEntry, ProcessInstance
from tests.consistency import check_all_cases
from tests.hostile_support import deploy
from tests.live_server import LiveServer, ServerGone
from tests.support import DEMO_TOKENS

pytestmark = pytest.mark.slow

CASES = 5
WORKERS = 8
STRESS_COMPLETIONS = 120
CRASH_AFTER = 30
LOAD_DEADLINE_SECONDS = 90
USERS = {"submit": "street_a", "review": "civil_affairs", "sign_a": "street_a", "sign_b": "civil_affairs"}


def form_data(element: str, rng: random.Random, returns: bool) -> dict[str, Any]:
    if element == "submit":
        return {"title": "压力测试", "amount": rng.randint(0, 1000)}
    if element == "review":
        return {"decision": "return" if returns and rng.random() < 0.4 else "pass"}
    return {"agree": rng.random() < 0.5}


@dataclass
class Load:
    """Worker threads picking random open tasks of random cases and completing them."""

    server: LiveServer
    case_ids: list[int]
    returns: bool = True
    statuses: Counter[int] = field(default_factory=Counter)
    acknowledged: list[int] = field(default_factory=list)  # task ids completed with 200
    unknown: list[int] = field(default_factory=list)  # task ids whose request the crash cut off
    unknown_starts: list[str] = field(default_factory=list)  # Idempotency-Keys of starts the crash cut off
    unexpected: list[Any] = field(default_factory=list)
    finished: list[int] = field(default_factory=list)
    reached: threading.Event = field(default_factory=threading.Event)
    target: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, target: int) -> list[threading.Thread]:
        self.target = target
        threads = [threading.Thread(target=self._worker, args=(seed,), daemon=True) for seed in range(WORKERS)]
        for thread in threads:
            thread.start()
        return threads

    def _worker(self, seed: int) -> None:
        rng = random.Random(seed)
        deadline = time.monotonic() + LOAD_DEADLINE_SECONDS
        while not self.reached.is_set() and time.monotonic() < deadline:
            with self.lock:
                case_id = rng.choice(self.case_ids)
            try:
                status, case = self.server.request("GET", f"/process-instances/{case_id}", token=DEMO_TOKENS["admin"])
            except ServerGone:
                return
            if status != 200:
                self._unexpected(("GET", status, case))
                continue
            if case["status"] != "running":
                self._replace(case_id)  # keep a handful of live cases
                continue
            if not case["active_tasks"]:
                self._unexpected(("running case without open tasks", case))
                continue
            task = rng.choice(case["active_tasks"])
            body = {"data": form_data(task["element_id"], rng, self.returns), "comment": f"worker {seed}"}
            try:
                status, answer = self.server.request("POST", f"/tasks/{task['id']}/complete", body,
                                                     token=DEMO_TOKENS[USERS[task["element_id"]]])
            except ServerGone:
                with self.lock:
                    self.unknown.append(task["id"])
                return
            with self.lock:
                self.statuses[status] += 1
                if status == 200:
                    self.acknowledged.append(task["id"])
                    if len(self.acknowledged) >= self.target:
                        self.reached.set()
                elif status != 409:
                    self.unexpected.append(("complete", status, answer))

    def _replace(self, case_id: int) -> None:
        with self.lock:
            if case_id not in self.case_ids:
                return
            self.case_ids.remove(case_id)
            self.finished.append(case_id)
        key = str(uuid.uuid4())
        try:
            status, case = start(self.server, key)
        except ServerGone:
            with self.lock:
                self.unknown_starts.append(key)
            return
        with self.lock:
            if status == 201:
                self.case_ids.append(case["id"])
            else:
                self.unexpected.append(("start", status, case))

    def _unexpected(self, what: Any) -> None:
        with self.lock:
            self.unexpected.append(what)


@pytest.fixture
def live(backend_settings: Settings, tmp_path: Path) -> Iterator[tuple[LiveServer, WorkflowEngine]]:
    """A database with loop_approval deployed and a server on it; the test's own engine reads the database."""
    engine = WorkflowEngine(backend_settings)
    deploy(engine)
    server = LiveServer(backend_settings.database_url, tmp_path / "server.log")
    server.start()
    try:
        yield server, engine
    finally:
        server.stop()
        engine.db.dispose()


def start(server: LiveServer, key: str) -> tuple[int, Any]:
    return server.request("POST", "/process-instances", {"definition_key": "loop_approval", "data": {}},
                          token=DEMO_TOKENS["street_a"], headers={"Idempotency-Key": key})


def start_cases(server: LiveServer) -> list[int]:
    ids = []
    for _ in range(CASES):
        status, case = start(server, str(uuid.uuid4()))
        assert status == 201, case
        ids.append(case["id"])
    return ids


def journalled_completions(engine: WorkflowEngine) -> int:
    with engine.db.reader() as session:
        return int(session.scalar(select(func.count()).select_from(JournalEntry)
                                  .where(JournalEntry.command == "complete")) or 0)


def check_everything(engine: WorkflowEngine) -> dict[int, Any]:
    with engine.db.reader() as session:
        return check_all_cases(session, engine.registry)


def join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(timeout=LOAD_DEADLINE_SECONDS + 60)
    assert not any(t.is_alive() for t in threads), "a worker hung"


def test_many_clerks_on_few_cases_through_a_real_server(live: tuple[LiveServer, WorkflowEngine]) -> None:
    server, engine = live
    load = Load(server, start_cases(server))
    join(load.run(STRESS_COMPLETIONS))
    assert not load.unexpected, load.unexpected[:5]
    assert len(load.acknowledged) >= STRESS_COMPLETIONS, load.statuses
    assert len(set(load.acknowledged)) == len(load.acknowledged), "a task was completed twice"
    check_everything(engine)
    assert journalled_completions(engine) == len(load.acknowledged)


def test_server_killed_mid_load_loses_and_duplicates_nothing(live: tuple[LiveServer, WorkflowEngine]) -> None:
    server, engine = live
    load = Load(server, start_cases(server))
    threads = load.run(CRASH_AFTER)
    assert load.reached.wait(LOAD_DEADLINE_SECONDS), load.statuses
    server.kill()  # while the other workers still have requests in flight
    join(threads)
    assert not load.unexpected, load.unexpected[:5]

    check_everything(engine)
    with engine.db.reader() as session:
        states = dict(session.execute(select(HumanTask.id, HumanTask.state)).all())
    assert all(states[t] == "completed" for t in load.acknowledged), "an acknowledged completion was lost"
    assert all(states[t] in ("completed", "ready", "cancelled") for t in load.unknown)
    assert journalled_completions(engine) >= len(load.acknowledged)

    server.start()
    for key in load.unknown_starts:  # the client retries what it never heard back about, with the same key
        status, case = start(server, key)
        assert status == 201, case
        load.case_ids.append(case["id"])
    with engine.db.reader() as session:
        known = set(load.case_ids) | set(load.finished)
        cases = set(session.scalars(select(ProcessInstance.id)).all())
    assert cases == known, f"cases nobody started or tracked: {sorted(cases - known)}"
    for case_id in load.case_ids:  # the others finished before the crash
        finish(server, case_id)
    facts = check_everything(engine)
    assert {f.status for f in facts.values()} == {"completed"}


def finish(server: LiveServer, case_id: int) -> None:
    """Drive a case to its end through the restarted server: none of its tasks may be lost."""
    rng = random.Random(case_id)
    for _ in range(20):
        status, case = server.request("GET", f"/process-instances/{case_id}", token=DEMO_TOKENS["admin"])
        assert status == 200, case
        if case["status"] != "running":
            assert (case["status"], case.get("end_event")) == ("completed", "已批准"), case
            return
        assert case["active_tasks"], f"case {case_id} is running without an open task"
        task = case["active_tasks"][0]
        status, answer = server.request("POST", f"/tasks/{task['id']}/complete",
                                        {"data": form_data(task["element_id"], rng, returns=False)},
                                        token=DEMO_TOKENS[USERS[task["element_id"]]])
        assert status == 200, answer
    pytest.fail(f"case {case_id} did not finish")
