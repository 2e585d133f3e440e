"""Row 8: timers and limits with 100,000 armed timers in the table (SQLite, service layer).

- the worker: due boundary timers of real cases fired per second, the table holding
  100,000 other armed timers (not yet due) beside them;
- the inbox (``sort=due``: the earliest time limit first) of a clerk with many limited tasks,
  against the same inbox in its default order;
- arming a timer within a completion: the arming step's time inside the completion of a task
  whose next task carries a boundary timer, against a completion in the same model without
  the timer (goal: ≤ 10 %); and the whole difference between the two models.
"""

from __future__ import annotations

import re
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from engine.clock import FixedClock
from engine.identity.actors import Actor
from engine.identity.tokens import load_actor
from engine.read.paging import PageRequest
from engine.read.workbench import InboxFilter, inbox_page
from engine.service import WorkflowEngine
from engine.settings import ROOT, Settings
from engine.store.models import HumanTask, ProcessDefinition, Timer, User
from engine.timers import hooks
from engine.timers.arming import sync_timers

from .stats import ms, summary

FIXTURES = ROOT / "tests" / "fixtures"
FORMS = {p.name: p.read_bytes() for p in sorted((FIXTURES / "forms" / "timer_approval").glob("*.json"))}
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

# start → a (user) → b (user, with an interrupting boundary timer or without) → end
_MODEL = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="D_{key}" targetNamespace="x">
  <bpmn:process id="{key}" name="定时基准" isExecutable="true">
    <bpmn:laneSet id="LS"><bpmn:lane id="L" name="street_office">
      <bpmn:flowNodeRef>s</bpmn:flowNodeRef><bpmn:flowNodeRef>a</bpmn:flowNodeRef><bpmn:flowNodeRef>b</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>e</bpmn:flowNodeRef>{lane_timer}
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="s"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="a" name="甲"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="formJsonSchemaFilename" value="sign.schema.json" />
    </spiffworkflow:properties></bpmn:extensionElements><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:userTask id="b" name="乙"><bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="formJsonSchemaFilename" value="sign.schema.json" />
    </spiffworkflow:properties></bpmn:extensionElements><bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing>
    </bpmn:userTask>
    {timer}
    <bpmn:endEvent id="e" name="完成"><bpmn:incoming>F3</bpmn:incoming>{end_in}</bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="s" targetRef="a" />
    <bpmn:sequenceFlow id="F2" sourceRef="a" targetRef="b" />
    <bpmn:sequenceFlow id="F3" sourceRef="b" targetRef="e" />{timer_flow}
  </bpmn:process>
