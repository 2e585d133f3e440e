"""Timer tests: the real app on an injected clock, the timer test model, a worker on the same clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from api import create_app
from engine.clock import FixedClock
from engine.service import WorkflowEngine
from engine.settings import Settings
from engine.store.models import Timer
from engine.timers.worker import Pass, Worker
from tests.support import ApiClient

FIXTURES = Path(__file__).parent / "fixtures"
TIMER_BPMN = (FIXTURES / "timer_approval.bpmn").read_bytes()
TIMER_FORMS = {p.name: p.read_bytes() for p in sorted((FIXTURES / "forms" / "timer_approval").glob("*.json"))}
# a Monday morning in Beijing, well inside the calendar's known years
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@dataclass
class TimerHarness:
    api: ApiClient
    clock: FixedClock

    @property
    def engine(self) -> WorkflowEngine:
        return self.api.engine

    def worker(self, name: str = "w1", **options: Any) -> Worker:
        return self.engine.worker(name, **options)

    def advance(self, delta: timedelta) -> None:
        self.clock.advance(delta)

    def run_worker(self, name: str = "w1") -> Pass:
        return self.worker(name).run_once()

    def timers(self, case_id: int | None = None) -> list[Timer]:
        with self.engine.db.reader() as session:
            stmt = select(Timer).order_by(Timer.id)
            if case_id is not None:
                stmt = stmt.where(Timer.instance_id == case_id)
            return list(session.scalars(stmt))

    def armed(self, case_id: int) -> dict[str, Timer]:
        return {t.element_id: t for t in self.timers(case_id) if t.state == "armed"}

    def case(self, case_id: int) -> dict[str, Any]:
        response = self.api.get(f"/process-instances/{case_id}", as_user="admin")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def open_elements(self, case_id: int) -> list[str]:
        return sorted(t["element_id"] for t in self.case(case_id)["active_tasks"])

    def deploy(self, bpmn: bytes = TIMER_BPMN, forms: dict[str, bytes] | None = None) -> int:
        with self.engine.db.writer() as session, session.begin():
            row, _ = self.engine.registry.deploy(session, bpmn, TIMER_FORMS if forms is None else forms)
            return row.version

    def start(self, key: str = "timer_approval") -> int:
        response = self.api.start("street_a", key, {})
        assert response.status_code == 201, response.get_json()
        return int(response.get_json()["id"])

    def complete(self, case_id: int, element: str, user: str, data: dict[str, Any]) -> Any:
        task = self.api.open_task(case_id, element, user)
        return self.api.complete(task["id"], user, data)


def make_harness(settings: Settings, at: datetime = T0) -> Iterator[TimerHarness]:
    clock = FixedClock(at)
    engine = WorkflowEngine(settings, clock)
    app = create_app(settings, engine=engine)
    try:
        harness = TimerHarness(ApiClient(app, app.test_client()), clock)
        harness.deploy()
        yield harness
    finally:
        engine.db.dispose()
