"""Where the CPU of an HTTP run went: the server's processes, PostgreSQL's, the clients', the whole machine's.

Row 4 asks whether four clients on four server processes scale; on a 2-core machine the answer is
in CPU time: if one client's completion costs C ms of CPU summed over the server, PostgreSQL and
the client, four clients cannot exceed ``cores / C`` completions per second whatever the locks do.
``/proc/<pid>/stat`` gives each process's user + system time, ``/proc/stat`` the machine's busy
time (other sessions' included: that is what a shared machine looks like). PostgreSQL's processes
are the postmaster's children, found from ``data_directory``'s ``postmaster.pid`` when the server
runs on this machine (else they are left out and said to be). The wait events of the run's sessions
(``pg_stat_activity``) are sampled beside: a real serialization point (a row lock, an advisory lock,
a lightweight lock on the WAL) shows there as ``Lock``/``LWLock`` samples.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

_HZ = os.sysconf("SC_CLK_TCK")


def _cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _HZ  # utime + stime


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.append(int(entry.name))
    return found


def _machine() -> tuple[float, float, int]:
    """(busy seconds summed over cores, all seconds summed over cores, cores)."""
    lines = Path("/proc/stat").read_text().splitlines()
    values = [int(v) for v in lines[0].split()[1:]]
    idle = values[3] + values[4]
    cores = sum(1 for line in lines if line.startswith("cpu") and line[3:4].isdigit())
    return (sum(values) - idle) / _HZ, sum(values) / _HZ, cores


def _postmaster(database_url: str) -> int | None:
    url = make_url(database_url)
    if not url.drivername.startswith("postgresql") or url.host not in ("127.0.0.1", "localhost", None):
        return None
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            directory = conn.execute(text("SHOW data_directory")).scalar_one()
        return int((Path(directory) / "postmaster.pid").read_text().split("\n")[0])
    except Exception:  # not superuser, another machine's files: PostgreSQL's CPU is not counted
        return None
    finally:
        engine.dispose()


class CpuMeter:
    """Measures one run: ``with meter.run() as done: …; done(completions)`` fills ``meter.result``."""

    def __init__(self, server_pid: int, database_url: str) -> None:
        self.server_pid = server_pid
        self.database_url = database_url
        self.postgres = database_url.startswith("postgresql")
        self.postmaster = _postmaster(database_url) if self.postgres else None

    def _server_pids(self) -> list[int]:
        return [self.server_pid, *_children(self.server_pid)]  # gunicorn's workers, or waitress itself

    def _pg_pids(self) -> list[int]:
        return [] if self.postmaster is None else [self.postmaster, *_children(self.postmaster)]

    def start(self) -> dict[str, Any]:
        state: dict[str, Any] = {"server": {p: _cpu_s(p) for p in self._server_pids()},
                                 "pg": {p: _cpu_s(p) for p in self._pg_pids()},
                                 "client": os.times(), "machine": _machine(), "waits": Counter(),
                                 "stop": threading.Event()}
        if self.postgres:
            state["sampler"] = threading.Thread(target=self._sample, args=(state,), daemon=True)
            state["sampler"].start()
        return state

    def _sample(self, state: dict[str, Any]) -> None:
        url = make_url(self.database_url)
        engine = create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                while not state["stop"].wait(0.02):
                    for kind, event in conn.execute(text(
                            "SELECT wait_event_type, wait_event FROM pg_stat_activity WHERE datname = "
                            "current_database() AND pid <> pg_backend_pid() AND state = 'active'")):
                        state["waits"][f"{kind or 'CPU'}:{event or '-'}"] += 1
                    state["waits"]["samples"] += 1
        except Exception:  # the sampler must not fail the run
            return
        finally:
            engine.dispose()

    def stop(self, state: dict[str, Any], completions: int) -> dict[str, Any]:
        state["stop"].set()
        if "sampler" in state:
            state["sampler"].join(timeout=5)

        def spent(before: dict[int, float], pids: list[int]) -> float:
            # a process that started during the run (a new backend) counts from zero
            return sum(_cpu_s(p) - before.get(p, 0.0) for p in pids)

        server_s = spent(state["server"], self._server_pids())
        pg_s = spent(state["pg"], self._pg_pids())
        times = os.times()
        client_s = (times.user - state["client"].user) + (times.system - state["client"].system)
        busy0, all0, cores = state["machine"]
        busy1, all1, _ = _machine()
        per = 1000 / max(1, completions)
        out: dict[str, Any] = {
            "cpu_ms_per_completion": {"server": round(server_s * per, 2),
                                      "postgres": round(pg_s * per, 2) if self.postmaster else None,
                                      "clients": round(client_s * per, 2)},
            "machine_cores_busy": round((busy1 - busy0) / (all1 - all0) * cores, 2) if all1 > all0 else None,
            "cores": cores,
        }
        if state["waits"]:
            samples = state["waits"].pop("samples", 0)
            out["active_sessions_by_wait"] = {"samples": samples, **dict(state["waits"].most_common(8))}
        return out
