"""The machine's load during a run: sampled in the background, so a run shared with other work is flagged.

Wall-clock figures from a run whose load average exceeded the cores are inflated
(other processes had the CPUs); the table says so at its top and bottom and the
JSON carries ``load.overloaded``. CPU-time columns are less affected.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any


class LoadWatch:
    """Samples the 1-minute load average every ``period`` seconds until stopped."""

    def __init__(self, period: float = 5.0) -> None:
        self.period = period
        self.cores = os.cpu_count() or 1
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-load", daemon=True)

    def _run(self) -> None:
        while True:
            self.samples.append(os.getloadavg()[0])
            if self._stop.wait(self.period):
                return

    def __enter__(self) -> LoadWatch:
        self.began = time.time()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])

    def summary(self) -> dict[str, Any]:
        samples = self.samples or [os.getloadavg()[0]]
        peak = max(samples)
        return {"cores": self.cores, "samples": len(samples), "start": round(samples[0], 2),
                "mean": round(sum(samples) / len(samples), 2), "max": round(peak, 2),
                "overloaded": peak > self.cores}


def warning(load: dict[str, Any]) -> str | None:
    if not load or not load.get("overloaded"):
        return None
    return (f"WARNING: LOADED MACHINE — load average reached {load['max']} (mean {load['mean']}) on "
            f"{load['cores']} cores during this run: other work shared the CPUs, wall-clock figures are "
            "inflated and goals judged on them may read as missed; compare CPU-time columns and ratios.")
