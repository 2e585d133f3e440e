"""Running a workflow through one command, recording every step it takes.

This is the only module that drives SpiffWorkflow. A command (start, complete)
runs the engine until it waits for people again; every element the engine ran
becomes a :class:`Step` with the sequence flows it took, so the journal holds
the whole path. Loops back to an earlier task ("return for correction") reset
the live tree to that task's first occurrence, so a case costs the same however
often it has been returned; the journal keeps the full history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import ThrowingEvent
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.audit.journal import CaseState
from engine.definitions.compile import CompiledDefinition
from engine.runtime import callees
from engine.runtime.spiff_compat import state_of
from engine.runtime.task_walk import is_completed, tasks_in_state

# SpiffWorkflow logs every state change at INFO; keep that off the hot path.
for _name in ("spiff", "spiff.task", "spiff.workflow", "spiff.metrics"):
    logging.getLogger(_name).setLevel(logging.WARNING)

_LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR | TaskState.FUTURE
_TAKEN = _LIVE | TaskState.COMPLETED


@dataclass
class Step:
    """One journal-worthy step of a command: the command itself, or an element the engine ran."""

    element_id: str | None
    element_name: str | None
    element_type: str | None
    flows: list[str] = field(default_factory=list)
    result: dict[str, Any] = field(default_factory=dict)
    command: str = "engine_step"
    state_hash: str = ""


StepObserver = Callable[[Step, BpmnWorkflow], None]
_OBSERVER: ContextVar[StepObserver | None] = ContextVar("step_observer", default=None)


@contextmanager
def observe_steps(observer: StepObserver) -> Iterator[None]:
    """Call ``observer(step, workflow)`` with every step as soon as it is recorded (replay checks and stops there).

    An exception raised by the observer propagates out of the command, leaving the
    workflow exactly as it was after that step.
    """
    token = _OBSERVER.set(observer)
    try:
        yield
    finally:
        _OBSERVER.reset(token)


# Which data a loop reset carries when the two readings differ (see _compact_loops): the round's
# (``carried``), or, for journals written before the engine carried it, what the reset used to leave
# (``legacy``). Replay installs a chooser that keeps the one the journal recorded.
LoopDataChooser = Callable[[BpmnWorkflow, Task, dict[str, Any], dict[str, Any]], dict[str, Any]]
_LOOP_DATA: ContextVar[LoopDataChooser | None] = ContextVar("loop_data_chooser", default=None)


@contextmanager
def choose_loop_data(chooser: LoopDataChooser) -> Iterator[None]:
    """Let ``chooser(workflow, task, carried, legacy)`` pick the data a reset task carries on with."""
    token = _LOOP_DATA.set(chooser)
    try:
        yield
    finally:
        _LOOP_DATA.reset(token)


def bpmn_id(task: Task) -> str | None:
    return getattr(task.task_spec, "bpmn_id", None)


def ready_user_tasks(workflow: BpmnWorkflow) -> list[Task]:
    return [t for t in tasks_in_state(workflow, TaskState.READY) if t.task_spec.manual and bpmn_id(t)]


def ready_user_task(workflow: BpmnWorkflow, spiff_task_id: str) -> Task | None:
    """The ready user task with this id, or None (a lookup by id, no walk of the tree)."""
    try:
        task = workflow.get_task_from_id(UUID(spiff_task_id))
    except (TaskNotFoundException, ValueError):
        return None
    return task if task.has_state(TaskState.READY) and task.task_spec.manual and bpmn_id(task) else None


def _flows_taken(definition: CompiledDefinition, task: Task) -> list[str]:
    """Sequence flows from ``task`` to the BPMN elements it activated (through internal specs)."""
    source = bpmn_id(task)
    flows: list[str] = []
    pending = list(task.children)
    while pending:
        child = pending.pop(0)
        if not child.has_state(_TAKEN):
            continue
        target = bpmn_id(child)
        if target is None or target not in definition.elements:
            pending.extend(child.children)
            continue
        flow = definition.flow_by_pair.get((source or "", target))
        if flow:
            flows.append(flow)
    return flows


def case_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    if is_completed(workflow):
        last = workflow.last_task
        return dict(last.data) if last is not None else {}
    merged: dict[str, Any] = {}
    for task in tasks_in_state(workflow, _DATA_STATES):
        merged.update(task.data)
    return merged


def _end_event(definition: CompiledDefinition, workflow: BpmnWorkflow) -> str | None:
    # the process's own end events: one inside a subprocess ends only the subprocess
    ends = [t for t in tasks_in_state(workflow, TaskState.COMPLETED)
            if (eid := bpmn_id(t)) and definition.elements.get(eid, None) is not None
            and definition.elements[eid].type == "endEvent" and t.workflow is workflow]
    if not ends:
        return None
    # The end event that finished the process is the one whose join into the process end completed
    # (SpiffWorkflow cancels the others' joins): read from the tree, never from the wall clock.
    finishing = [t for t in ends if any(c.has_state(TaskState.COMPLETED) for c in t.children)]
    last = (finishing or ends)[-1]
    return definition.elements[bpmn_id(last) or ""].name


def case_state(definition: CompiledDefinition, workflow: BpmnWorkflow) -> CaseState:
    return observe(definition, workflow)[0]


def observe(definition: CompiledDefinition, workflow: BpmnWorkflow) -> tuple[CaseState, list[Task]]:
    """The case's state and its ready user tasks (as :func:`ready_user_tasks`), in one walk of the tree."""
    completed: list[str] = []
    active: list[dict[str, Any]] = []
    ready: list[Task] = []
    # One walk serves the element lists, the data and the ready tasks: case_data's tasks (ready, waiting,
    # error) and ready_user_tasks' are subsets of these, visited in the same order (the walk's mask
    # descends under the same rule as theirs), so collecting them here gives the same lists.
    finished = is_completed(workflow)
    merged: dict[str, Any] = {}
    elements = definition.elements
    foreign = callees.foreign_workflows(workflow)  # a called procedure's elements are not on this diagram
    for task in tasks_in_state(workflow, _OBSERVED_STATES):
        state = state_of(task)
        if state & _DATA_STATES:
            if not finished:
                merged.update(task.data)
            if state == TaskState.READY and task.task_spec.manual and bpmn_id(task):
                ready.append(task)
        element = getattr(task.task_spec, "bpmn_id", None)
        if element is None or element not in elements or (foreign and task.workflow in foreign):
            continue
        if state & TaskState.COMPLETED:
            completed.append(element)
        else:
            active.append({"element_id": element, "state": _STATE_NAMES.get(state) or TaskState.get_name(state)})
    return CaseState(
        completed=completed,
        active=active,
        data=case_data(workflow) if finished else merged,
        finished=finished,
        end_event=_end_event(definition, workflow) if finished else None,
    ), ready


