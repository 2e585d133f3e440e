"""Where row 2's commands spend their CPU, part by part (not a bench row).

    .venv/bin/python -m bench.command_parts [CASES]

runs ``CASES`` whole cases (default 60; a start and five completions each, after 20 to warm up) through the
service layer on a fresh SQLite database, as row 2 does, with each part of a command wrapped
(bench/parts.py) and the heap frozen as the servers freeze it, and prints each part's CPU time per
completion (the start's share included, as row 2 counts it) exclusive of the parts inside it. SQL is two
parts wherever it runs (SQLAlchemy's side, and the DB-API call that runs the statement): the other parts'
figures are their Python work. The driver's own reads between commands are left out, as row 2 leaves them
out.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.engine import Connection
from sqlalchemy.engine.default import DefaultDialect

from api.heap import frozen_heap
from engine.cases import commands
from engine.operations import completion
from engine.runtime import runner, steps
from engine.runtime.snapshot import SnapshotCodec
from engine.store import case_store
from engine.store.unit_of_work import UnitOfWork

from .harness import CaseDriver, actors, make_engine, sqlite_url
from .parts import Part, print_parts, timed_parts
from .scenario import COMPLETIONS_PER_CASE

DRIVER = "the driver's reads (not counted)"
PARTS: list[Part] = [
    (CaseDriver, "open_tasks", DRIVER),
    (UnitOfWork, "write", "the transaction around the command (session, retries)"),
    (DefaultDialect, "do_commit", "COMMIT (SQLite writing the pages)"),
    (Connection, "_execute_context", "SQL statements: SQLAlchemy's side"),
    (DefaultDialect, "do_execute", "SQL statements: the DB-API's execute (SQLite running them)"),
    (DefaultDialect, "do_executemany", "SQL statements: the DB-API's execute (SQLite running them)"),
    (commands.InstanceService, "_complete", "the completion's checks and wiring"),
    (commands.InstanceService, "start_in", "the start's checks and wiring"),
    (commands, "validate_submission", "the form's JSON Schema"),
    (commands, "load_task", "loading task and case (ORM objects)"),
    (SnapshotCodec, "loads", "snapshot: loads"),
    (SnapshotCodec, "dumps", "snapshot: dumps"),
    (runner, "complete_task", "SpiffWorkflow running the steps, the recorder"),
    (runner, "start_case", "SpiffWorkflow running the steps, the recorder"),
    (runner, "compact_loops", "loop compaction"),
    (steps, "observe", "state hashes: the walk"),
    (case_store.CaseState, "digest", "state hashes: JSON and SHA-256"),
    (commands, "workflow_values", "the case row's values (title, data)"),
    (commands, "record", "journal entries and their hashes, the case UPDATE"),
    (commands, "sync_tasks", "task rows"),
    (case_store, "after_tasks_synced", "after the task rows: time limits, 准入清单, timers"),
    (completion, "after_completion", "the model's 抄送"),
]


def main(cases: int) -> None:
    directory = Path(tempfile.mkdtemp(prefix="command-parts-"))
    engine = make_engine(sqlite_url(directory), directory / "attachments")
    try:
        driver = CaseDriver(engine, actors(engine))
        for _ in range(20):
            driver.run_case()
        with frozen_heap(), timed_parts(PARTS) as totals:  # as the servers run (api/heap.py)
            driver.run_case()
            totals.clear()
            began = time.thread_time()
            for _ in range(cases):
                driver.run_case()
            spent = time.thread_time() - began
    finally:
        engine.db.dispose()
    completions = cases * COMPLETIONS_PER_CASE
    driver_reads = totals.pop(DRIVER, 0.0)
    total = (spent - driver_reads) / completions * 1000
    print_parts(f"a completion of row 2, the start's share included ({cases} cases)", total, totals, completions)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
