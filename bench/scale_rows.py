"""Rows 9 and 10: reads and commands on a city's worth of cases (bench/scale_data.py), and the cost curve.

Row 9 loads ``--scale`` cases (default 10,000; 25k/50k/100k with ``--scale``) on SQLite and on
PostgreSQL and times, through the service layer's reads (what the API's handlers call, minus
HTTP), p50/p95 of: the busy clerk's inbox, 已办, the case list with each filter and each sort,
search by 办件编号 and by 事项名称, a case page, a history page, the state at a step and verify of a
1,000-entry case (the first verification, a full replay, and a repeated one, from the first's seal);
and start/complete against the same on an empty database: a twin database that stays empty, its cases
and the loaded database's taken in alternated batches after the reads, so that the machine's speed drifting
between two moments is not read as the data's cost (the same database before generation is kept as a
second, sequential figure).

Row 10 (``--curve``) fills one SQLite database to each size in turn (2.5k → 5k → 10k by default; ``make
bench`` gives the issue's 25k → 50k → 100k through ``--curve-sizes``) and times the inbox, the case list and
a completion at each, the completion alternated with an empty twin database as row 9's commands are.
"""

from __future__ import annotations

import random
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from api.heap import frozen_heap
from engine.read.case_list import CaseFilter
from engine.read.paging import PageRequest
from engine.read.workbench import DoneFilter, InboxFilter

from .harness import CaseDriver, actors, make_engine
from .history_rows import AUDITOR
from .scale_data import TITLES, ScaleData, generate
from .stats import summary

CLERK = "civil_affairs"
GOAL_MS = 50.0
STATE_GOAL_MS = 100.0
COMMAND_RATIO = 1.2


def _timed(fn: Callable[[], Any], repeat: int) -> dict[str, float]:
    fn()  # warm-up: statement cache, pages
    latencies, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.thread_time()
        fn()
        latencies.append(time.perf_counter() - began)
        cpu.append(time.thread_time() - began_cpu)
    # the CPU time of this thread (on SQLite the query's too; on PostgreSQL the server's is not in it):
    # less inflated than wall time on a loaded machine
    return summary(latencies) | {"cpu_median_ms": summary(cpu)["median_ms"]}


def _verified(verdict: Any) -> None:
    if not verdict.ok:
        raise RuntimeError(f"the long case does not verify: {verdict.as_dict()}")


def _sealed(verdict: Any) -> None:
    _verified(verdict)
    if verdict.sealed_through != verdict.entries:
        raise RuntimeError(f"the repeated verification did not resume from its seal: {verdict.as_dict()}")


def _commands(driver: CaseDriver, cases: int) -> dict[str, Any]:
    """Start and complete latencies over ``cases`` whole cases (after a short warm-up)."""
    for _ in range(3):
        driver.run_case()
    starts: list[float] = []
    completes: list[float] = []
    for _ in range(cases):
        driver.run_case(timer=completes.append, start_timer=starts.append)
    return {"start": summary(starts), "complete": summary(completes)}


