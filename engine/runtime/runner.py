"""Running a workflow through one command, recording every step it takes.

This is the only module that drives SpiffWorkflow. A command (start, complete)
runs the engine until it waits for people again; every element the engine ran
becomes a :class:`Step` with the sequence flows it took, so the journal holds
the whole path. Loops back to an earlier task ("return for correction") reset
the live tree to that task's first occurrence (engine/runtime/loops.py), so a case
costs the same however often it has been returned; the journal keeps the full history.

The names of the modules it was split into (observation, steps, loops) stay importable from here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.definitions.compile import CompiledDefinition
from engine.runtime import callees, spiff_compat
from engine.runtime.data_copy import copy_data
from engine.runtime.loops import LoopDataChooser, choose_loop_data, compact_loops
from engine.runtime.observation import bpmn_id, case_data, case_state, observe, ready_user_task, ready_user_tasks
from engine.runtime.steps import Outcome, Step, StepObserver, StepRecorder, _flows_taken, observe_steps, settled
from engine.runtime.task_walk import tasks_in_state

__all__ = ["LoopDataChooser", "Outcome", "Step", "StepObserver", "StepRecorder", "bpmn_id", "case_data",
           "case_state", "choose_loop_data", "complete_task", "failure_message", "fire_event", "mark",
           "observe", "observe_steps", "ready_user_task", "ready_user_tasks", "run_engine", "settled", "start_case",
           "terminate"]

# SpiffWorkflow logs every state change at INFO; keep that off the hot path.
for _name in ("spiff", "spiff.task", "spiff.workflow", "spiff.metrics"):
    logging.getLogger(_name).setLevel(logging.WARNING)


def _run_engine(recorder: StepRecorder) -> None:
    with callees.observing_binds(recorder.on_bind):
        recorder.workflow.do_engine_steps(will_complete_task=recorder.will_run, did_complete_task=recorder.did_run)
    compact_loops(recorder)
    # Events no task of the case caught leave with the outcome, so the snapshot never carries them.
    recorder.events.extend(recorder.workflow.get_events())


run_engine = _run_engine  # for commands outside this module that drive the engine (engine/messages/)


def start_case(definition: CompiledDefinition, data: dict[str, Any]) -> tuple[BpmnWorkflow, Outcome]:
    """A new workflow of ``definition`` started with ``data``, run until it waits for people."""
    workflow = definition.codec.new_workflow()
    workflow.task_tree.data.update(copy_data(data))
    for task in tasks_in_state(workflow, TaskState.READY):
        task.data.update(copy_data(data))
    recorder = StepRecorder(definition, workflow)
    recorder.add(Step(None, None, None, command="start"))
    _run_engine(recorder)
    recorder.finish()
    return workflow, recorder.outcome()


def complete_task(definition: CompiledDefinition, workflow: BpmnWorkflow, task: Task,
                  data: dict[str, Any], command: str = "complete") -> Outcome:
    """Complete the ready user ``task`` with ``data`` and run until the workflow waits for people again.

    ``command``: the journal command that completes it (a signer's ``sign`` may be the one)."""
    recorder = StepRecorder(definition, workflow)
    task.data.update(copy_data(data))
    bound: list[tuple[str | None, callees.Binding]] = []  # a call activity right after the task
    with callees.observing_binds(lambda element, binding: bound.append((element, binding))):
        task.run()
    step = recorder.step_for(task, command=command)
    if step is not None:
        step.flows = _flows_taken(callees.owner(definition, task), task)
        recorder.add(step)
    for element, binding in bound:
        recorder.on_bind(element, binding)
    _run_engine(recorder)
    recorder.finish()
    return recorder.outcome()


def fire_event(definition: CompiledDefinition, workflow: BpmnWorkflow, task: Task, element_id: str,
               mark: Callable[[Task], None], command: str = "timer_fired") -> Outcome:
    """An event the waiting ``task`` catches (a timer the journal says is due): ``mark`` tells the
    task so, the task runs if that made it ready (a cycle only adds a branch), and the engine goes on."""
    recorder = StepRecorder(definition, workflow)
    before = set(spiff_compat.child_ids_of(task))
    mark(task)
    spiff_compat.update_task(task)
    info = definition.elements.get(element_id)
    step = Step(element_id, info.name if info else None, info.type if info else None, command=command)
    if task.has_state(TaskState.READY):
        task.run()
        step.flows = _flows_taken(definition, task)
    else:
        step.flows = [flow for child in task.children if child.id not in before
                      if (flow := definition.flow_by_pair.get((element_id, bpmn_id(child) or "")))]
    recorder.add(step)
    _run_engine(recorder)
    recorder.finish()
    return recorder.outcome()


def terminate(definition: CompiledDefinition, workflow: BpmnWorkflow) -> list[Step]:
    """Cancel every live task (终止). The journal keeps everything that happened before."""
    recorder = StepRecorder(definition, workflow)
    workflow.cancel()
    recorder.add(Step(None, None, None, command="terminate"))
    return recorder.finish()


def mark(definition: CompiledDefinition, workflow: BpmnWorkflow, command: str,
         task: Task | None = None) -> list[Step]:
    """A command that changes the case's status but not its workflow (suspend, resume), or, naming
    ``task``, who holds one of its steps (转办, 加签: the journal entry names the step)."""
    recorder = StepRecorder(definition, workflow)
    step = recorder.step_for(task, command=command) if task is not None else None
    recorder.add(step or Step(None, None, None, command=command))
    return recorder.finish()


def failure_message(exc: Exception) -> str:
    """The one-line message a failed command records (replay must produce the same text)."""
    text = (str(exc).strip() or exc.__class__.__name__).splitlines()[0]
    cause = exc.__cause__ or exc.__context__  # SpiffWorkflow wraps a condition's error without its message
    if cause is not None:
        detail = (str(cause).strip() or cause.__class__.__name__).splitlines()[0]
        if detail not in text:
            text = f"{text}（{cause.__class__.__name__}: {detail}）"
    return text[:500]
