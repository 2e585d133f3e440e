"""A set-up engine on a throw-away database, and driving cases through its service layer."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine.identity.actors import Actor
from engine.identity.tokens import load_actor
from engine.service import WorkflowEngine
from engine.settings import Settings
from engine.store.models import HumanTask, ProcessInstance, User

from .scenario import KEY, START_DATA, STARTER, USERS, next_step


def sqlite_url(directory: Path, name: str = "bench.db") -> str:
    return f"sqlite:///{directory / name}"


def make_engine(database_url: str, attachments: Path) -> WorkflowEngine:
    # a key of this run for verification seals (row 9 measures a first and a repeated verification)
    engine = WorkflowEngine(Settings(database_url=database_url, attachments_dir=attachments,
                                     verify_seal_key=secrets.token_hex(32)))
    engine.upgrade()
    engine.seed_demo()
    engine.deploy_processes()
    return engine


def actors(engine: WorkflowEngine) -> dict[str, Actor]:
    with engine.db.reader() as session:
        users = session.scalars(select(User).where(User.username.in_(USERS)))
        return {u.username: load_actor(session, u) for u in users}


@dataclass
class CaseDriver:
    """Runs cases of the benchmark procedure through ``engine.cases.commands``, timing each completion."""

    engine: WorkflowEngine
    actors: dict[str, Actor]
    _cpu: float = 0.0

    def cpu_timer(self) -> Callable[[], float]:
        """Start counting the CPU time of this thread spent in commands; call the result to read it."""
        self._cpu = 0.0
        return lambda: self._cpu

    def start(self, timer: Callable[[float], None] | None = None) -> int:
        began, cpu = time.perf_counter(), time.thread_time()
        instance_id = self.engine.instances.start(self.actors[STARTER], KEY, None, dict(START_DATA))
        self._cpu += time.thread_time() - cpu
        if timer is not None:
            timer(time.perf_counter() - began)
        return instance_id

    def open_tasks(self, instance_id: int) -> list[tuple[int, str]]:
        with self.engine.db.reader() as session:
            rows = session.execute(select(HumanTask.id, HumanTask.element_id)
                                   .where(HumanTask.instance_id == instance_id, HumanTask.state == "ready")
                                   .order_by(HumanTask.id))
            return [(row.id, row.element_id) for row in rows]

    def complete_next(self, instance_id: int, returns_left: int = 0,
                      timer: Callable[[float], None] | None = None) -> str:
        """Complete the first open task of the case; returns its element id."""
        tasks = self.open_tasks(instance_id)
        if not tasks:
            raise RuntimeError(f"case {instance_id} has no open task")
        task_id, element_id = tasks[0]
        user, data = next_step(element_id, returns_left)
        began, cpu = time.perf_counter(), time.thread_time()
        self.engine.instances.complete(self.actors[user], task_id, dict(data), None)
        self._cpu += time.thread_time() - cpu
        if timer is not None:
            timer(time.perf_counter() - began)
        return element_id

    def run_case(self, timer: Callable[[float], None] | None = None,
                 start_timer: Callable[[float], None] | None = None) -> int:
        """One case to its end through the happy path; returns the instance id."""
        instance_id = self.start(start_timer)
        while self.open_tasks(instance_id):
            self.complete_next(instance_id, timer=timer)
        return instance_id

    def status(self, instance_id: int) -> dict[str, Any]:
        with self.engine.db.reader() as session:
            row = session.get(ProcessInstance, instance_id)
            assert row is not None
            return {"status": row.status, "end_event": row.end_event, "journal_seq": row.journal_seq,
                    "data": row.data}
