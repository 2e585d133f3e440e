"""Row 1, the ceiling: stock SpiffWorkflow in memory, nothing of ours on the path.

The procedure is parsed once with the stock parser; each case is a new
workflow run with the stock script engine through the happy path, completing
each ready user task with the same data the other rows submit. No
serialization, no database, no validation: what SpiffWorkflow alone costs.
"""

from __future__ import annotations

import time
from pathlib import Path

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.settings import ROOT

from .scenario import COMPLETIONS_PER_CASE, END_ADMITTED, HAPPY_PATH, KEY, START_DATA


def load_spec(path: Path = ROOT / "processes" / f"{KEY}.bpmn") -> tuple[object, dict[str, object]]:
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(path))
    return parser.get_spec(KEY), parser.get_subprocess_specs(KEY)


def run_case(spec: object, subprocess_specs: dict[str, object]) -> int:
    """One case through the happy path; returns the number of task completions."""
    workflow = BpmnWorkflow(spec, subprocess_specs)  # type: ignore[arg-type]
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(START_DATA)
    workflow.do_engine_steps()
    completions = 0
    while not workflow.is_completed():
        ready = [t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.manual]
        if not ready:
            raise RuntimeError("ceiling: the case stalls without a ready user task")
        task = ready[0]
        _user, data = HAPPY_PATH[task.task_spec.bpmn_id]
        task.data.update(data)
        task.run()
        workflow.do_engine_steps()
        completions += 1
    ends = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_name == END_ADMITTED]
    if completions != COMPLETIONS_PER_CASE or not ends:
        raise RuntimeError("ceiling: the case did not reach 已准入 in five completions")
    return completions


def measure(cases: int) -> dict[str, float]:
    spec, subprocess_specs = load_spec()
    for _ in range(max(5, cases // 10)):  # warm-up
        run_case(spec, subprocess_specs)
    completions = 0
    began, cpu = time.perf_counter(), time.thread_time()
    for _ in range(cases):
        completions += run_case(spec, subprocess_specs)
    elapsed, cpu = time.perf_counter() - began, time.thread_time() - cpu
    return {"completions": completions, "seconds": round(elapsed, 3),
            "ms_per_completion": round(elapsed * 1000 / completions, 3),
            "cpu_ms_per_completion": round(cpu * 1000 / completions, 3)}
