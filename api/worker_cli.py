"""The timer worker as a Flask CLI command (``flask --app api worker``), and embedded in ``serve``.

Production runs one or more ``worker`` processes beside the API processes, all on one
``DATABASE_URL`` (on PostgreSQL they share the due rows, ``FOR UPDATE SKIP LOCKED``).
The embedded default (``make run``, ``python -m api serve``) runs one worker on a thread
of the server, so timers fire with nothing else started; ``EMBEDDED_WORKER=0`` turns
that off when separate workers run.
"""

from __future__ import annotations

import logging
import os

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from engine.service import WorkflowEngine
from engine.timers.worker import run_until_signalled, start_thread

log = logging.getLogger(__name__)


@click.command("worker")
@click.option("--poll", default=1.0, show_default=True, help="seconds between passes when nothing is due")
@click.option("--batch", default=100, show_default=True, help="rows claimed per pass")
@click.option("--lease", default=60.0, show_default=True,
              help="seconds a claim holds before another worker may take it")
@click.option("--name", default=None, help="this worker's name in claimed_by (default host:pid:thread)")
@click.option("--once", is_flag=True, help="one pass, then exit (prints what it did)")
@with_appcontext
def worker_command(poll: float, batch: int, lease: float, name: str | None, once: bool) -> None:
    """Fire due timers (BPMN timer events, timer starts, time-limit warnings) until stopped."""
    engine: WorkflowEngine = current_app.extensions["workflow_engine"]
    worker = engine.worker(name, batch=batch, lease_seconds=lease)
    if once:
        click.echo(str(worker.run_once()))
        return
    run_until_signalled(worker, poll)


def start_embedded_worker(app: Flask) -> None:
    """The embedded default: one worker thread in the server process (unless EMBEDDED_WORKER=0)."""
    if os.environ.get("EMBEDDED_WORKER", "1") == "0":
        return
    engine: WorkflowEngine = app.extensions["workflow_engine"]
    poll = float(os.environ.get("WORKER_POLL_SECONDS", "1"))
    start_thread(engine.worker(), poll)
    log.info("embedded timer worker started (poll %.1f s)", poll)
