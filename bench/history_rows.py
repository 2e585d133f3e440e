"""Rows 5 and 6: cost that stays flat as a case's history grows.

Row 5 returns one case for correction 500 times (apply → gatekeep_review
"return" → apply …), then takes it to its end, and compares the time of a step
at round 1, 100 and 500 (the median over a window of ten rounds around each,
to keep one noisy sample from deciding). The case must end at 已准入 with the
last submitted data.

Row 6 reconstructs the state at random steps of a 1,000-entry history.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from sqlalchemy import select

from api.heap import frozen_heap
from engine.identity.actors import Actor
from engine.store.models import ProcessInstance

from .harness import CaseDriver
from .scenario import APPROVE, END_ADMITTED, LEDGER
from .stats import ms, summary


def run_returned_case(driver: CaseDriver, returns: int,
                      on_round: Any = None) -> tuple[int, dict[int, list[float]]]:
    """Start a case, return it ``returns`` times, finish it; step times by round (1-based)."""
    instance_id = driver.start()
    rounds: dict[int, list[float]] = {}
    done = 0
    while True:
        tasks = driver.open_tasks(instance_id)
        if not tasks:
            break
        round_no = done + 1
        element = driver.complete_next(instance_id, returns_left=returns - done,
                                       timer=rounds.setdefault(round_no, []).append)
        if element == "gatekeep_review" and done < returns:
            done += 1
            if on_round is not None:
                on_round(instance_id, done)
    return instance_id, rounds


def _window(rounds: dict[int, list[float]], centre: int, width: int = 10) -> list[float]:
    low = max(1, min(centre - width // 2, max(rounds) - width + 1))
    return [t for r in range(low, low + width) for t in rounds.get(r, [])]


def measure_returns(driver: CaseDriver, returns: int) -> dict[str, Any]:
    began = time.perf_counter()
    instance_id, rounds = run_returned_case(driver, returns)
    elapsed = time.perf_counter() - began
    final = driver.status(instance_id)
    correct = (final["status"] == "completed" and final["end_event"] == END_ADMITTED
               and final["data"].get("resolution_no") == APPROVE["resolution_no"]
               and final["data"].get("funding_transfer_doc") == LEDGER["funding_transfer_doc"])
    marks = sorted({1, min(100, returns), returns})
    per_round = {str(r): ms(statistics.median(_window(rounds, r))) for r in marks}
    first, last = per_round[str(marks[0])], per_round[str(marks[-1])]
    with driver.engine.db.reader() as session:
        snapshot_bytes = len(session.scalar(select(ProcessInstance.snapshot)
                                            .where(ProcessInstance.id == instance_id)) or "")
    return {
        "returns": returns,
        "seconds": round(elapsed, 3),
        "step_ms_at_round": per_round,
        "ratio_last_to_first": round(last / first, 2) if first else float("nan"),
        "completed_correctly": correct,
        "end_event": final["end_event"],
        "journal_entries": final["journal_seq"],
        "snapshot_bytes": snapshot_bytes,
    }


AUDITOR = Actor(user_id=0, username="bench", display_name="bench", org_id="xinqu", roles=frozenset({"auditor"}))


def state_at(driver: CaseDriver, instance_id: int, seq: int) -> dict[str, Any]:
    """The case as it stood after entry ``seq``, rebuilt by replay (what the auditor's page asks for)."""
    engine = driver.engine
    with engine.db.reader() as session:
        return engine.history.state_at(session, AUDITOR, instance_id, seq)




def measure_state_at(driver: CaseDriver, entries: int, samples: int, seed: int = 6) -> dict[str, Any]:
    """Build a case whose journal has at least ``entries`` entries; time the state at random steps."""
    instance_id = driver.start()
    returns = 0
    while driver.status(instance_id)["journal_seq"] < entries:
        element = driver.complete_next(instance_id, returns_left=1)
        returns += element == "gatekeep_review"
    history = driver.status(instance_id)["journal_seq"]
    rng = random.Random(seed)
    steps = [rng.randint(1, history) for _ in range(samples)]
    state_at(driver, instance_id, steps[0])  # warm-up
    latencies = []
    with frozen_heap():  # as in a server (api/heap.py): a full collection does not walk the set-up's objects
        for seq in steps:
            began = time.perf_counter()
            state_at(driver, instance_id, seq)
            latencies.append(time.perf_counter() - began)
    result = summary(latencies)
    result.update({
        "history_entries": history,
        "max_ms": ms(max(latencies)),
        "method": "replay from the nearest verified checkpoint (engine/audit/history.py)",
    })
    return result
