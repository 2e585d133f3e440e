"""Rows 2 and 7: the service layer (engine.service.WorkflowEngine, no HTTP) on SQLite.

Row 2 times whole cases (start + five completions) like the ceiling does, so
the two are comparable per completion; it also reports the latency of a
``complete`` command alone. Row 7 runs 10,000 completions and compares the
process's resident memory before and after, and the cost of the first and the
last thousand completions (cost must not grow with the size of the tables).
"""

from __future__ import annotations

import gc
import time
from typing import Any

from .harness import CaseDriver
from .scenario import COMPLETIONS_PER_CASE
from .stats import ms, rss_mb, summary


def measure_service(driver: CaseDriver, cases: int) -> dict[str, Any]:
    for _ in range(max(5, cases // 10)):  # warm-up: compiled definitions, caches, SQLite pages
        driver.run_case()
    latencies: list[float] = []
    starts: list[float] = []
    cpu = driver.cpu_timer()
    for _ in range(cases):
        driver.run_case(timer=latencies.append, start_timer=starts.append)
    completions = cases * COMPLETIONS_PER_CASE
    cpu_seconds = cpu()
    engine_seconds = sum(latencies) + sum(starts)
    # Per completion as the ceiling counts it: the start and complete commands of whole cases divided by the
    # completions (the driver's own reads of the open tasks between commands are not counted).
    return {
        "completions": completions,
        "seconds": round(engine_seconds, 3),
        "ms_per_completion": ms(engine_seconds / completions),
        "cpu_ms_per_completion": ms(cpu_seconds / completions),
        "complete_command": summary(latencies),
        "start_command": summary(starts),
    }


def measure_memory(driver: CaseDriver, completions: int) -> dict[str, Any]:
    """Resident memory before and after ``completions`` completions, and cost early vs late."""
    for _ in range(20):
        driver.run_case()
    gc.collect()
    before = rss_mb()
    latencies: list[float] = []
    began = time.perf_counter()
    while len(latencies) < completions:
        driver.run_case(timer=latencies.append)
    elapsed = time.perf_counter() - began
    gc.collect()
    after = rss_mb()
    window = min(1000, len(latencies) // 4)
    return {
        "completions": len(latencies),
        "seconds": round(elapsed, 3),
        "rss_before_mb": before,
        "rss_after_mb": after,
        "growth_mb": round(after - before, 1),
        "first_window": summary(latencies[:window]),
        "last_window": summary(latencies[-window:]),
    }