_DATA_STATES = TaskState.READY | TaskState.WAITING | TaskState.ERROR
_OBSERVED_STATES = TaskState.COMPLETED | TaskState.READY | TaskState.WAITING | TaskState.ERROR | TaskState.STARTED
_STATE_NAMES = {value: TaskState.get_name(value) for value in (TaskState.READY, TaskState.WAITING,
                                                                TaskState.ERROR, TaskState.STARTED)}


@dataclass
class Outcome:
    """What a command did and where it left the case, seen once when its last step settled."""

    steps: list[Step]
    state: CaseState
    ready: list[Task]  # ready user tasks, as ready_user_tasks() gives them
    events: list[Any] = field(default_factory=list)  # messages and signals thrown for other cases (BpmnEvent)


class StepRecorder:
    """Collects the steps of one command; hashes the state after each.

    A step is settled (hashed, and shown to an observer) only when the next BPMN
    element is about to run or the command ends, so its state includes the engine's
    own bookkeeping after it: the end event's entry sees the case finished.
    """

    def __init__(self, definition: CompiledDefinition, workflow: BpmnWorkflow) -> None:
        self.definition = definition
        self.workflow = workflow
        self.steps: list[Step] = []
        self._before: dict[str, Any] | None = None
        self._pending: Step | None = None
        self._seen: tuple[CaseState, list[Task]] | None = None  # the case as the last settled step left it
        self.events: list[Any] = []  # thrown events no task of this case caught (engine/messages/)

    def step_for(self, task: Task, command: str = "engine_step") -> Step | None:
        element = bpmn_id(task)
        elements = callees.owner(self.definition, task).elements  # a called procedure's element is its own
        if element is None or element not in elements:
            return None
        info = elements[element]
        return Step(element, info.name, info.type, command=command)

    def will_run(self, task: Task) -> None:
        if bpmn_id(task) in callees.owner(self.definition, task).elements:
            self.settle()
        self._before = dict(task.data) if self._is_script(task) else None

    def on_bind(self, element: str | None, binding: callees.Binding) -> None:
        """A call activity bound its callee's version: journalled, so replay binds the same."""
        info = self.definition.elements.get(element or "")
        self.add(Step(element, info.name if info else None, "callActivity", result=binding.as_dict(),
                      command="call"))

    def did_run(self, task: Task) -> None:
        step = self.step_for(task)
        if step is None:
            return
        if self._before is not None:
            step.result = {k: v for k, v in task.data.items() if self._before.get(k, _MISSING) != v}
        thrown = _thrown(task)
        if thrown is not None:
            step.result = thrown
        step.flows = _flows_taken(callees.owner(self.definition, task), task)
        self.add(step)

    def add(self, step: Step) -> None:
        self.settle()
        self._pending = step

    def settle(self) -> None:
        """Hash the state after the pending step and hand the step on."""
        step, self._pending = self._pending, None
        if step is None:
            return
        self._seen = observe(self.definition, self.workflow)
        step.state_hash = self._seen[0].digest()
        self.steps.append(step)
        observer = _OBSERVER.get()
        if observer is not None:
            observer(step, self.workflow)

    def finish(self) -> list[Step]:
        self._seen = None
        self.settle()
        return self.steps

    def outcome(self) -> Outcome:
        """After :meth:`finish`: the steps and the case as the last one left it (nothing ran since)."""
        state, ready = self._seen or observe(self.definition, self.workflow)
        return Outcome(self.steps, state, ready, self.events)

    def _is_script(self, task: Task) -> bool:
        element = bpmn_id(task)
        elements = callees.owner(self.definition, task).elements
        return element is not None and elements.get(element) is not None and elements[element].type in _RESULT_TYPES


