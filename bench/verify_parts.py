"""Where a full verification of the bench's 1,000-entry case spends its CPU, part by part (not a bench row).

    .venv/bin/python -m bench.verify_parts [DIRECTORY] [RUNS]

builds the case once in DIRECTORY (default /tmp/verify-parts; bench/scale_data.long_case, as row 9 does),
then times ``RUNS`` verifications with ``full=True`` (no seal used) with the heap frozen, as row 9 does, and
prints the CPU time of each part exclusive of the parts inside it: reading the rows, the hash chain, the
state hashes (the walk that builds each state, and its canonical JSON and SHA-256), loop compaction, the
rest of the replay (SpiffWorkflow running the commands, the step recorder), the comparison of the case row,
the seal it leaves. Each part is timed by a wrapper around its function (bench/parts.py): the wrappers' own
cost (a few µs a call, ≈ 2,000 calls) is in the figures.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from api.heap import frozen_heap
from engine.audit import journal, seals, verify
from engine.runtime import runner, steps

from .harness import CaseDriver, actors, make_engine, sqlite_url
from .history_rows import AUDITOR
from .parts import Part, print_parts, timed_parts
from .scale_data import long_case

PARTS: list[Part] = [
    (verify, "read_journal", "reading the rows"),
    (verify, "check_chain", "the hash chain"),
    (verify, "replay", "replay: SpiffWorkflow and the recorder"),
    (verify, "_check_instance", "comparing the case row"),
    (seals.Seals, "seal", "the seal"),
    (runner, "compact_loops", "loop compaction"),
    (steps, "observe", "state hashes: the walk"),
    (journal.CaseState, "digest", "state hashes: JSON and SHA-256"),
]


def main(directory: Path, runs: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    marker = directory / "case_id"
    engine = make_engine(sqlite_url(directory), directory / "attachments")
    try:
        if not marker.exists():
            marker.write_text(str(long_case(CaseDriver(engine, actors(engine)), 1000)))
        case = int(marker.read_text())

        def verified() -> None:
            verdict = engine.views.verify(AUDITOR, case, full=True)
            if not verdict.ok:
                raise RuntimeError(f"the long case does not verify: {verdict.as_dict()}")

        verified()
        with timed_parts(PARTS) as totals:
            verified()
            totals.clear()
            with frozen_heap():
                began = time.thread_time()
                for _ in range(runs):
                    verified()
                total = (time.thread_time() - began) / runs * 1000
    finally:
        engine.db.dispose()
    print_parts(f"full verification of case {case}", total, totals, runs)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/verify-parts"),
         int(sys.argv[2]) if len(sys.argv) > 2 else 10)
