"""Small helpers: percentiles, resident memory."""

from __future__ import annotations

import statistics
from pathlib import Path


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation; values in seconds."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def summary(latencies: list[float]) -> dict[str, float]:
    """Median, p95 and mean in milliseconds of latencies given in seconds."""
    return {
        "n": len(latencies),
        "median_ms": ms(statistics.median(latencies)) if latencies else float("nan"),
        "p95_ms": ms(percentile(latencies, 95)),
        "mean_ms": ms(statistics.fmean(latencies)) if latencies else float("nan"),
    }


def rss_mb(pid: int | str = "self") -> float:
    """Resident set size of a process in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")