_MISSING = object()
_THROWN_KINDS = {"MessageEventDefinition": "message", "SignalEventDefinition": "signal"}
# elements whose journal entry records what they wrote to the case data
_RESULT_TYPES = frozenset({"scriptTask", "businessRuleTask"})


def _thrown(task: Task) -> dict[str, Any] | None:
    """A message or signal throw's journal result: what it threw (who receives it is the receivers' record)."""
    definition = getattr(task.task_spec, "event_definition", None)
    kind = _THROWN_KINDS.get(type(definition).__name__) if isinstance(task.task_spec, ThrowingEvent) else None
    return {kind: definition.name} if kind else None


def _run_engine(recorder: StepRecorder) -> None:
    with callees.observing_binds(recorder.on_bind):
        recorder.workflow.do_engine_steps(will_complete_task=recorder.will_run, did_complete_task=recorder.did_run)
    _compact_loops(recorder)
    # Events no task of the case caught leave with the outcome, so the snapshot never carries them.
    recorder.events.extend(recorder.workflow.get_events())


run_engine = _run_engine  # for commands outside this module that drive the engine (engine/messages/)


def _compact_loops(recorder: StepRecorder) -> None:
    """Reset loops: a ready task that already ran earlier in its lineage restarts from there."""
    workflow = recorder.workflow
    changed = True
    while changed:
        changed = False
        for task in ready_user_tasks(workflow):
            first = _first_occurrence(task)
            if first is None or not _only_live_branch(workflow, first, task):
                continue
            data = deepcopy(task.data)
            workflow.reset_from_task_id(first.id, data=deepcopy(data))
            # The reset merges the data of the first round's parent back over the task's
            # (SpiffWorkflow's _update inherits from the parent), which would undo what the round
            # wrote to values that existed before it (a script's counter, a corrected start field).
            # The task carries on with exactly what its later occurrence had.
            if first.data != data:
                chooser = _LOOP_DATA.get()
                first.data = data if chooser is None else chooser(workflow, first, data, first.data)
            step = recorder.step_for(first, command="loop_reset")
            if step is not None:
                step.result = {"reset_to": bpmn_id(first)}
                recorder.add(step)
            changed = True
            break


def _first_occurrence(task: Task) -> Task | None:
    first = None
    node = task.parent
    while node is not None:
        if node.task_spec is task.task_spec:
            first = node
        node = node.parent
    return first


def _only_live_branch(workflow: BpmnWorkflow, first: Task, task: Task) -> bool:
    """Resetting ``first`` is safe only if the looping task is the sole live token below it."""
    for other in first:
        if other is task or not other.has_state(_LIVE):
            continue
        if not other.is_descendant_of(task):
            return False
    return True


def start_case(definition: CompiledDefinition, data: dict[str, Any]) -> tuple[BpmnWorkflow, Outcome]:
    """A new workflow of ``definition`` started with ``data``, run until it waits for people."""
    workflow = definition.codec.new_workflow()
    workflow.task_tree.data.update(deepcopy(data))
    for task in tasks_in_state(workflow, TaskState.READY):
        task.data.update(deepcopy(data))
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
    task.data.update(deepcopy(data))
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
    before = set(task._children)
    mark(task)
    task.task_spec._update(task)
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
