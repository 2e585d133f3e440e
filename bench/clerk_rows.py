"""Rows 11 and 12: the clerk's whole cycle over HTTP with 10,000 open tasks, and logging in.

Row 11: a SQLite database holds ``open_tasks`` open tasks (bench/scale_data.py, every case of the
city running); the busy clerk (民政, 500 tasks in their inbox) repeats the cycle *list my tasks →
open the first → complete it* against the real app under waitress in its own process. The server's
CPU time (``/proc/<pid>/stat``, user + system) is read around each phase: ``GET /tasks`` alone,
``GET /tasks/{id}`` alone, then whole cycles, so "server CPU per cycle" counts everything the server
did for the clerk and nothing of the client. CPU time is what a loaded machine inflates least.
The list is asked as the inbox page asks it (20 a page); the API's default page of 50 is measured
beside it. Then the case view of an item waiting for the leadership group (its standing reads the
open meetings' rows): with the generator's open meetings (one per district and meeting procedure),
then with 2,000 more.

Row 12: ``POST /auth/token`` one after another (median), then the same while another client lists
its tasks, against that client's listing alone: a login must not hold up other requests.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

from engine.seed.loader import DEMO_PASSWORD

from .harness import CaseDriver, actors, make_engine, sqlite_url
from .http_rows import Client, running_server
from .scale_data import add_open_meetings, generate
from .scenario import HAPPY_PATH, USERS
from .stats import ms, summary

CLERK = "civil_affairs"
# what the inbox page asks for (api/web/assets/listing.js: 20 a page); the API's default page is 50
INBOX = "/tasks?limit=20"
_TICK = os.sysconf("SC_CLK_TCK")


def server_cpu(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def _phase(pid: int, count: int, fn: Any) -> dict[str, Any]:
    latencies: list[float] = []
    before = server_cpu(pid)
    for _ in range(count):
        began = time.perf_counter()
        fn()
        latencies.append(time.perf_counter() - began)
    cpu = server_cpu(pid) - before
    return summary(latencies) | {"server_cpu_ms": ms(cpu / count)}


def measure_clerk(directory: Path, open_tasks: int, cycles: int) -> dict[str, Any]:
    url = sqlite_url(directory, "clerk.db")
    engine = make_engine(url, directory / "attachments-clerk")
    driver = CaseDriver(engine, actors(engine))
    data = generate(driver, open_tasks, busy_inbox=max(500, cycles + 50), busy_done=200, long_entries=0,
                    running_only=True)
    with engine.db.writer() as session, session.begin():
        tokens = {user: engine.identity.login(session, user, DEMO_PASSWORD) for user in USERS}
    from sqlalchemy import func, select

    from engine.store.models import HumanTask
    with engine.db.reader() as session:
        ready = int(session.scalar(select(func.count()).select_from(HumanTask).where(HumanTask.state == "ready"))
                    or 0)
    engine.db.dispose()
    result: dict[str, Any] = {"open_tasks": ready, "cases": data.cases}
    with running_server(url) as (port, pid):
        client = Client(port, tokens)
        try:
            for _ in range(20):  # warm-up: compiled definition, statement caches
                client.call("GET", INBOX, CLERK)
                client.call("GET", "/tasks", CLERK)
            first = client.call("GET", INBOX, CLERK)[1][0]["id"]
            result["list"] = _phase(pid, cycles, lambda: _ok(client.call("GET", INBOX, CLERK)))
            result["list_50"] = _phase(pid, cycles, lambda: _ok(client.call("GET", "/tasks", CLERK)))
            result["open"] = _phase(pid, cycles, lambda: _ok(client.call("GET", f"/tasks/{first}", CLERK)))
            parts: dict[str, list[float]] = {"list": [], "open": [], "complete": []}

            def timed(name: str, call: Any) -> Any:
                began = time.perf_counter()
                body = _ok(call())
                parts[name].append(time.perf_counter() - began)
                return body

            def cycle() -> None:
                item = timed("list", lambda: client.call("GET", INBOX, CLERK))[0]
                task, data = item["id"], HAPPY_PATH[item["element_id"]][1]
                timed("open", lambda: client.call("GET", f"/tasks/{task}", CLERK))
                timed("complete", lambda: client.call("POST", f"/tasks/{task}/complete", CLERK, {"data": data}))

            result["cycle"] = _phase(pid, cycles, cycle)
            result["cycle_parts"] = {name: summary(values) for name, values in parts.items()}
            result |= _meeting_standing(engine, pid, client, max(20, cycles // 4))
            result["login"] = _logins(port, tokens)
        finally:
            client.close()
    return result


MANY_MEETINGS = 2000


def _meeting_standing(engine: Any, pid: int, client: Client, count: int) -> dict[str, Any]:
    """The case view of an item waiting for the leadership group (its standing reads the open meetings)
    with the generator's open meetings (one per district), then with ``MANY_MEETINGS`` more."""
    from sqlalchemy import select

    from engine.access_list.start_data import MEETING_MESSAGE
    from engine.store.models import EventSubscription, HumanTask

    with engine.db.reader() as session:
        item = session.scalar(select(EventSubscription.instance_id)
                              .join(HumanTask, HumanTask.instance_id == EventSubscription.instance_id)
                              .where(EventSubscription.name == MEETING_MESSAGE, HumanTask.completed_by == CLERK)
                              .order_by(EventSubscription.instance_id).limit(1))  # one the cycle sent there
    if item is None:
        return {}
    out: dict[str, Any] = {}
    view = lambda: _ok(client.call("GET", f"/process-instances/{item}", CLERK))  # noqa: E731
    with engine.db.writer() as session, session.begin():
        out["open_meetings"] = _open_meetings(session)
    out["case_view"] = _phase(pid, count, view)
    with engine.db.writer() as session, session.begin():
        out["many_meetings"] = add_open_meetings(session, MANY_MEETINGS)
    view()
    out["case_view_many_meetings"] = _phase(pid, count, view)
    engine.db.dispose()
    return out


