"""``python -m bench.pg_trips``: the exact round trips and statements of a start and a completion on PostgreSQL.

A TCP proxy between the app (Flask's test client, in this process) and the PostgreSQL server of
``TEST_DATABASE_URL`` (run under ``scripts/pg-test-server``) reads the protocol messages the client sends.
One round trip is a burst the client sends after the server's last reply; each trip is listed with its
messages: a simple query (``Q``), a statement parsed (``P``, extended protocol) or a prepared one bound
by name (``B``). ``--show`` prints the trips of the longest start and of the longest completion of each task.
"""

from __future__ import annotations

import argparse
import os
import socket
import struct
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from .cpu_meter import _children, _cpu_s, _postmaster
from .harness import make_engine
from .pg import postgres
from .scenario import END_ADMITTED, HAPPY_PATH, KEY, START_DATA, STARTER

PREFIX = "/api/v1"


class Proxy:
    """Forwards one port to PostgreSQL and records the client's messages, grouped in round trips."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.trips: list[list[str]] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> list[list[str]]:
        with self.lock:
            trips, self.trips = self.trips, []
        return trips

    def _accept(self) -> None:
        while True:
            client, _ = self.listener.accept()
            server = socket.create_connection(self.target)
            for s in (client, server):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            state = {"replied": True, "started": False, "buffer": b"", "current": None}
            threading.Thread(target=self._upstream, args=(client, server, state), daemon=True).start()
            threading.Thread(target=self._downstream, args=(server, client, state), daemon=True).start()

    def _upstream(self, client: socket.socket, server: socket.socket, state: dict[str, Any]) -> None:
        def seen(data: bytes) -> None:
            with self.lock:
                if state["replied"]:
                    state["current"] = []
                    self.trips.append(state["current"])
                    state["replied"] = False
                state["buffer"] += data
                self._parse(state)
        self._pump(client, server, seen)

    def _downstream(self, server: socket.socket, client: socket.socket, state: dict[str, Any]) -> None:
        def seen(_data: bytes) -> None:
            with self.lock:
                state["replied"] = True
        self._pump(server, client, seen)

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket, seen: Callable[[bytes], None]) -> None:
        """Copy one direction until its source ends; the other direction closing this one's source (the
        connection's end seen from the other side first) ends it too."""
        try:
            while data := source.recv(65536):
                seen(data)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            sink.close()

    @staticmethod
    def _parse(state: dict[str, Any]) -> None:
        buf: bytes = state["buffer"]
        if not state["started"]:  # the startup message has no type byte
            if len(buf) < 4 or len(buf) < struct.unpack("!I", buf[:4])[0]:
                return
            length = struct.unpack("!I", buf[:4])[0]
            state["current"].append("startup")
            buf, state["started"] = buf[length:], True
        while len(buf) >= 5:
            kind, length = chr(buf[0]), struct.unpack("!I", buf[1:5])[0]
            if len(buf) < 1 + length:
                break
            body, buf = buf[5:1 + length], buf[1 + length:]
            if kind == "Q":
                state["current"].append("Q " + body.split(b"\0")[0].decode(errors="replace"))
            elif kind == "P":
                name, query = body.split(b"\0")[:2]
                state["current"].append(("P[" + name.decode() + "] " if name else "P ")
                                        + query.decode(errors="replace"))
            elif kind == "B":
                name = body.split(b"\0")[1]
                if name:
                    state["current"].append("B[" + name.decode() + "]")
            elif kind == "X":
                state["current"].append("terminate")
        state["buffer"] = buf


def _short(message: str, width: int = 150) -> str:
    one_line = " ".join(message.split())
    return one_line if len(one_line) <= width else one_line[:width] + "…"


def _postgres_cpu_s(postmaster: int | None) -> float:
    """CPU seconds so far of this run's PostgreSQL server (its postmaster and children), not of other servers."""
    if postmaster is None:
        return 0.0
    return sum(_cpu_s(pid) for pid in [postmaster, *_children(postmaster)])


def _keep_longest(longest: dict[str, list[list[str]]], kind: str, trips: list[list[str]]) -> None:
    if len(trips) > len(longest.get(kind, [])):
        longest[kind] = trips


