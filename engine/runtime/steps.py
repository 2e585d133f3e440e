"""The steps of one command as the journal records them, and who watches them as they settle.

A :class:`StepRecorder` collects the steps of one command (the command itself, every BPMN element the
engine ran with the flows it took, loop resets, call bindings) and hashes the case's state after each.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import ThrowingEvent
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.audit.journal import CaseState
from engine.definitions.compile import CompiledDefinition
from engine.runtime import callees
from engine.runtime.observation import bpmn_id, observe

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


# A workflow nothing changes for a while, with the state hash its command's run left it in: the entries the
# command's own writes journal after the run (the clock's, the 抄送's, the access list's) take that hash
# instead of walking and hashing the same state again (engine/cases/commands.py holds it around them).
_SETTLED: ContextVar[tuple[BpmnWorkflow, str] | None] = ContextVar("settled_state", default=None)
# set (by the tests, before the engine is imported) to hash every such state again and compare; read once,
# as an environment lookup on every recorded step costs more than the check it guards when off
CHECK_SETTLED = "ENGINE_CHECK_SETTLED_STATE"
CHECK_SETTLED_STATE = bool(os.environ.get(CHECK_SETTLED))


@contextmanager
def settled(workflow: BpmnWorkflow, steps: list[Step]) -> Iterator[None]:
    """While inside, ``workflow`` stays as the last of ``steps`` left it: a step recorded on it is hashed
    with that step's hash. Only around work that never runs or changes the workflow."""
    state_hash = steps[-1].state_hash if steps else None
    if state_hash is None:
        yield
        return
    token = _SETTLED.set((workflow, state_hash))
    try:
        yield
    finally:
        _SETTLED.reset(token)


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
        known = _SETTLED.get()
        if known is not None and known[0] is self.workflow:
            self._seen = None  # (outcome() observes it, if asked)
            step.state_hash = known[1]
            if CHECK_SETTLED_STATE:
                fresh = observe(self.definition, self.workflow)[0].digest()
                assert fresh == known[1], f"the workflow changed inside settled(): {step.command} {step.element_id}"
        else:
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
