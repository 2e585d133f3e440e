"""The real thing once: a server on 127.0.0.1 and a timer of three seconds, fired by the worker
embedded in ``python -m api serve`` (the ``make run`` default), and by a separate
``flask --app api worker`` process beside a server without one. Polled with a bounded wait."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.service import WorkflowEngine
from engine.settings import Settings
from tests.live_server import ROOT, LiveServer
from tests.support import DEMO_TOKENS
from tests.timer_support import TIMER_BPMN, TIMER_FORMS

WAIT_SECONDS = 60
SHORT = TIMER_BPMN.replace(b"<bpmn:timeDuration>P3D</bpmn:timeDuration>",
                           b"<bpmn:timeDuration>PT3S</bpmn:timeDuration>")


def _deploy_short_timer(settings: Settings) -> None:
    assert SHORT != TIMER_BPMN
    engine = WorkflowEngine(settings)
    with engine.db.writer() as session, session.begin():
        engine.registry.deploy(session, SHORT, TIMER_FORMS)
    engine.db.dispose()


def _wait_for_timeout_end(server: LiveServer, case_id: int) -> dict:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        status, case = server.request("GET", f"/process-instances/{case_id}", token=DEMO_TOKENS["admin"])
        assert status == 200, case
        if case["status"] == "completed":
            return case
        assert time.monotonic() < deadline, f"the timer did not fire within {WAIT_SECONDS} s: {case}"
        time.sleep(0.2)  # polling the observable state with a bound, not standing in for synchronisation


def _start(server: LiveServer) -> int:
    status, case = server.request("POST", "/process-instances", {"definition_key": "timer_approval", "data": {}},
                                  token=DEMO_TOKENS["street_a"])
    assert status == 201, case
    return int(case["id"])


@pytest.mark.slow
def test_embedded_worker_fires_a_three_second_timer(settings: Settings, tmp_path: Path) -> None:
    _deploy_short_timer(settings)
    server = LiveServer(settings.database_url, tmp_path / "server.log", threads=4,
                        env={"WORKER_POLL_SECONDS": "0.5"})
    server.start()
    try:
        started = time.monotonic()
        case = _wait_for_timeout_end(server, _start(server))
        assert case["end_event"] == "逾期关闭"
        assert time.monotonic() - started >= 2.5  # not before it was due
        status, result = server.request("POST", f"/process-instances/{case['id']}/verify",
                                        token=DEMO_TOKENS["auditor"])
        assert status == 200 and result["ok"], result
    finally:
        server.stop()


@pytest.mark.slow
def test_flask_worker_command_beside_a_server_without_one(settings: Settings, tmp_path: Path) -> None:
    _deploy_short_timer(settings)
    server = LiveServer(settings.database_url, tmp_path / "server.log", threads=4, env={"EMBEDDED_WORKER": "0"})
    server.start()
    log = (tmp_path / "worker.log").open("ab")
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "api", "worker", "--poll", "0.5"], cwd=ROOT,
                              env={**os.environ, "DATABASE_URL": settings.database_url}, stdout=log,
                              stderr=subprocess.STDOUT)
    try:
        case = _wait_for_timeout_end(server, _start(server))
        assert case["end_event"] == "逾期关闭"
        worker.terminate()  # SIGTERM: the pass ends, the worker exits cleanly
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
        log.close()
        server.stop()
