"""The query plans of the busy clerk's inbox and case list (and of a start's 办件编号), for the README.

Loads ``--scale`` cases with the bench's generator (bench/scale_data.py, as row 9 does) into a scratch
SQLite database and, when a PostgreSQL server is at hand (``TEST_DATABASE_URL``, e.g. under
scripts/pg-test-server), into a scratch PostgreSQL database; then runs the service layer's inbox
(first page, default order) and case list (first page, default order) as the busy clerk, captures
every statement they send with its bound values, and prints the plan of each: ``EXPLAIN QUERY PLAN``
on SQLite, ``EXPLAIN (ANALYZE, BUFFERS)`` on PostgreSQL.

    scripts/pg-test-server .venv/bin/python -m bench.explain_plans --scale 10000
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from engine.cases.business_keys import next_business_key
from engine.read.case_list import CaseFilter
from engine.read.paging import PageRequest
from engine.read.workbench import DoneFilter, InboxFilter

from .harness import CaseDriver, actors, make_engine, sqlite_url
from .history_rows import AUDITOR
from .pg import NoPostgres, postgres
from .scale_data import generate
from .scale_rows import CLERK

Captured = list[tuple[str, Any]]


@contextmanager
def captured() -> Iterator[Captured]:
    """Every statement any engine sends while inside, with its parameters."""
    seen: Captured = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        seen.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", on_execute)


def _interesting(statement: str) -> bool:
    head = statement.lstrip().upper()
    return head.startswith(("SELECT", "WITH")) and "FROM" in head


def _sqlite_plan(raw: Any, statement: str, parameters: Any) -> list[str]:
    rows = raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
    depth: dict[int, int] = {0: -1}
    lines = []
    for node, parent, _unused, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    # SQLite's EXPLAIN QUERY PLAN does not run the statement: time it (CPU of this thread, which runs SQLite)
    cpu = []
    for _ in range(11):
        began = time.thread_time()
        raw.execute(statement, parameters).fetchall()
        cpu.append(time.thread_time() - began)
    lines.append(f"-- executed 11 times: CPU median {statistics.median(cpu) * 1000:.2f} ms")
    return lines


def _postgres_plan(raw: Any, statement: str, parameters: Any) -> list[str]:
    # one EXPLAIN ANALYZE is one sample: the last of 5 is printed, with the medians of all 5
    planning, execution = [], []
    with raw.cursor() as cur:
        for _ in range(5):
            cur.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
            lines = [row[0] for row in cur.fetchall()]
            planning += [float(x.split()[2]) for x in lines if x.startswith("Planning Time:")]
            execution += [float(x.split()[2]) for x in lines if x.startswith("Execution Time:")]
    lines.append(f"-- 5 runs: planning median {statistics.median(planning):.2f} ms, "
                 f"execution median {statistics.median(execution):.2f} ms")
    return lines


def plans(database_url: str, directory: Path, cases: int, label: str) -> None:
    engine = make_engine(database_url, directory / "attachments")
    try:
        driver = CaseDriver(engine, actors(engine))
        data = generate(driver, cases)
        clerk = driver.actors[CLERK]
        reads: dict[str, Callable[[], Any]] = {
            "inbox (first page, default order)": lambda: engine.views.inbox(clerk, InboxFilter(), PageRequest()),
            "case list (first page, default order)": lambda: engine.views.cases(clerk, CaseFilter()),
            "已办 (first page)": lambda: engine.views.done(clerk, DoneFilter(), PageRequest()),
            "auditor's case list (first page, no visibility limit)": lambda: engine.views.cases(AUDITOR, CaseFilter()),
            # an auditor sees every case: the one search that reads no visibility set
            "auditor's search by 办件编号": lambda: engine.views.cases(
                AUDITOR, CaseFilter(q=data.search_keys()[len(data.search_keys()) // 2])),
            # every start numbers its case after the last of its prefix and year
            "a start's last 办件编号 of its prefix and year": lambda: engine.uow.read(
                lambda session: next_business_key(session, "community_access", engine.clock.now())),
        }
        print(f"## {label}: {data.cases:,} cases (generated in {data.seconds:.0f} s, load average "
              f"{os.getloadavg()[0]:.1f}), {data.rows['tasks']:,} task rows, "
              f"{data.rows['journal']:,} journal entries; busy clerk's open tasks {len(data.busy_task_ids)}")
        for name, read in reads.items():
            read()  # warm: caches (calendar, directory) filled, so only the read's own statements are left
            with captured() as seen:
                read()
            print(f"\n### {name}: {len([s for s in seen if _interesting(s[0])])} statements\n")
            with engine.db.read_engine.connect() as conn:
                raw = conn.connection.dbapi_connection
                for statement, parameters in seen:
                    if not _interesting(statement):
                        continue
                    print("```sql")
                    print(statement.strip())
                    print(f"-- parameters: {parameters!r}"[:400])
                    print("```\n```")
                    planner = _sqlite_plan if engine.db.is_sqlite else _postgres_plan
                    for line in planner(raw, statement, parameters):
                        print(line)
                    print("```\n")
                if not engine.db.is_sqlite:
                    raw.rollback()
    finally:
        engine.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10_000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print(f"# Plans of the busy clerk's inbox and case list, commit {commit}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {os.getloadavg()[0]:.1f}\n")
    with tempfile.TemporaryDirectory(prefix="explain-") as tmp:
        directory = Path(tmp)
        if not args.no_sqlite:
            plans(sqlite_url(directory, "explain.db"), directory / "sqlite", args.scale, "SQLite")
        if not args.no_postgres:
            try:
                with postgres() as (url, _where):
                    plans(url, directory / "pg", args.scale, "PostgreSQL")
            except NoPostgres as exc:
                print(f"\nPostgreSQL: {exc}")


if __name__ == "__main__":
    main()
