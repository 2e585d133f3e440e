"""``make bench`` (``python -m bench``): every row measured in one run, one table, one JSON file.

Rows: 1 the ceiling (SpiffWorkflow in memory), 2 our service layer on SQLite,
3 the HTTP API through waitress on SQLite (1 and several clients), 4 the same on
PostgreSQL when one can be had, 5 a case returned for correction 500 times,
6 the state at a random step of a 1,000-entry history, 7 resident memory over
10,000 completions, 8 timers and time limits with 100,000 armed timers (bench/timer_rows.py).
Rows 1–7 on processes/community_access.bpmn (bench/scenario.py).
``--quick`` runs every row with smaller counts (a smoke test of the benchmark).
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from engine.seed.loader import DEMO_PASSWORD
from engine.service import WorkflowEngine

from . import ceiling, history_rows, http_rows, report, service_rows, timer_rows
from .harness import CaseDriver, actors, make_engine, sqlite_url
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


QUICK = Sizes(ceiling_cases=30, service_cases=20, http_cases=12, returns=40, history_entries=120,
              state_samples=5, memory_completions=300, timer_filler=2_000, timer_cases=20, limited_cases=20)


def _tokens(engine: WorkflowEngine) -> dict[str, str]:
    with engine.db.writer() as session, session.begin():
        return {user: engine.identity.login(session, user, DEMO_PASSWORD) for user in USERS}


def _http_row(database_url: str, directory: Path, sizes: Sizes) -> dict[str, Any]:
    engine = make_engine(database_url, directory / "attachments")
    tokens = _tokens(engine)
    engine.db.dispose()  # the server process owns the database from here on
    return http_rows.measure_http(database_url, tokens, sizes.http_cases, list(sizes.concurrency))


def _step(name: str, results: dict[str, Any], fn: Any) -> None:
    began = time.perf_counter()
    print(f"… {name}", file=sys.stderr, flush=True)
    results[name] = fn()
    print(f"  {name} done in {time.perf_counter() - began:.1f} s", file=sys.stderr, flush=True)


def run(sizes: Sizes, skip_postgres: bool = False) -> dict[str, Any]:
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
        _step("service_sqlite", results, lambda: service_rows.measure_service(driver, sizes.service_cases))
        _step("returns", results, lambda: history_rows.measure_returns(driver, sizes.returns))
        _step("state_at", results, lambda: history_rows.measure_state_at(driver, sizes.history_entries,
                                                                          sizes.state_samples))
        _step("http_sqlite", results, lambda: _http_row(sqlite_url(directory, "http.db"), directory, sizes))
        if skip_postgres:
            results["http_postgres"] = {"unavailable": "skipped (--no-postgres)"}
        else:
            try:
                with postgres() as (url, source):
                    _step("http_postgres", results, lambda: {"source": source,
                                                             **_http_row(url, directory, sizes)})
            except NoPostgres as exc:
                results["http_postgres"] = {"unavailable": str(exc)}
        _step("timers", results, lambda: timer_rows.measure_timers(directory / "timers", sizes.timer_filler,
                                                                   sizes.timer_cases, sizes.limited_cases,
                                                                   sizes.state_samples))
        _step("memory", results, lambda: service_rows.measure_memory(driver, sizes.memory_completions))
        engine.db.dispose()
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    results["goals"] = [{"goal": g, "measured": m, "met": ok} for g, m, ok in report.goals(results)]
    return results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts: check the benchmark runs")
    parser.add_argument("--no-postgres", action="store_true", help="skip row 4")
    parser.add_argument("--no-save", action="store_true", help="do not write bench/results/*.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    began = time.perf_counter()
    results = run(QUICK if args.quick else Sizes(), skip_postgres=args.no_postgres)
    results["total_seconds"] = round(time.perf_counter() - began, 1)
    machine = results["machine"]
    print(f"\nshequ-bpm benchmark {results['date']}  commit {results['commit']}  "
          f"{machine['nproc']} × {machine['cpu']}  load {machine['load_avg']}  "
          f"SpiffWorkflow {results['spiffworkflow']}  {results['procedure']}\n")
    print(report.table(results))
    if not args.no_save and not args.quick:
        print(f"\nresults: {report.write_json(results).relative_to(report.ROOT)}")
    print(f"total {results['total_seconds']} s")


if __name__ == "__main__":
    main()