def _alternated(drivers: dict[str, CaseDriver], cases: int, batch: int = 2) -> dict[str, dict[str, Any]]:
    """Start and complete latencies on each database over ``cases`` whole cases, in batches of ``batch`` taken
    in turn, the order reversed every round (A B, B A, …), so a trend in the machine's speed falls on both."""
    for driver in drivers.values():
        for _ in range(3):
            driver.run_case()
    times: dict[str, dict[str, list[float]]] = {name: {"start": [], "complete": []} for name in drivers}
    names = list(drivers)
    for round_ in range(-(-cases // batch)):
        for name in names if round_ % 2 == 0 else names[::-1]:
            for _ in range(batch):
                drivers[name].run_case(timer=times[name]["complete"].append, start_timer=times[name]["start"].append)
    return {name: {command: summary(values) for command, values in t.items()} for name, t in times.items()}


def read_queries(driver: CaseDriver, data: ScaleData) -> dict[str, Callable[[], Any]]:
    """Each read of the row, as a call of the service layer."""
    views = driver.engine.views
    clerk = driver.actors[CLERK]
    rng = random.Random(9)
    keys = data.search_keys()
    page = PageRequest()
    queries: dict[str, Callable[[], Any]] = {
        "inbox": lambda: views.inbox(clerk, InboxFilter(), page),
        "inbox sort=-created_at": lambda: views.inbox(clerk, InboxFilter(), PageRequest(sort="-created_at")),
        "inbox q=编号": lambda: views.inbox(clerk, InboxFilter(q=rng.choice(keys)), page),
        "已办": lambda: views.done(clerk, DoneFilter(), page),
        "cases (default: newest)": lambda: views.cases(clerk, CaseFilter()),
    }
    for sort in ("created_at", "updated_at", "business_key", "case_title"):
        queries[f"cases sort={sort}"] = lambda sort=sort: views.cases(clerk, CaseFilter(sort=sort, descending=False))
    filters: dict[str, CaseFilter] = {
        "definition_key": CaseFilter(definition_key="community_access"),
        "status": CaseFilter(status="running"),
        "org": CaseFilter(org="fengxi"),
        "business_key": CaseFilter(business_key=keys[0]),
        "business_key_prefix": CaseFilter(business_key_prefix="SWZR-2026-0001"),
        "started_from/to": CaseFilter(started_from=_day("2025-03-01"), started_to=_day("2025-03-31")),
        "acted_by_me": CaseFilter(acted_by_me=True),
        "started_by_me": CaseFilter(started_by_me=True),
    }
    for name, flt in filters.items():
        queries[f"cases {name}"] = lambda flt=flt: views.cases(clerk, flt)
    auditor_filters = {"auditor cases (no visibility limit)": CaseFilter(),
                       "auditor cases status=running": CaseFilter(status="running")}
    for name, flt in auditor_filters.items():
        queries[name] = lambda flt=flt: views.cases(AUDITOR, flt)
    queries["search 编号"] = lambda: views.cases(clerk, CaseFilter(q=rng.choice(keys)))
    queries["search 事项名称"] = lambda: views.cases(clerk, CaseFilter(q=rng.choice(TITLES)[:4]))
    queries["auditor search 编号"] = lambda: views.cases(AUDITOR, CaseFilter(q=rng.choice(keys)))
    queries["case page"] = lambda: views.case(clerk, data.real_case)
    queries["history page"] = lambda: views.history(AUDITOR, data.long_case, 50, 0)
    queries["task page"] = lambda: views.task(clerk, rng.choice(data.busy_task_ids))
    return queries


def _day(text: str) -> Any:
    from datetime import date
    return date.fromisoformat(text)


def measure_at_scale(database_url: str, empty_url: str, directory: Path, cases: int, repeat: int = 20,
                     command_cases: int = 40) -> dict[str, Any]:
    """Row 9 on ``database_url``; ``empty_url`` is a second, empty database for the commands' comparison."""
    engine = make_engine(database_url, directory / "attachments-scale")
    twin = make_engine(empty_url, directory / "attachments-scale-empty")
    try:
        driver = CaseDriver(engine, actors(engine))
        before = _commands(driver, command_cases)
        data = generate(driver, cases)
        # Every read is measured with the heap so far frozen, as a server's start-up heap is (api/heap.py),
        # then unfrozen for the commands after.
        with frozen_heap():
            reads = {name: _timed(fn, repeat) for name, fn in read_queries(driver, data).items()}
            history = driver.status(data.long_case)["journal_seq"]
            rng = random.Random(3)
            seqs = [rng.randint(1, history) for _ in range(repeat)]
            reads["state at a step (1,000 entries)"] = _timed(lambda: engine.views.state_at(AUDITOR, data.long_case,
                                                                                             seqs.pop()), repeat - 1)
            # the first verification of a case replays its whole journal (and seals it); a repeated one resumes
            # from that seal (engine/audit/seals.py): two rows, each saying which it measures.
            reads["verify (1,000-entry case), first: full replay"] = _timed(
                lambda: _verified(engine.views.verify(AUDITOR, data.long_case, full=True)), max(5, repeat // 3))
            reads["verify (1,000-entry case), repeated: from its seal"] = _timed(
                lambda: _sealed(engine.views.verify(AUDITOR, data.long_case)), repeat)
        commands = _alternated({"empty": CaseDriver(twin, actors(twin)), "loaded": driver}, command_cases)
        return {"cases": data.cases, "rows": data.rows, "generate_seconds": data.seconds,
                "busy_inbox": len(data.busy_task_ids), "reads": reads,
                "commands_method": "alternated batches of 2 cases on an empty twin and the loaded database",
                "commands_empty": commands["empty"], "commands_loaded": commands["loaded"],
                "commands_before_generation": before}
    finally:
        engine.db.dispose()
        twin.db.dispose()


def measure_curve(directory: Path, sizes: list[int], repeat: int = 20, command_cases: int = 16) -> dict[str, Any]:
    """One SQLite database grown to each size in turn; inbox, case list and completion at each. The completion
    is also taken on a twin database that stays empty, in alternated batches, so the curve of the command
    compares loaded / empty at each size and the machine's drift between sizes falls on both."""
    from .harness import sqlite_url
    path = directory / "curve"
    shutil.rmtree(path, ignore_errors=True)
    engine = make_engine(sqlite_url(path, "curve.db"), path / "attachments")
    twin = make_engine(sqlite_url(path, "curve-empty.db"), path / "attachments-empty")
    points: dict[str, Any] = {}
    try:
        driver = CaseDriver(engine, actors(engine))
        drivers = {"empty": CaseDriver(twin, actors(twin)), "loaded": driver}
        for size in sizes:
            data = generate(driver, size, long_entries=0)
            queries = read_queries(driver, data)
            commands = _alternated(drivers, command_cases)
            points[str(size)] = {
                "cases": data.cases, "generate_seconds": data.seconds,
                "inbox": _timed(queries["inbox"], repeat),
                "cases (default: newest)": _timed(queries["cases (default: newest)"], repeat),
                "complete": commands["loaded"]["complete"], "complete_empty": commands["empty"]["complete"],
            }
    finally:
        engine.db.dispose()
        twin.db.dispose()
    return {"sizes": sizes, "points": points}


def _curve_ratio(first: dict[str, Any], last: dict[str, Any], name: str) -> tuple[float, str]:
    """How ``name`` grew from the first size to the last, and the figures behind it; as the growth of its ratio
    to the empty twin when the run measured one (``<name>_empty``: the completion)."""
    a, b = first[name]["median_ms"], last[name]["median_ms"]
    twin = f"{name}_empty"
    if twin in first and twin in last:
        ra, rb = a / first[twin]["median_ms"], b / last[twin]["median_ms"]
        return rb / ra, f"{rb / ra:.2f}× (of the empty twin: {ra:.2f}× → {rb:.2f}×; {a:.2f}→{b:.2f} ms)"
    return b / a, f"{b / a:.2f}× ({a:.2f}→{b:.2f} ms)"


def goals(results: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    out: list[tuple[str, str, bool | None]] = []
    for key, label in (("scale_sqlite", "SQLite"), ("scale_postgres", "PostgreSQL")):
        run = results.get(key)
        if not run or "reads" not in run:
            continue
        slow = {name: r["p95_ms"] for name, r in run["reads"].items()
                if r["p95_ms"] > (STATE_GOAL_MS if name.startswith("state at") else GOAL_MS)}
        worst = max(run["reads"].items(), key=lambda kv: kv[1]["p95_ms"])
        out.append((f"at {run['cases']:,} cases ({label}): every read p95 ≤ 50 ms (state at a step ≤ 100 ms)",
                    f"worst {worst[0]} {worst[1]['p95_ms']:.1f} ms; over: "
                    + (", ".join(f"{k} {v:.0f}" for k, v in slow.items()) or "none"), not slow))
        for command in ("start", "complete"):
            before = run["commands_empty"][command]["median_ms"]
            after = run["commands_loaded"][command]["median_ms"]
            out.append((f"at {run['cases']:,} cases ({label}): {command} ≤ 1.2× the empty database",
                        f"{after:.2f} vs {before:.2f} ms ({after / before:.2f}×)", after <= before * COMMAND_RATIO))
    curve = results.get("curve")
    if curve and curve.get("points"):
        sizes = [str(s) for s in curve["sizes"]]
        first, last = curve["points"][sizes[0]], curve["points"][sizes[-1]]
        for name in ("inbox", "cases (default: newest)", "complete"):
            growth, text = _curve_ratio(first, last, name)
            out.append((f"cost curve {sizes[0]}→{sizes[-1]} cases: {name} ≤ 1.3×", text, growth <= 1.3))
    return out


def rows(results: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    out: list[tuple[str, str, str, str, str]] = []
    for key, label in (("scale_sqlite", "SQLite"), ("scale_postgres", "PostgreSQL")):
        run = results.get(key)
        if not run:
            continue
        if "reads" not in run:
            out.append((f"9 at scale, {label}", "n/a", str(run.get("unavailable", ""))[:60], "", ""))
            continue
        r = run["rows"]
        out.append((f"9 at scale, {label}: {run['cases']:,} cases", f"{r['tasks']:,} tasks",
                    f"{r['journal']:,} journal entries", f"generated in {run['generate_seconds']:.0f} s", ""))
        for name, s in run["reads"].items():
            goal = STATE_GOAL_MS if name.startswith("state at") else GOAL_MS
            out.append((f"  {name}", f"p50 {s['median_ms']:.2f} ms", f"p95 {s['p95_ms']:.2f} ms",
                        f"goal p95 ≤ {goal:.0f}", "met" if s["p95_ms"] <= goal else "MISSED"))
        for command in ("start", "complete"):
            e, loaded = run["commands_empty"][command], run["commands_loaded"][command]
            out.append((f"  {command} (empty twin ↔ loaded, alternated)",
                        f"{e['median_ms']:.2f} → {loaded['median_ms']:.2f} ms",
                        f"p95 {e['p95_ms']:.2f} → {loaded['p95_ms']:.2f}", "goal ≤ 1.2×",
                        f"{loaded['median_ms'] / e['median_ms']:.2f}×"))
            if "commands_before_generation" in run:
                b = run["commands_before_generation"][command]
                out.append((f"  {command} (this database before generation → loaded)",
                            f"{b['median_ms']:.2f} → {loaded['median_ms']:.2f} ms", "sequential, drift included", "",
                            f"{loaded['median_ms'] / b['median_ms']:.2f}×"))
    curve = results.get("curve")
    if curve and curve.get("points"):
        for size, p in curve["points"].items():
            empty = p.get("complete_empty")
            out.append((f"10 cost curve, SQLite, {int(size):,} cases", f"inbox {p['inbox']['median_ms']:.2f} ms",
                        f"cases {p['cases (default: newest)']['median_ms']:.2f} ms",
                        f"complete {p['complete']['median_ms']:.2f} ms",
                        f"{p['complete']['median_ms'] / empty['median_ms']:.2f}× empty" if empty else ""))
    return out
