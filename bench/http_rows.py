"""Rows 3 and 4: the full HTTP API through waitress on 127.0.0.1.

The server runs in its own process (``python -m bench.server``); clients are
threads here, each with its own keep-alive connection and its own cases: start
a case, then complete its open tasks one by one from the state each response
returns. Only ``POST /tasks/{id}/complete`` is timed per request; throughput is
completions per wall-clock second over all clients. Each run also says where its CPU went
(bench/cpu_meter.py: server, PostgreSQL, clients, the machine's busy cores, PostgreSQL's wait events).
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from engine.settings import ROOT

from .cpu_meter import CpuMeter
from .scenario import END_ADMITTED, HAPPY_PATH, KEY, START_DATA, STARTER
from .stats import rss_mb, summary

PREFIX = "/api/v1"


@contextmanager
def running_server(database_url: str, threads: int = 8, extra: tuple[str, ...] = ()) -> Iterator[tuple[int, int]]:
    """Yield (port, pid) of a waitress server over ``database_url``; stop it on exit."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "bench.server", database_url, "--threads", str(threads), *extra],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if not line.isdigit():
            raise RuntimeError(f"benchmark server did not start (exit code {proc.poll()})")
        yield int(line), proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def running_gunicorn(database_url: str, workers: int = 4, threads: int = 4) -> Iterator[tuple[int, int]]:
    """Yield (port, master pid) of the production server (gunicorn, api/gunicorn_conf.py) over ``database_url``."""
    import socket
    import tempfile
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    scratch = tempfile.mkdtemp(prefix="shequ-bench-gunicorn-")
    env = dict(os.environ, PYTHONPATH=str(ROOT), DATABASE_URL=database_url, WORKERS=str(workers),
               THREADS=str(threads), PORT=str(port), PROMETHEUS_MULTIPROC_DIR=scratch,
               ATTACHMENTS_DIR=os.path.join(scratch, "attachments"), LOG_FORMAT="json")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "api/gunicorn_conf.py",
                             "--log-level", "warning", "api.wsgi:app"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", PREFIX + "/health")
                conn.getresponse().read()
                conn.close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start (exit code {proc.poll()})") from None
                time.sleep(0.2)
        yield port, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Client:
    """One clerk's keep-alive connection, with the bearer tokens of the users it acts as."""

    def __init__(self, port: int, tokens: dict[str, str]) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.tokens = tokens

    def call(self, method: str, path: str, user: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"}
        if method == "POST":  # as the web pages send every POST (api/web/assets/common.js)
            headers["Idempotency-Key"] = uuid.uuid4().hex
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, PREFIX + path, body=payload, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None

    def run_case(self, latencies: list[float]) -> None:
        status, case = self.call("POST", "/process-instances", STARTER,
                                 {"definition_key": KEY, "data": START_DATA})
        if status != 201:
            raise RuntimeError(f"start failed: {status} {case}")
        while case["active_tasks"]:
            task = case["active_tasks"][0]
            user, data = HAPPY_PATH[task["element_id"]]
            began = time.perf_counter()
            status, case = self.call("POST", f"/tasks/{task['id']}/complete", user, {"data": data})
            latencies.append(time.perf_counter() - began)
            if status != 200:
                raise RuntimeError(f"complete failed: {status} {case}")
        if case["status"] != "completed" or case.get("end_event") != END_ADMITTED:
            raise RuntimeError(f"case {case['id']} ended wrongly: {case['status']} {case.get('end_event')}")

    def close(self) -> None:
        self.conn.close()


def _run_clients(port: int, tokens: dict[str, str], clients: int, cases_each: int) -> dict[str, Any]:
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[BaseException] = []

    def work(index: int) -> None:
        client = Client(port, tokens)
        try:
            for _ in range(cases_each):
                client.run_case(latencies[index])
        except BaseException as exc:  # reported in the table, not swallowed
            errors.append(exc)
        finally:
            client.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise RuntimeError(f"{len(errors)} client(s) failed: {errors[0]}")
    merged = [t for per_client in latencies for t in per_client]
    result = summary(merged)
    result.update({"clients": clients, "seconds": round(elapsed, 3),
                   "completions_per_s": round(len(merged) / elapsed, 1)})
    return result


def measure_http(database_url: str, tokens: dict[str, str], cases: int, concurrency: list[int],
                 server_threads: int = 8, processes: int = 0, server_args: tuple[str, ...] = ()) -> dict[str, Any]:
    """One-client and concurrent-client runs against one server; ``cases`` per run in total.

    ``processes`` > 0: gunicorn with that many worker processes (the production start) instead of waitress.
    """
    results: dict[str, Any] = {}
    server = (running_gunicorn(database_url, processes, 4) if processes
              else running_server(database_url, server_threads, server_args))
    with server as (port, pid):
        _run_clients(port, tokens, 1, max(5, cases // 10))  # warm-up: compile, connections, caches
        rss_before = rss_mb(pid)
        meter = CpuMeter(pid, database_url)
        for clients in concurrency:
            state = meter.start()
            run = _run_clients(port, tokens, clients, max(1, cases // clients))
            results[f"clients_{clients}"] = run | meter.stop(state, int(run["n"]))
        results["server_rss_mb"] = {"before": rss_before, "after": rss_mb(pid)}
    return results
