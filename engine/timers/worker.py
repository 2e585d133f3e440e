"""The worker: claims due timer rows and fires each through its journalled command.

Claiming is a short transaction of its own: due, armed rows of running cases (or of no
case: start timers) are marked ``claimed_by`` this worker until ``claimed_until`` (the
lease). On PostgreSQL the SELECT takes the rows ``FOR UPDATE SKIP LOCKED``, so several
workers on one database share the load without waiting for each other; on SQLite the
claim runs under ``BEGIN IMMEDIATE``, one claimant at a time. Each claimed row is then
fired in a transaction of its own (:mod:`engine.timers.firing`), which reads the row
again and fires it only if it is still armed: a worker killed mid-fire leaves its rows
armed (its transaction never committed), and another worker takes them once the lease
has run out. Exactly once is the fire transaction's doing, the lease only saves work.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from engine.clock import Clock, as_utc
from engine.store.models import ProcessInstance, Timer
from engine.store.unit_of_work import UnitOfWork
from engine.timers.firing import TimerService

log = logging.getLogger(__name__)


@dataclass
class Pass:
    """What one pass of the worker did."""

    claimed: int = 0
    fired: int = 0
    skipped: int = 0
    failed: int = 0


def default_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


class Worker:
    def __init__(self, uow: UnitOfWork, timers: TimerService, clock: Clock, name: str | None = None,
                 batch: int = 100, lease_seconds: float = 60.0) -> None:
        self.uow = uow
        self.timers = timers
        self.clock = clock
        self.name = name or default_name()
        self.batch = batch
        self.lease = timedelta(seconds=lease_seconds)

    def _due(self, now: datetime):  # type: ignore[no-untyped-def]
        return (select(Timer.id)
                .outerjoin(ProcessInstance, ProcessInstance.id == Timer.instance_id)
                .where(Timer.state == "armed", Timer.due_at <= now,
                       or_(Timer.claimed_until.is_(None), Timer.claimed_until < now),
                       or_(Timer.instance_id.is_(None), ProcessInstance.status == "running"))
                .order_by(Timer.due_at, Timer.id))

    def claim(self, now: datetime) -> list[int]:
        stmt = self._due(now).limit(self.batch)
        if not self.uow.is_sqlite:
            stmt = stmt.with_for_update(skip_locked=True, of=Timer.__table__)

        def claim(session: Session) -> list[int]:
            ids = list(session.scalars(stmt))
            if ids:
                session.execute(update(Timer).where(Timer.id.in_(ids))
                                .values(claimed_by=self.name, claimed_until=now + self.lease))
            return ids

        return self.uow.write(claim)

    def run_once(self) -> Pass:
        """Claim what is due now and fire it; the counts of this pass."""
        done = Pass()
        ids = self.claim(self.clock.now())
        done.claimed = len(ids)
        for timer_id in ids:
            try:
                result = self.timers.fire(timer_id, self.clock.now(), self.name)
            except Exception:  # one bad timer must not stop the others; its lease runs out, it is retried
                log.exception("timer %d failed to fire", timer_id)
                done.failed += 1
                continue
            if result.startswith("fired"):
                done.fired += 1
            else:
                done.skipped += 1
                log.info("timer %d not fired: %s", timer_id, result)
        return done

    def next_due(self) -> datetime | None:
        found = self.uow.read(lambda session: session.scalar(
            select(func.min(Timer.due_at)).where(Timer.state == "armed")))
        return as_utc(found)

    def run(self, stop: threading.Event, poll_seconds: float = 1.0) -> None:
        """Fire due timers until ``stop`` is set; between passes wait at most ``poll_seconds``."""
        log.info("timer worker %s started", self.name)
        while not stop.is_set():
            try:
                done = self.run_once()
            except Exception:  # the database went away for a moment: try again next round
                log.exception("timer worker pass failed")
                done = Pass()
            if done.claimed < self.batch:
                stop.wait(poll_seconds)
        log.info("timer worker %s stopped", self.name)


def start_thread(worker: Worker, poll_seconds: float = 1.0) -> tuple[threading.Thread, threading.Event]:
    """Run ``worker`` on a daemon thread (the embedded default of ``python -m api serve``)."""
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop, poll_seconds), name="timer-worker", daemon=True)
    thread.start()
    return thread, stop


def run_until_signalled(worker: Worker, poll_seconds: float = 1.0) -> None:
    """The worker process: fire timers until SIGTERM or SIGINT (Ctrl-C), then finish the pass and stop."""
    import signal

    stop = threading.Event()

    def _stop(signum: int, _frame: object) -> None:
        log.info("timer worker %s: signal %d, stopping", worker.name, signum)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    worker.run(stop, poll_seconds)
