"""The production start (scripts/serve-production: gunicorn, two worker processes) on one PostgreSQL under load,
one worker SIGKILLed mid-load, two timer worker processes beside them.

Eight clients complete random open tasks of a handful of cases (and start new
cases as cases finish), every command with an Idempotency-Key. A request cut off
by the kill is sent again with the same key until it has an answer — from the
other worker or the one the master starts in place of the dead one. Afterwards
``python -m engine.cli verify-all`` finds no bad case, every case's rows match
its journal, the journal holds exactly one ``complete`` per completion the
clients were told of (none lost, none doubled), no start made two cases, and
/metrics adds up the workers' counters. The timer workers (``flask --app api worker``,
started by the script's WORKER_CMD) fire the three-second timers of cases started
before the load exactly once each. Loopback only; bounded in requests and time.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from engine.service import WorkflowEngine
from engine.settings import Settings
from engine.store.models import JournalEntry, ProcessInstance
from tests.consistency import check_all_cases
from tests.hostile_support import deploy
from tests.live_server import ROOT, free_port
from tests.support import DEMO_TOKENS
from tests.test_stress_crash import USERS, form_data
from tests.test_timer_worker_process import SHORT
from tests.timer_support import TIMER_FORMS

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

CLIENTS = 8
CASES = 5
KILL_AFTER = 25
TARGET = 70
DEADLINE_SECONDS = 150
RESEND_LIMIT = 40
TIMER_CASES = 3


class Gone(Exception):
    """The connection failed or was cut: the request's outcome is unknown."""


@dataclass
class Production:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def request(self, method: str, path: str, body: Any = None, token: str | None = None,
                key: str | None = None) -> tuple[int, Any, dict[str, str]]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if key:
            headers["Idempotency-Key"] = key
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, json.dumps(body) if body is not None else None, headers)
            response = conn.getresponse()
            raw = response.read()
            answer_headers = {k.lower(): v for k, v in response.getheaders()}
        except (OSError, http.client.HTTPException) as exc:
            raise Gone(str(exc)) from exc
        finally:
            conn.close()
        is_json = answer_headers.get("content-type", "").startswith("application/json")
        return response.status, json.loads(raw) if is_json else raw.decode(), answer_headers

    def until_answered(self, method: str, path: str, body: Any, token: str, key: str,
                       resent: list[int]) -> tuple[int, Any, dict[str, str]]:
        """Send, and send again with the same key while the answer is lost (a client's retry)."""
        for attempt in range(RESEND_LIMIT):
            try:
                return self.request(method, path, body, token, key)
            except Gone:
                resent.append(attempt)
                time.sleep(0.2)  # back-off between a client's retries, not synchronisation
        raise AssertionError(f"{method} {path} unanswered after {RESEND_LIMIT} attempts")

    def workers(self) -> list[int]:
        """Pids of gunicorn's worker processes (the children of the script's gunicorn master; the
        script's other children are the timer workers' restart loops)."""
        found = []
        for master in _children(self.process.pid):
            if b"gunicorn" in _cmdline(master):
                found.extend(_children(master))
        return found

    def timer_workers(self) -> list[int]:
        """Pids of the ``flask --app api worker`` processes (children of the script's restart loops)."""
        return [pid for loop in _children(self.process.pid) for pid in _children(loop)
                if b"worker" in _cmdline(pid) and b"gunicorn" not in _cmdline(pid)]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


@pytest.fixture
def production(backend_settings: Settings, tmp_path: Path) -> Iterator[tuple[Production, WorkflowEngine]]:
    engine = WorkflowEngine(backend_settings)
    deploy(engine)
    with engine.db.writer() as session, session.begin():
        engine.registry.deploy(session, SHORT, TIMER_FORMS)  # a boundary timer of three seconds
    port = free_port()
    log = tmp_path / "production.log"
    env = {**os.environ, "DATABASE_URL": backend_settings.database_url, "WORKERS": "2", "THREADS": "4",
           "HOST": "127.0.0.1", "PORT": str(port), "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
           "ATTACHMENTS_DIR": str(tmp_path / "attachments"), "PYTHON": os.sys.executable,
           "WORKER_CMD": f"{os.sys.executable} -m flask --app api worker --poll 0.5", "WORKER_PROCESSES": "2"}
    (tmp_path / "metrics").mkdir()
    with log.open("ab") as out:
        process = subprocess.Popen([str(ROOT / "scripts" / "serve-production")], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    server = Production(process, port, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log.read_text()[-3000:]
            try:
                if server.request("GET", "/api/v1/ready")[0] == 200 and len(server.workers()) == 2 \
                        and len(server.timer_workers()) == 2:
                    break
            except Gone:
                pass
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.1)  # polling for readiness
        yield server, engine
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
        engine.db.dispose()


@dataclass
class Load:
    server: Production
    case_ids: list[int]
    completed: list[int] = field(default_factory=list)  # task ids the clients were told are completed
    refused: list[int] = field(default_factory=list)  # 409: someone else was first
    started: list[int] = field(default_factory=list)
    replayed: int = 0
    resent: list[int] = field(default_factory=list)
    unexpected: list[Any] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    reached_kill: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)

    def client(self, seed: int) -> None:
        rng = random.Random(seed)
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not self.done.is_set() and time.monotonic() < deadline:
            with self.lock:
                case_id = rng.choice(self.case_ids)
            try:
                status, case, _ = self.server.request("GET", f"/api/v1/process-instances/{case_id}",
                                                      token=DEMO_TOKENS["admin"])
            except Gone:
                continue  # a read: just read again
            if status != 200:
                self._unexpected(("GET", status, case))
                continue
            if case["status"] != "running":
                self._replace(case_id, rng)
                continue
            task = rng.choice(case["active_tasks"])
            body = {"data": form_data(task["element_id"], rng, True), "comment": f"client {seed}"}
            status, answer, headers = self.server.until_answered(
                "POST", f"/api/v1/tasks/{task['id']}/complete", body, DEMO_TOKENS[USERS[task["element_id"]]],
                str(uuid.uuid4()), self.resent)
            with self.lock:
                if status == 200:
                    self.completed.append(task["id"])
                    self.replayed += headers.get("idempotent-replayed") == "true"
                    if len(self.completed) >= KILL_AFTER:
                        self.reached_kill.set()
                    if len(self.completed) >= TARGET:
                        self.done.set()
                elif status == 409:
                    self.refused.append(task["id"])
                else:
                    self.unexpected.append(("complete", status, answer))

    def _replace(self, case_id: int, rng: random.Random) -> None:
        with self.lock:
            if case_id not in self.case_ids:
                return
            self.case_ids.remove(case_id)
        status, case, _ = self.server.until_answered(
            "POST", "/api/v1/process-instances", {"definition_key": "loop_approval", "data": {}},
            DEMO_TOKENS["street_a"], str(uuid.uuid4()), self.resent)
        with self.lock:
            if status == 201:
                self.case_ids.append(case["id"])
                self.started.append(case["id"])
            else:
                self.unexpected.append(("start", status, case))

    def _unexpected(self, what: Any) -> None:
        with self.lock:
            self.unexpected.append(what)


