"""Prometheus metrics of the engine: commands, races lost, and the timers' and deadlines' hooks.

Counters live in ``prometheus_client``'s default registry; under several
processes (gunicorn workers) set ``PROMETHEUS_MULTIPROC_DIR`` to a fresh
directory shared by them and ``/metrics`` adds up every process's values
(api/metrics.py). Nothing here needs Flask.

Hooks for other parts of the engine (call them; they cost a dictionary update):

- :func:`command_committed` — the unit of work, per journalled command name;
- :func:`command_retried`, :func:`command_conflict` — lost races;
- :func:`timers_due`, :func:`timer_fired`, :func:`tasks_overdue` — for the timer
  worker and working-day deadlines to fill (the gauges keep the most recent
  value any process set).
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import Counter, Gauge

COMMANDS = Counter("shequ_commands_total", "Journalled commands committed, by command", ["command"])
COMMAND_RETRIES = Counter("shequ_command_retries_total",
                          "Command transactions run again after losing a race, by reason", ["reason"])
COMMAND_CONFLICTS = Counter("shequ_command_conflicts_total",
                            "Commands refused with 409 after losing every retry")
TIMERS_DUE = Gauge("shequ_timers_due", "Timer events due and not yet fired", multiprocess_mode="mostrecent")
TIMERS_FIRED = Counter("shequ_timers_fired_total", "Timer events fired")
TASKS_OVERDUE = Gauge("shequ_tasks_overdue", "Open tasks past their deadline", multiprocess_mode="mostrecent")


def command_committed(commands: Iterable[str]) -> None:
    for name in commands:
        COMMANDS.labels(command=name).inc()


def command_retried(reason: str) -> None:
    COMMAND_RETRIES.labels(reason=reason).inc()


def command_conflict() -> None:
    COMMAND_CONFLICTS.inc()


def timers_due(count: int) -> None:
    TIMERS_DUE.set(count)


def timer_fired(count: int = 1) -> None:
    TIMERS_FIRED.inc(count)


def tasks_overdue(count: int) -> None:
    TASKS_OVERDUE.set(count)
