"""Messages and signals on one workflow: what it waits for, what it threw, delivering one (no database here).

Delivery goes through SpiffWorkflow's event manager to the waiting task of the
journalled element, then the engine runs on as after any command
(:func:`engine.runtime.runner.run_engine`), so replay re-produces every step.
A payload that is an object lands in the case data unless the model names a
variable for it (``spiffworkflow:messageVariable``, a signal's ``variableName``),
as it does in Camunda and spiff-arena.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn import BpmnEvent, BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.definitions.compile import CompiledDefinition
from engine.runtime import callees, runner
from engine.runtime.runner import Outcome, Step, StepRecorder
from engine.runtime.task_walk import tasks_in_state

KINDS = {"MessageEventDefinition": "message", "SignalEventDefinition": "signal"}
BUSINESS_KEY = "business_key"  # a correlation property that names the case itself


@dataclass(frozen=True)
class Wait:
    """A task of a case waiting for a message or signal."""

    kind: str
    name: str
    element_id: str
    spiff_task_id: str
    correlation: dict[str, Any]  # property -> value the case expects (from its own data or earlier messages)


@dataclass(frozen=True)
class Thrown:
    """An event a case threw that none of its own tasks caught."""

    kind: str
    name: str
    payload: Any
    correlation: dict[str, Any]


def kind_of(event_definition: Any) -> str | None:
    return KINDS.get(type(event_definition).__name__)


def flatten(correlations: dict[str, Any]) -> dict[str, Any]:
    """SpiffWorkflow's ``{correlation key: {property: value}}`` as ``{property: value}``."""
    flat: dict[str, Any] = {}
    for properties in (correlations or {}).values():
        if isinstance(properties, dict):
            flat.update(properties)
    return flat


def _definitions(definition: Any) -> list[Any]:
    """A catch's message and signal definitions (an event-based gateway waits for several at once)."""
    inner = getattr(definition, "event_definitions", None)
    return [d for d in (inner if inner is not None else [definition]) if kind_of(d) is not None]


def _triggers(workflow: BpmnWorkflow) -> list[tuple[Any, Any]]:
    """(start event spec, its definition) of the event subprocesses the case may still start."""
    if workflow.is_completed():
        return []
    found = []
    for name in getattr(workflow.spec.start, "trigger_specs", []):
        spec = workflow.subprocess_specs.get(name)
        for start in getattr(spec, "bpmn_start_events", []) if spec is not None else []:
            found.extend((start, d) for d in _definitions(start.event_definition))
    return found


def waiting(workflow: BpmnWorkflow) -> list[Wait]:
    waits = []
    for task in list(workflow.event_manager.tasks.values()):
        element = runner.bpmn_id(task)
        if not task.has_state(TaskState.WAITING) or element is None:
            continue
        for definition in _definitions(task.task_spec.event_definition):
            waits.append(Wait(kind_of(definition) or "", definition.name, element, str(task.id),
                              flatten(task.workflow.correlations)))
    for start, definition in _triggers(workflow):
        waits.append(Wait(kind_of(definition) or "", definition.name, start.bpmn_id, "",
                          flatten(workflow.correlations)))
    return waits


def thrown(outcome: Outcome) -> list[Thrown]:
    found = []
    for event in outcome.events:
        kind = kind_of(event.event_definition)
        if kind is not None:
            found.append(Thrown(kind, event.event_definition.name, deepcopy(event.payload),
                                flatten(event.correlations)))
    return found


class NotWaiting(WorkflowException):
    """The case does not wait for this event at this element (a stale subscription, or a bad journal)."""


def _waiting_definition(workflow: BpmnWorkflow, kind: str, name: str, element_id: str) -> Any:
    """The definition a case waits with at ``element_id`` for this event (a task, or an event subprocess)."""
    for task in list(workflow.event_manager.tasks.values()):
        if task.has_state(TaskState.WAITING) and runner.bpmn_id(task) == element_id:
            for definition in _definitions(task.task_spec.event_definition):
                if kind_of(definition) == kind and definition.name == name:
                    return definition
    for start, definition in _triggers(workflow):
        if start.bpmn_id == element_id and kind_of(definition) == kind and definition.name == name:
            return definition
    return None


def _catch(workflow: BpmnWorkflow, definition: Any, element_id: str, payload: Any) -> None:
    # the case's own correlations, so SpiffWorkflow's check agrees with the match the store made
    event = BpmnEvent(definition, payload=deepcopy(payload), correlations=dict(workflow.correlations))
    before = {t.id for t in tasks_in_state(workflow, TaskState.READY)}
    if workflow.event_manager.catch(event, internal=False) == 0:
        raise NotWaiting(f"办件没有在等待{definition.name}")
    keeps_variable = getattr(definition, "message_var", None) or getattr(definition, "variable", None)
    if isinstance(payload, dict) and not keeps_variable:
        for task in tasks_in_state(workflow, TaskState.READY):  # the catch that just fired
            if task.id not in before and runner.bpmn_id(task) == element_id:
                task.data.update(deepcopy(payload))


def deliver(definition: CompiledDefinition, workflow: BpmnWorkflow, kind: str, name: str, element_id: str,
            payload: Any) -> Outcome:
    """Deliver to the case's task waiting at ``element_id``; the command's first step names that element."""
    waited = _waiting_definition(workflow, kind, name, element_id)
    if waited is None:
        raise NotWaiting(f"办件没有在 {element_id} 等待{'消息' if kind == 'message' else '信号'}「{name}」")
    recorder = StepRecorder(definition, workflow)
    info = definition.elements.get(element_id)
    recorder.add(Step(element_id, info.name if info else None, info.type if info else None, command=kind))
    with callees.observing_binds(recorder.on_bind):
        _catch(workflow, waited, element_id, payload)
    runner.run_engine(recorder)
    recorder.finish()
    return recorder.outcome()


def start_with(definition: CompiledDefinition, kind: str, name: str, element_id: str,
               payload: Any) -> tuple[BpmnWorkflow, Outcome]:
    """A new case whose start event ``element_id`` caught the event."""
    workflow = definition.codec.new_workflow()
    recorder = StepRecorder(definition, workflow)
    info = definition.elements.get(element_id)
    recorder.add(Step(element_id, info.name if info else None, "startEvent", command=f"{kind}_start"))
    runner.run_engine(recorder)  # up to the start event, which waits
    waited = _waiting_definition(workflow, kind, name, element_id)
    if waited is None:
        raise NotWaiting(f"流程的开始事件 {element_id} 不等待「{name}」")
    with callees.observing_binds(recorder.on_bind):
        _catch(workflow, waited, element_id, payload)
    runner.run_engine(recorder)
    recorder.finish()
    return workflow, recorder.outcome()
