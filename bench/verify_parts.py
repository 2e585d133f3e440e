"""Where a full verification of the bench's 1,000-entry case spends its CPU, part by part (not a bench row).

    .venv/bin/python -m bench.verify_parts [DIRECTORY] [RUNS]

builds the case once in DIRECTORY (default /tmp/verify-parts; bench/scale_data.long_case, as row 9 does),
then times ``RUNS`` verifications with ``full=True`` (no seal used) with the heap frozen, as row 9 does, and
prints the CPU time of each part exclusive of the parts inside it: reading the rows, the hash chain, the
state hashes (the walk that builds each state, and its canonical JSON and SHA-256), loop compaction, the
rest of the replay (SpiffWorkflow running the commands, the step recorder), the comparison of the case row,
the seal it leaves. Each part is timed by a wrapper around its function: the wrappers' own cost (a few
µs a call, ≈ 2,000 calls) is in the figures.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from api.heap import frozen_heap
from engine.audit import journal, seals, verify
from engine.runtime import runner, steps

from .harness import CaseDriver, actors, make_engine, sqlite_url
from .history_rows import AUDITOR
from .scale_data import long_case

PARTS: list[tuple[Any, str, str]] = [
    (verify, "read_journal", "reading the rows"),
    (verify, "check_chain", "the hash chain"),
    (verify, "replay", "replay: SpiffWorkflow and the recorder"),
    (verify, "_check_instance", "comparing the case row"),
    (seals.Seals, "seal", "the seal"),
    (runner, "compact_loops", "loop compaction"),
    (steps, "observe", "state hashes: the walk"),
    (journal.CaseState, "digest", "state hashes: JSON and SHA-256"),
]


def _instrument(totals: dict[str, float]) -> Callable[[], None]:
    """Wrap each part; returns the function that restores them."""
    inside: list[str] = []
    originals = []
    for owner, name, label in PARTS:
        original = getattr(owner, name)
        originals.append((owner, name, original))

        def timed(*args: Any, _original: Any = original, _label: str = label, **kwargs: Any) -> Any:
            began = time.process_time()
            inside.append(_label)
            try:
                return _original(*args, **kwargs)
            finally:
                inside.pop()
                spent = time.process_time() - began
                totals[_label] = totals.get(_label, 0.0) + spent
                if inside:  # exclusive figures: what a part spent inside another is the other's less
                    totals[inside[-1]] = totals.get(inside[-1], 0.0) - spent

        setattr(owner, name, timed)

    def restore() -> None:
        for owner, name, original in originals:
            setattr(owner, name, original)

    return restore


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
        totals: dict[str, float] = {}
        restore = _instrument(totals)
        try:
            verified()
            totals.clear()
            with frozen_heap():
                began = time.process_time()
                for _ in range(runs):
                    verified()
                total = (time.process_time() - began) / runs * 1000
        finally:
            restore()
    finally:
        engine.db.dispose()
    print(f"full verification of case {case}: {total:.1f} ms of CPU (mean of {runs})")
    for label, spent in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {label:<40} {spent / runs * 1000:6.1f} ms  {spent / runs * 1000 / total * 100:4.1f} %")
    rest = total - sum(totals.values()) / runs * 1000
    print(f"  {'everything else':<40} {rest:6.1f} ms  {rest / total * 100:4.1f} %")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/verify-parts"),
         int(sys.argv[2]) if len(sys.argv) > 2 else 10)