</bpmn:definitions>"""
_TIMER = ('<bpmn:boundaryEvent id="t" name="超时" attachedToRef="b"><bpmn:outgoing>F4</bpmn:outgoing>'
          '<bpmn:timerEventDefinition id="TD"><bpmn:timeDuration>P3D</bpmn:timeDuration>'
          '</bpmn:timerEventDefinition></bpmn:boundaryEvent>')


def model(key: str, with_timer: bool) -> bytes:
    text = _MODEL.format(key=key, lane_timer="<bpmn:flowNodeRef>t</bpmn:flowNodeRef>" if with_timer else "",
                         timer=_TIMER if with_timer else "", end_in="<bpmn:incoming>F4</bpmn:incoming>"
                         if with_timer else "", timer_flow='<bpmn:sequenceFlow id="F4" sourceRef="t" targetRef="e" />'
                         if with_timer else "")
    return re.sub(r">\s+<", "><", text).encode()


def _engine(directory: Path) -> tuple[WorkflowEngine, FixedClock]:
    clock = FixedClock(T0)
    engine = WorkflowEngine(Settings(database_url=f"sqlite:///{directory / 'timers.db'}",
                                     attachments_dir=directory / "attachments"), clock)
    engine.upgrade()
    engine.seed_demo()
    engine.deploy_processes()
    with engine.db.writer() as session, session.begin():
        for key, with_timer in (("bench_timer", True), ("bench_plain", False)):
            engine.registry.deploy(session, model(key, with_timer), FORMS)
    return engine, clock


def _actor(engine: WorkflowEngine, username: str) -> Actor:
    with engine.db.reader() as session:
        user = session.scalar(select(User).where(User.username == username))
        assert user is not None
        return load_actor(session, user)


def _task(engine: WorkflowEngine, case_id: int, element: str) -> int:
    with engine.db.reader() as session:
        found = session.scalar(select(HumanTask.id).where(HumanTask.instance_id == case_id,
                                                          HumanTask.element_id == element,
                                                          HumanTask.state == "ready"))
        assert found is not None
        return int(found)


def _filler(engine: WorkflowEngine, count: int) -> None:
    """``count`` armed timers due in a year, of no case (kind ``start`` of the plain model)."""
    with engine.db.reader() as session:
        definition_id = session.scalar(select(ProcessDefinition.id).where(ProcessDefinition.key == "bench_plain"))
    later = T0 + timedelta(days=365)
    rows = [{"instance_id": None, "definition_id": definition_id, "spiff_task_id": None, "element_id": "filler",
             "kind": "start", "expression": "R/P1D", "cycle": 1, "deadline_id": None,
             "due_at": later + timedelta(seconds=i), "state": "armed", "claimed_by": None, "claimed_until": None,
             "created_at": T0, "fired_at": None, "cancelled_at": None} for i in range(count)]
    with engine.db.writer() as session, session.begin():
        for chunk in range(0, len(rows), 10_000):
            session.execute(insert(Timer.__table__), rows[chunk:chunk + 10_000])


def measure_arming(engine: WorkflowEngine, street: Actor, cases: int) -> tuple[dict[str, Any], list[int]]:
    """Complete ``a`` in cases with and without a timer on ``b``, interleaved; the timer cases are returned.

    Two figures: the arming step itself (the timer rows' sync inside the completion, timed around
    :func:`engine.timers.arming.sync_timers`) against a completion without a timer (the goal), and the
    whole difference between the two models, which also holds SpiffWorkflow's boundary-event tasks.
    """
    with_timer: list[float] = []
    without: list[float] = []
    arming: list[float] = []
    timer_cases: list[int] = []
    timed: list[float] = []
    index = next(i for i, (_, step) in enumerate(hooks.AFTER_SYNC) if step is sync_timers)
    applies, _ = hooks.AFTER_SYNC[index]

    def sync_timed(*args: Any) -> None:
        began = time.perf_counter()
        sync_timers(*args)
        timed.append(time.perf_counter() - began)

    hooks.AFTER_SYNC[index] = (applies, sync_timed)
    try:
        for round_ in range(cases + 10):
            for key, out in (("bench_timer", with_timer), ("bench_plain", without)):
                case_id = engine.instances.start(street, key, None, {})
                task_id = _task(engine, case_id, "a")
                timed.clear()
                began = time.perf_counter()
                engine.instances.complete(street, task_id, {"agree": True}, None)
                if round_ >= 10:  # the first rounds warm caches
                    out.append(time.perf_counter() - began)
                    if key == "bench_timer":
                        timer_cases.append(case_id)
                        arming.append(sum(timed))
    finally:
        hooks.AFTER_SYNC[index] = (applies, sync_timers)
    base = statistics.median(without)
    return {"with_timer": summary(with_timer), "without_timer": summary(without), "arming_step": summary(arming),
            "arming_pct": round(statistics.median(arming) / base * 100, 1),
            "model_overhead_pct": round((statistics.median(with_timer) / base - 1) * 100, 1)}, timer_cases


def measure_worker(engine: WorkflowEngine, clock: FixedClock, due: int) -> dict[str, Any]:
    clock.advance(timedelta(days=3, seconds=1))
    worker = engine.worker("bench", batch=100)
    began = time.perf_counter()
    fired = 0
    while True:
        done = worker.run_once()
        fired += done.fired
        if done.claimed == 0:
            break
    elapsed = time.perf_counter() - began
    assert fired == due, (fired, due)
    return {"fired": fired, "seconds": round(elapsed, 3), "per_second": round(fired / elapsed, 1)}


def measure_inbox(engine: WorkflowEngine, clerk: Actor, samples: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for sort in ("created_at", "due", "urgency"):
        latencies = []
        for _ in range(samples):
            began = time.perf_counter()
            with engine.db.reader() as session:
                page = inbox_page(session, clerk, engine.directories.get(session), InboxFilter(),
                                  PageRequest(limit=50, sort=sort), T0)
            latencies.append(time.perf_counter() - began)
        out[sort] = summary(latencies) | {"tasks": page.total}
    return out


def measure_timers(directory: Path, filler: int, cases: int, limited_cases: int, samples: int) -> dict[str, Any]:
    engine, clock = _engine(directory)
    try:
        _filler(engine, filler)
        street = _actor(engine, "street_a")
        arming, timer_cases = measure_arming(engine, street, cases)
        department = _actor(engine, "department")
        from .scenario import START_DATA

        for _ in range(limited_cases):  # community_access carries a 承诺时限: each case a deadline and its timers
            engine.instances.start(department, "community_access", None, dict(START_DATA))
        with engine.db.reader() as session:
            armed = session.query(Timer).filter(Timer.state == "armed").count()
        inbox = measure_inbox(engine, department, samples)
        worker = measure_worker(engine, clock, len(timer_cases) + 10)
        return {"armed_timers": armed, "arming": arming, "inbox": inbox, "worker": worker,
                "filler_timers": filler}
    finally:
        engine.db.dispose()


def row(results: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    t = results.get("timers")
    if not t:
        return []
    arming, inbox, worker = t["arming"], t["inbox"], t["worker"]
    return [
        (f"8 timers: worker, {t['armed_timers']:,} armed", f"{worker['per_second']:.0f} fired/s",
         f"{worker['fired']} due in {worker['seconds']:.2f} s", "", ""),
        ("8 inbox sort=due / urgency / created_at", f"{inbox['due']['median_ms']:.2f} ms",
         f"urgency {inbox['urgency']['median_ms']:.2f} ms, created_at {inbox['created_at']['median_ms']:.2f} ms",
         f"{inbox['due']['tasks']} tasks", ""),
        ("8 arming a timer in a completion", f"{arming['arming_step']['median_ms']:.3f} ms",
         f"{arming['arming_pct']:.1f} % of a completion without ({arming['without_timer']['median_ms']:.2f} ms)",
         f"whole model {arming['model_overhead_pct']:+.1f} %", ""),
    ]


def goals(results: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    t = results.get("timers")
    if not t:
        return []
    pct = t["arming"]["arming_pct"]
    return [("arming a timer within a completion ≤ 10 % of one without", f"{pct:.1f} %", pct <= 10)]


__all__ = ["goals", "measure_timers", "ms", "row"]