def metric_total(server: Production, name: str, **labels: str) -> float:
    status, text, _ = server.request("GET", "/metrics")
    assert status == 200
    total = 0.0
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True)
def test_two_worker_processes_on_one_postgres_survive_a_sigkill(
        production: tuple[Production, WorkflowEngine]) -> None:
    server, engine = production
    timed = []
    for _ in range(TIMER_CASES):
        status, case, _ = server.request("POST", "/api/v1/process-instances",
                                         {"definition_key": "timer_approval", "data": {}},
                                         token=DEMO_TOKENS["street_a"], key=str(uuid.uuid4()))
        assert status == 201, case
        timed.append(case["id"])
    case_ids = []
    for _ in range(CASES):
        status, case, _ = server.request("POST", "/api/v1/process-instances",
                                         {"definition_key": "loop_approval", "data": {}},
                                         token=DEMO_TOKENS["street_a"], key=str(uuid.uuid4()))
        assert status == 201, case
        case_ids.append(case["id"])
    load = Load(server, list(case_ids))
    threads = [threading.Thread(target=load.client, args=(seed,), daemon=True) for seed in range(CLIENTS)]
    for thread in threads:
        thread.start()
    assert load.reached_kill.wait(DEADLINE_SECONDS), (len(load.completed), load.unexpected[:3])
    victim = server.workers()[0]
    os.kill(victim, signal.SIGKILL)  # mid-load: its requests in flight are cut off
    for thread in threads:
        thread.join(timeout=DEADLINE_SECONDS + 60)
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert not load.unexpected, load.unexpected[:5]
    assert len(load.completed) >= TARGET, (len(load.completed), len(load.refused))
    assert victim not in server.workers() and len(server.workers()) == 2  # the master replaced it

    verify = subprocess.run([os.sys.executable, "-m", "engine.cli", "verify-all"], cwd=ROOT,
                            env={**os.environ, "DATABASE_URL": engine.db.url}, capture_output=True, text=True,
                            timeout=300, check=False)
    assert verify.returncode == 0, verify.stdout[-3000:] + verify.stderr[-3000:]
    assert verify.stdout.strip().splitlines()[-1].endswith(" bad") and " 0 bad" in verify.stdout.splitlines()[-1]

    with engine.db.reader() as session:
        check_all_cases(session, engine.registry)
        journalled = session.scalar(select(func.count()).select_from(JournalEntry)
                                    .where(JournalEntry.command == "complete"))
        instances = session.scalar(select(func.count()).select_from(ProcessInstance))
    assert len(set(load.completed)) == len(load.completed), "one task was reported completed twice"
    assert journalled == len(load.completed), (journalled, len(load.completed), len(load.resent))
    assert instances == CASES + len(load.started) + TIMER_CASES
    for case_id in timed:  # fired by one of the timer workers, once
        until = time.monotonic() + 60
        while True:
            status, case, _ = server.request("GET", f"/api/v1/process-instances/{case_id}",
                                             token=DEMO_TOKENS["admin"])
            if case["status"] != "running" or time.monotonic() > until:
                break
            time.sleep(0.2)  # polling the observable state with a bound
        assert (case["status"], case["end_event"]) == ("completed", "逾期关闭"), case
        with engine.db.reader() as session:
            fired = session.scalar(select(func.count()).select_from(JournalEntry).where(
                JournalEntry.instance_id == case_id, JournalEntry.command == "timer_fired"))
        assert fired == 1, (case_id, fired)
    print(f"completions {journalled}, refused {len(load.refused)}, resent {len(load.resent)}, "
          f"replayed {load.replayed}, cases {instances}")
    counted = metric_total(server, "shequ_commands_total", command="complete")
    assert journalled - 2 * 4 <= counted <= journalled  # at most the killed worker's requests in flight uncounted