def measure(database_url: str, cases: int, show: bool, rollback_reads: bool = False,
            separate_begin: bool = False, writers_custom_plans: bool = False, reads: bool = False) -> dict[str, Any]:
    from api import create_app
    from engine.seed.loader import DEMO_PASSWORD
    from engine.settings import Settings
    from engine.store import db as store_db

    from .scenario import USERS

    url = make_url(database_url)
    proxy = Proxy(url.host or "127.0.0.1", url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=proxy.port, query={"sslmode": "disable"})
    proxied_url = proxied.render_as_string(hide_password=False)
    scratch = Path(tempfile.mkdtemp(prefix="shequ-trips-"))
    postmaster = _postmaster(database_url)
    store_db.FOLD_BEGIN = not separate_begin  # the A of an A/B: psycopg's own BEGIN, a round trip of its own
    store_db.WRITERS_REUSE_PLANS = not writers_custom_plans  # the A of an A/B: commands planned at every run
    try:
        engine = make_engine(proxied_url, scratch / "attachments")
    finally:
        store_db.FOLD_BEGIN = store_db.WRITERS_REUSE_PLANS = True
    with engine.db.writer() as session, session.begin():
        tokens = {user: engine.identity.login(session, user, DEMO_PASSWORD) for user in USERS}
    app = create_app(Settings(database_url=proxied_url, attachments_dir=scratch / "attachments"), engine=engine)
    client = app.test_client()
    if rollback_reads:  # the A of an A/B: views end with ROLLBACK as before (psycopg drops its prepared statements)
        del engine.db.write_engine.dialect.do_rollback

    def get(path: str, user: str) -> tuple[int, list[list[str]]]:
        proxy.reset()
        response = client.get(PREFIX + path, headers={"Authorization": f"Bearer {tokens[user]}"})
        return response.status_code, proxy.reset()

    def call(path: str, user: str, body: dict[str, Any]) -> tuple[int, Any, list[list[str]]]:
        proxy.reset()
        response = client.post(PREFIX + path, json=body, headers={"Authorization": f"Bearer {tokens[user]}"})
        return response.status_code, response.get_json(), proxy.reset()

    per_kind: dict[str, list[int]] = defaultdict(list)
    last: dict[str, list[list[str]]] = {}
    cpu: dict[str, float] = {}
    for number in range(cases):
        if number == 1 or cases == 1:  # the first case warms up (psycopg prepares at a statement's 5th execution)
            times = os.times()
            cpu = {"app user": -times.user, "app system": -times.system, "postgres": -_postgres_cpu_s(postmaster),
                   "wall": -time.perf_counter()}
        status, case, trips = call("/process-instances", STARTER, {"definition_key": KEY, "data": START_DATA})
        assert status == 201, case
        per_kind["start"].append(len(trips))
        _keep_longest(last, "start", trips)
        while case["active_tasks"]:
            task = case["active_tasks"][0]
            user, data = HAPPY_PATH[task["element_id"]]
            if reads:  # the clerk's reads before a completion: the inbox, then the task's page
                for kind, path in (("GET /tasks", "/tasks?limit=20"), ("GET /tasks/{id}", f"/tasks/{task['id']}")):
                    status, trips = get(path, user)
                    assert status == 200, (path, status)
                    per_kind[kind].append(len(trips))
                    _keep_longest(last, kind, trips)
            status, case, trips = call(f"/tasks/{task['id']}/complete", user, {"data": data})
            assert status == 200, case
            per_kind["complete " + task["element_id"]].append(len(trips))
            per_kind["complete"].append(len(trips))
            _keep_longest(last, "complete " + task["element_id"], trips)
        assert case.get("end_event") == END_ADMITTED, case
    times = os.times()
    cpu["app user"] += times.user
    cpu["app system"] += times.system
    cpu["wall"] += time.perf_counter()
    cpu["postgres"] += _postgres_cpu_s(postmaster)
    engine.db.dispose()
    if show:
        for kind, trips in last.items():
            print(f"\n== {kind}: {len(trips)} round trips")
            for number, trip in enumerate(trips, 1):
                print(f"{number:3d}. " + " | ".join(_short(m) for m in trip))
    # steady state: the cases after the first (psycopg prepares a statement at its 5th execution)
    steady = {k: v[len(v) // cases:] if cases > 1 else v for k, v in per_kind.items()}
    per_case = 16 if reads else 6  # a start and five completions (and two reads before each completion)
    requests = (cases - 1) * per_case if cases > 1 else per_case
    result: dict[str, Any] = {f"ms per request, {'wall' if k == 'wall' else 'cpu ' + k}": round(v * 1000 / requests, 2)
                              for k, v in cpu.items()}
    return result | {k: {"mean": round(sum(v) / len(v), 2), "min": min(v), "max": max(v), "n": len(v)}
            for k, v in steady.items()}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pg_trips")
    parser.add_argument("--cases", type=int, default=4)
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--ab", type=int, default=0,
                        help="alternate this many times: views ending with ROLLBACK, then with COMMIT")
    parser.add_argument("--ab-begin", type=int, default=0,
                        help="alternate this many times: BEGIN alone, then with the first statement")
    parser.add_argument("--reads", action="store_true",
                        help="also count the trips of GET /tasks and GET /tasks/{id} before each completion")
    parser.add_argument("--ab-plans", type=int, default=0,
                        help="alternate this many times: commands planned at every run, then reusing a plan")
    args = parser.parse_args()
    now = ("as configured", False, False, False)
    runs = [now]
    if args.ab:
        runs = [("views end with rollback", True, False, False), now] * args.ab
    elif args.ab_begin:
        runs = [("BEGIN alone", False, True, False), now] * args.ab_begin
    elif args.ab_plans:
        runs = [("commands planned every time", False, False, True), now] * args.ab_plans
    for label, rollback_reads, separate_begin, custom_plans in runs:
        with postgres() as (database_url, _source):
            result = measure(database_url, args.cases, args.show, rollback_reads, separate_begin, custom_plans,
                             args.reads)
        print(f"\n-- {label}")
        for kind, figures in result.items():
            print(f"{kind:40s} {figures}")


if __name__ == "__main__":
    main()