def _open_meetings(session: Any) -> int:
    from sqlalchemy import func, select

    from engine.access_list.start_data import AGENDA_DEFINITIONS
    from engine.store.models import ProcessInstance
    return int(session.scalar(select(func.count()).select_from(ProcessInstance).where(
        ProcessInstance.definition_id.in_(AGENDA_DEFINITIONS.ids(session)), ProcessInstance.status == "running"))
        or 0)


def _ok(response: tuple[int, Any]) -> Any:
    status, body = response
    if status >= 300:
        raise RuntimeError(f"clerk cycle: HTTP {status} {body}")
    return body


def _logins(port: int, tokens: dict[str, str], count: int = 12) -> dict[str, Any]:
    """Login latency alone, and a listing client's latency with and without logins beside it."""
    login = Client(port, tokens)
    lister = Client(port, tokens)

    def one_login() -> None:
        status, body = login.call("POST", "/auth/token", CLERK, {"username": CLERK, "password": DEMO_PASSWORD})
        if status != 200:
            raise RuntimeError(f"login: HTTP {status} {body}")

    try:
        one_login()
        alone = _phase_wall(count, one_login)
        listing_alone = _phase_wall(30, lambda: _ok(lister.call("GET", "/tasks", CLERK)))
        listing_during: list[float] = []
        done = threading.Event()

        def list_while() -> None:
            while not done.is_set():
                began = time.perf_counter()
                _ok(lister.call("GET", "/tasks", CLERK))
                listing_during.append(time.perf_counter() - began)

        thread = threading.Thread(target=list_while)
        thread.start()
        during = _phase_wall(count, one_login)
        done.set()
        thread.join()
        return {"login": alone, "login_during_listing": during, "listing_alone": listing_alone,
                "listing_during_logins": summary(listing_during)}
    finally:
        login.close()
        lister.close()


def _phase_wall(count: int, fn: Any) -> dict[str, Any]:
    latencies = []
    for _ in range(count):
        began = time.perf_counter()
        fn()
        latencies.append(time.perf_counter() - began)
    return summary(latencies)


