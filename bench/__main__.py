"""``make bench`` (``python -m bench``): every row measured in one run, one table, one JSON file.

Rows: 1 the ceiling (SpiffWorkflow in memory), 2 our service layer on SQLite,
3 the HTTP API through waitress on SQLite (1 and several clients), 4 the same on
PostgreSQL when one can be had, 5 a case returned for correction 500 times,
6 the state at a random step of a 1,000-entry history, 7 resident memory over
10,000 completions, 8 timers and time limits with 100,000 armed timers (bench/timer_rows.py),
9 reads and commands at a city's scale on SQLite and PostgreSQL (bench/scale_rows.py, ``--scale``),
10 the cost curve as the data doubles (``--curve-sizes``), 11 the clerk's cycle over HTTP with
10,000 open tasks and 12 logging in (bench/clerk_rows.py), 13 the task page and the inbox in a
browser (bench/page_rows.py). Rows 1–7 and 9–13 on processes/community_access.bpmn (bench/scenario.py).
``--quick`` runs every row with smaller counts (a smoke test of the benchmark). The machine's load
is sampled through the run (bench/load.py): a run whose load average exceeded the cores is flagged.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from importlib.metadata import version
from pathlib import Path
from typing import Any

from engine.seed.loader import DEMO_PASSWORD
from engine.service import WorkflowEngine

from . import ceiling, clerk_rows, history_rows, http_rows, page_rows, report, scale_rows, service_rows, timer_rows
from .harness import CaseDriver, actors, make_engine, sqlite_url
from .load import LoadWatch
from .load import warning as load_warning
from .pg import NoPostgres, postgres
from .scenario import USERS


@dataclass(frozen=True)
class Sizes:
    ceiling_cases: int = 300
    service_cases: int = 200
    http_cases: int = 120
    concurrency: tuple[int, ...] = (1, 4)
    returns: int = 500
    history_entries: int = 1000
    state_samples: int = 30
    memory_completions: int = 10_000
    timer_filler: int = 100_000
    timer_cases: int = 300
    limited_cases: int = 500
    scale: int = 10_000
    curve: tuple[int, ...] = (2_500, 5_000, 10_000)
    clerk_open_tasks: int = 10_000
    clerk_cycles: int = 200
    page_loads: int = 10


QUICK = Sizes(ceiling_cases=30, service_cases=20, http_cases=12, returns=40, history_entries=120,
              state_samples=5, memory_completions=300, timer_filler=2_000, timer_cases=20, limited_cases=20,
              scale=1_000, curve=(500, 1_000), clerk_open_tasks=1_000, clerk_cycles=20, page_loads=3)
SKIPPABLE = ("service", "history", "http", "postgres", "scale", "scale_sqlite", "curve", "clerk", "pages", "timers",
             "memory")


def _tokens(engine: WorkflowEngine) -> dict[str, str]:
    with engine.db.writer() as session, session.begin():
        return {user: engine.identity.login(session, user, DEMO_PASSWORD) for user in USERS}


def _http_row(database_url: str, directory: Path, sizes: Sizes, processes: int = 0) -> dict[str, Any]:
    engine = make_engine(database_url, directory / "attachments")
    tokens = _tokens(engine)
    engine.db.dispose()  # the server process owns the database from here on
    return http_rows.measure_http(database_url, tokens, sizes.http_cases, list(sizes.concurrency),
                                  processes=processes)


def _step(name: str, results: dict[str, Any], fn: Any) -> None:
    began = time.perf_counter()
    print(f"… {name}", file=sys.stderr, flush=True)
    results[name] = fn()
    print(f"  {name} done in {time.perf_counter() - began:.1f} s", file=sys.stderr, flush=True)


def run(sizes: Sizes, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    with LoadWatch() as load:
        results = _run(sizes, skip)
    results["load"] = load.summary()
    results["goals"] = [{"goal": g, "measured": m, "met": ok} for g, m, ok in report.goals(results)]
    return results


def _run(sizes: Sizes, skip: frozenset[str]) -> dict[str, Any]:
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "commit": report.commit(),
        "machine": report.machine(),
        "spiffworkflow": version("SpiffWorkflow"),
        "procedure": "community_access (5 completions per case)",
        "sizes": sizes.__dict__,
    }
    directory = Path(tempfile.mkdtemp(prefix="shequ-bench-"))
    try:
        _step("ceiling", results, lambda: ceiling.measure(sizes.ceiling_cases))
        engine = make_engine(sqlite_url(directory), directory / "attachments")
        driver = CaseDriver(engine, actors(engine))
        if "service" not in skip:
            _step("service_sqlite", results, lambda: service_rows.measure_service(driver, sizes.service_cases))
        if "history" not in skip:
            _step("returns", results, lambda: history_rows.measure_returns(driver, sizes.returns))
            _step("state_at", results, lambda: history_rows.measure_state_at(driver, sizes.history_entries,
                                                                              sizes.state_samples))
        if "http" not in skip:
            _step("http_sqlite", results, lambda: _http_row(sqlite_url(directory, "http.db"), directory, sizes))
        if "postgres" in skip:
            results["http_postgres"] = {"unavailable": "skipped (--skip postgres)"}
        else:
            _postgres_rows(results, directory, sizes, skip)
        if "timers" not in skip:
            _step("timers", results, lambda: timer_rows.measure_timers(directory / "timers", sizes.timer_filler,
                                                                       sizes.timer_cases, sizes.limited_cases,
                                                                       sizes.state_samples))
        if "memory" not in skip:
            _step("memory", results, lambda: service_rows.measure_memory(driver, sizes.memory_completions))
        engine.db.dispose()
        if "scale" not in skip and "scale_sqlite" not in skip:
            _step("scale_sqlite", results, lambda: scale_rows.measure_at_scale(
                sqlite_url(directory, "scale.db"), sqlite_url(directory, "scale-empty.db"), directory, sizes.scale))
        if "curve" not in skip:
            _step("curve", results, lambda: scale_rows.measure_curve(directory, list(sizes.curve)))
        if "clerk" not in skip:
            _step("clerk", results, lambda: clerk_rows.measure_clerk(directory, sizes.clerk_open_tasks,
                                                                     sizes.clerk_cycles))
        if "pages" not in skip:
            _step("pages", results, lambda: page_rows.measure_pages(directory, sizes.page_loads))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return results


def _postgres_rows(results: dict[str, Any], directory: Path, sizes: Sizes, skip: frozenset[str]) -> None:
    """Row 4 (waitress, one process; gunicorn with four worker processes) and row 9 on PostgreSQL."""
    try:
        with postgres() as (url, source):
            if "http" not in skip:  # --skip http leaves out the HTTP rows on PostgreSQL too
                _step("http_postgres", results, lambda: {"source": source, **_http_row(url, directory, sizes)})
    except NoPostgres as exc:
        results["http_postgres"] = {"unavailable": str(exc)}
        return
    if "http" not in skip:
        with postgres() as (url, source):
            _step("http_postgres_processes", results, lambda: {
                "source": source, "processes": 4, **_http_row(url, directory, sizes, processes=4)})
    if "scale" not in skip:
        with postgres() as (url, _source), postgres("empty") as (empty_url, _):
            _step("scale_postgres", results, lambda: scale_rows.measure_at_scale(url, empty_url, directory,
                                                                                 sizes.scale))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts: check the benchmark runs")
    parser.add_argument("--no-postgres", action="store_true", help="skip the PostgreSQL rows (same as --skip postgres)")
    parser.add_argument("--skip", default="", help=f"comma-separated rows to leave out: {', '.join(SKIPPABLE)}")
    parser.add_argument("--scale", type=int, help="cases in row 9 (default 10000; the goal's figure is 100000)")
    parser.add_argument("--curve-sizes", help="sizes of row 10, e.g. 25000,50000,100000 (default 2500,5000,10000)")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/*.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    skip = frozenset(name.strip() for name in args.skip.split(",") if name.strip()) | (
        {"postgres"} if args.no_postgres else set())
    unknown = skip - set(SKIPPABLE)
    if unknown:
        parser.error(f"unknown rows to skip: {', '.join(sorted(unknown))}")
    sizes = QUICK if args.quick else Sizes()
    if args.scale:
        sizes = replace(sizes, scale=args.scale)
    if args.curve_sizes:
        sizes = replace(sizes, curve=tuple(int(x) for x in args.curve_sizes.split(",")))
    began = time.perf_counter()
    results = run(sizes, skip)
    results["total_seconds"] = round(time.perf_counter() - began, 1)
    machine = results["machine"]
    flag = load_warning(results["load"])
    if flag:
        print(f"\n{flag}")
    print(f"\nshequ-bpm benchmark {results['date']}  commit {results['commit']}  "
          f"{machine['nproc']} × {machine['cpu']}  load at start {machine['load_avg']}, during the run "
          f"mean {results['load']['mean']} max {results['load']['max']}  "
          f"SpiffWorkflow {results['spiffworkflow']}  {results['procedure']}\n")
    print(report.table(results))
    if flag:
        print(f"\n{flag}")
    if not args.no_save and not args.quick:
        print(f"\nresults: {report.write_json(results).relative_to(report.ROOT)}")
    print(f"total {results['total_seconds']} s")


if __name__ == "__main__":
    main()
