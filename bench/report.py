"""The table the benchmark prints, the goals it checks, and its JSON file."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from engine.settings import ROOT

from . import clerk_rows, load, page_rows, scale_rows, timer_rows

RESULTS = ROOT / "bench" / "results"


def machine() -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": model or platform.processor(), "python": platform.python_version(),
            "load_avg": [round(x, 2) for x in os.getloadavg()]}


def commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        return out + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.2f}{unit}"
    return f"{value}{unit}"


def goals(results: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """(goal, measured, met?) for each performance goal; None where the row did not run."""
    out: list[tuple[str, str, bool | None]] = []
    ceiling = results.get("ceiling", {}).get("ms_per_completion")
    service = results.get("service_sqlite", {}).get("ms_per_completion")
    cpu_ceiling = results.get("ceiling", {}).get("cpu_ms_per_completion")
    cpu_service = results.get("service_sqlite", {}).get("cpu_ms_per_completion")
    if ceiling and service:
        cpu = f" (CPU time: {cpu_service / cpu_ceiling:.2f}×)" if cpu_ceiling and cpu_service else ""
        out.append(("service layer ≤ 3× ceiling", f"{service / ceiling:.2f}×{cpu}", service / ceiling <= 3))
    one = results.get("http_sqlite", {}).get("clients_1", {}).get("median_ms")
    if one is not None:
        out.append(("HTTP 1 client median ≤ 5 ms", f"{one:.2f} ms", one <= 5))
    loop = results.get("returns")
    if loop:
        ok = loop["completed_correctly"] and loop["ratio_last_to_first"] <= 2
        out.append((f"returned {loop['returns']}×: correct, round {loop['returns']} ≤ 2× round 1",
                    f"{loop['ratio_last_to_first']:.2f}×, correct={loop['completed_correctly']}", ok))
    state = results.get("state_at")
    if state:
        out.append(("state at any step of 1,000 entries ≤ 100 ms", f"max {state['max_ms']:.1f} ms",
                    state["max_ms"] <= 100))
    memory = results.get("memory")
    if memory:
        out.append((f"memory growth over {memory['completions']:,} completions ≤ 50 MB",
                    f"{memory['growth_mb']:+.1f} MB", memory["growth_mb"] <= 50))
    out += timer_rows.goals(results)
    out += _postgres_goals(results)
    out += scale_rows.goals(results) + clerk_rows.goals(results) + page_rows.goals(results)
    return out


def _postgres_goals(results: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    out: list[tuple[str, str, bool | None]] = []
    sqlite_one = results.get("http_sqlite", {}).get("clients_1", {}).get("median_ms")
    pg = results.get("http_postgres", {})
    pg_one = pg.get("clients_1", {}).get("median_ms")
    if sqlite_one and pg_one:
        out.append(("PostgreSQL, 1 client ≤ 1.5× SQLite's HTTP figure", f"{pg_one:.2f} vs {sqlite_one:.2f} ms "
                    f"({pg_one / sqlite_one:.2f}×)", pg_one <= 1.5 * sqlite_one))
    procs = results.get("http_postgres_processes", {})
    one, four = procs.get("clients_1", {}), procs.get("clients_4", {})
    if one and four:
        ratio = four["completions_per_s"] / one["completions_per_s"]
        out.append((f"PostgreSQL, {procs.get('processes', 4)} server processes: 4 clients ≥ 2.5× one client's "
                    "throughput", f"{four['completions_per_s']:.0f} vs {one['completions_per_s']:.0f}/s "
                    f"({ratio:.2f}×)", ratio >= 2.5))
    return out


def table(results: dict[str, Any]) -> str:
    ceiling = results.get("ceiling", {}).get("ms_per_completion")

    def ratio(value: float | None) -> str:
        return f"{value / ceiling:.1f}×" if value and ceiling else ""

    rows: list[tuple[str, str, str, str, str]] = []
    if "ceiling" in results:
        cpu = results["ceiling"].get("cpu_ms_per_completion")
        rows.append(("1 ceiling: SpiffWorkflow in memory", _fmt(ceiling, " ms"), f"cpu {_fmt(cpu, ' ms')}", "",
                     "1.0×"))
    svc = results.get("service_sqlite")
    if svc:
        cmd = svc["complete_command"]
        rows.append(("2 service layer, SQLite (per completion)", _fmt(svc["ms_per_completion"], " ms"),
                     f"cpu {_fmt(svc.get('cpu_ms_per_completion'), ' ms')}; complete cmd median "
                     f"{cmd['median_ms']:.2f} / p95 {cmd['p95_ms']:.2f} ms", "",
                     ratio(svc["ms_per_completion"])))
    http_rows = (("http_sqlite", "3 HTTP (waitress), SQLite"), ("http_postgres", "4 HTTP (waitress), PostgreSQL"),
                 ("http_postgres_processes", "4 HTTP (gunicorn 4×4), PostgreSQL"))
    for key, label in http_rows:
        run = results.get(key)
        if run is None:
            continue
        if "unavailable" in run:
            rows.append((label, "n/a", run["unavailable"][:60], "", ""))
            continue
        for name, r in run.items():
            if not name.startswith("clients_"):
                continue
            rows.append((f"{label}, {r['clients']} client(s)", _fmt(r["median_ms"], " ms"),
                         f"p95 {r['p95_ms']:.2f} ms", f"{r['completions_per_s']:.0f}/s", ratio(r["median_ms"])))
    loop = results.get("returns")
    if loop:
        marks = ", ".join(f"r{k} {v:.2f}" for k, v in loop["step_ms_at_round"].items())
        rows.append((f"5 returned {loop['returns']}× (step ms)", marks,
                     f"{loop['ratio_last_to_first']:.2f}× last/first",
                     f"{loop['journal_entries']} entries", "ok" if loop["completed_correctly"] else "WRONG END"))
    state = results.get("state_at")
    if state:
        rows.append((f"6 state at a step of {state['history_entries']} entries", _fmt(state["median_ms"], " ms"),
                     f"max {state['max_ms']:.2f} ms", "replay", ""))
    memory = results.get("memory")
    if memory:
        rows.append((f"7 RSS over {memory['completions']:,} completions",
                     f"{memory['rss_before_mb']:.0f} → {memory['rss_after_mb']:.0f} MB",
                     f"{memory['growth_mb']:+.1f} MB",
                     f"{memory['first_window']['median_ms']:.2f}→{memory['last_window']['median_ms']:.2f} ms", ""))
    rows += timer_rows.row(results)
    rows += scale_rows.rows(results) + clerk_rows.rows(results) + page_rows.rows(results)
    header = ("row", "figure", "detail", "rate/size", "vs ceiling")
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(5)]
    lines = [" | ".join(_pad(c, w) for c, w in zip(header, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.append("")
    machine = results.get("machine", {})
    flag = load.warning(results.get("load", {}))
    if flag:
        lines.append(flag)
    elif machine.get("load_avg") and machine.get("nproc") and max(machine["load_avg"]) > machine["nproc"]:
        lines.append(f"NOTE: load average {machine['load_avg']} at the start exceeded {machine['nproc']} cores.")
    for goal, measured, met in goals(results):
        lines.append(f"[{'met' if met else 'MISSED'}] {goal}: {measured}")
    return "\n".join(lines)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def write_json(results: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    path = RESULTS / f"{now:%Y-%m-%d}-{results['commit']}.json"
    n = 1
    while path.exists():  # two runs of one commit (rows run apart): keep both
        n += 1
        path = RESULTS / f"{now:%Y-%m-%d}-{results['commit']}-{n}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