def goals(results: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    out: list[tuple[str, str, bool | None]] = []
    clerk = results.get("clerk")
    ceiling = results.get("ceiling", {})
    if not clerk or "cycle" not in clerk:
        return out
    cpu_ceiling = ceiling.get("cpu_ms_per_completion")
    if cpu_ceiling:
        per = clerk["cycle"]["server_cpu_ms"]
        out.append(("clerk's cycle: server CPU ≤ 6× the ceiling's completion",
                    f"{per:.2f} ms = {per / cpu_ceiling:.1f}×", per <= 6 * cpu_ceiling))
        complete = clerk["cycle_parts"]["complete"]["median_ms"]
        out.append(("completion over HTTP (in the cycle) ≤ 5× the ceiling",
                    f"{complete:.2f} ms = {complete / ceiling['ms_per_completion']:.1f}×",
                    complete <= 5 * ceiling["ms_per_completion"]))
    for key, goal, label in (("list", 1.5, f"GET {INBOX}"), ("open", 2.0, "GET /tasks/{id}")):
        r = clerk[key]
        out.append((f"{label} ≤ {goal} ms median server time with {clerk['open_tasks']:,} open tasks",
                    f"server CPU {r['server_cpu_ms']:.2f} ms, round trip median {r['median_ms']:.2f} ms",
                    r["server_cpu_ms"] <= goal))
    login = clerk.get("login")
    if login:
        median = login["login"]["median_ms"]
        out.append(("login ≤ 150 ms median (argon2id at OWASP's minimum or above)", f"{median:.1f} ms",
                    median <= 150))
        a, b = login["listing_alone"]["median_ms"], login["listing_during_logins"]["median_ms"]
        out.append(("a login does not hold up other requests (listing beside logins ≤ 2× alone)",
                    f"{b:.2f} vs {a:.2f} ms", b <= 2 * a))
    return out


def rows(results: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    clerk = results.get("clerk")
    if not clerk or "cycle" not in clerk:
        return []
    parts = clerk["cycle_parts"]
    out = [(f"11 clerk's cycle, SQLite, {clerk['open_tasks']:,} open tasks",
            f"server CPU {clerk['cycle']['server_cpu_ms']:.2f} ms/cycle",
            f"list {parts['list']['median_ms']:.2f} / open {parts['open']['median_ms']:.2f} / complete "
            f"{parts['complete']['median_ms']:.2f} ms", f"cycle {clerk['cycle']['median_ms']:.2f} ms", ""),
           (f"  GET {INBOX} alone", f"server CPU {clerk['list']['server_cpu_ms']:.2f} ms",
            f"round trip {clerk['list']['median_ms']:.2f} ms", "goal ≤ 1.5 ms", ""),
           ("  GET /tasks/{id} alone", f"server CPU {clerk['open']['server_cpu_ms']:.2f} ms",
            f"round trip {clerk['open']['median_ms']:.2f} ms", "goal ≤ 2 ms", "")]
    if "list_50" in clerk:
        out.append(("  GET /tasks (default page, 50)", f"server CPU {clerk['list_50']['server_cpu_ms']:.2f} ms",
                    f"round trip {clerk['list_50']['median_ms']:.2f} ms", "", ""))
    if "case_view" in clerk:
        out.append((f"  case view of a waiting item, {clerk['open_meetings']} / {clerk['many_meetings']} open meetings",
                    f"server CPU {clerk['case_view']['server_cpu_ms']:.2f} / "
                    f"{clerk['case_view_many_meetings']['server_cpu_ms']:.2f} ms", "", "", ""))
    login = clerk.get("login")
    if login:
        out.append(("12 login (argon2id 19 MiB, t=2, p=1)", f"median {login['login']['median_ms']:.1f} ms",
                    f"beside a lister {login['login_during_listing']['median_ms']:.1f} ms",
                    f"listing {login['listing_alone']['median_ms']:.2f}→"
                    f"{login['listing_during_logins']['median_ms']:.2f} ms", ""))
    return out
