"""SpiffWorkflow's timer event definitions, made to fire only when the journal says so.

SpiffWorkflow's own timers compare their due time with ``datetime.now`` whenever any
command refreshes the workflow: a replay a month later would fire every timer at once.
Here a compiled spec's timers are replaced by subclasses that never read a clock: a
timer has fired when the ``timer_fired`` command marked it on its task, and a cycle
ticks once per such mark. When a timer is due is the business of the ``timers`` table.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.util.task import TaskState

# internal data of the waiting task: the timer elements the fire command marked
FIRED = "journalled_timers_fired"
TICKS = "journalled_timer_ticks"
DONE = "journalled_timer_cycles_done"


class _Journalled:
    element_id: str

    def has_fired(self, my_task: Any) -> bool:
        return self.element_id in my_task.internal_data.get(FIRED, ())

    def reset(self, my_task: Any) -> None:
        fired = [e for e in my_task.internal_data.get(FIRED, ()) if e != self.element_id]
        if fired:
            my_task.internal_data[FIRED] = fired
        else:
            my_task.internal_data.pop(FIRED, None)
        my_task._set_internal_data(event_fired=False)

    def __eq__(self, other: object) -> bool:
        # two timer branches of one event-based gateway may share a class and a name
        return super().__eq__(other) and getattr(other, "element_id", None) == self.element_id


class JournalledDuration(_Journalled, DurationTimerEventDefinition):
    kind = "duration"


class JournalledDate(_Journalled, TimeDateEventDefinition):
    kind = "date"


class JournalledCycle(_Journalled, CycleTimerEventDefinition):
    """Each mark is one occurrence (a child on the outgoing flow); the last also ends the timer."""

    kind = "cycle"

    def has_fired(self, my_task: Any) -> bool:
        return bool(my_task.internal_data.get("event_fired", False))

    def cycle_complete(self, my_task: Any) -> bool:
        ticks = dict(my_task.internal_data.get(TICKS, {}))
        if ticks.get(self.element_id, 0) > 0:
            ticks[self.element_id] -= 1
            my_task.internal_data[TICKS] = {k: v for k, v in ticks.items() if v}
            if not my_task.internal_data[TICKS]:
                my_task.internal_data.pop(TICKS)
            return True
        if self.element_id in my_task.internal_data.get(DONE, ()):
            my_task.internal_data["event_fired"] = True
        return False

    def details(self, my_task: Any) -> Any:
        return super(CycleTimerEventDefinition, self).details(my_task)


_REPLACEMENTS: dict[type, type] = {
    DurationTimerEventDefinition: JournalledDuration,
    TimeDateEventDefinition: JournalledDate,
    CycleTimerEventDefinition: JournalledCycle,
}


def _journalled(definition: TimerEventDefinition, element_id: str) -> TimerEventDefinition:
    cls = _REPLACEMENTS[type(definition)]
    replaced = cls(definition.name, definition.expression, description=definition.description)
    replaced.element_id = element_id  # type: ignore[attr-defined]
    return replaced


def journal_timers(specs: list[Any]) -> None:
    """Swap every timer definition of these process specs for its journalled variant, in place.

    An event-based gateway holds its branches' definitions (SpiffWorkflow moves them there);
    each is named by the branch's catch event, in the order of the gateway's outputs.
    """
    for spec in specs:
        for task_spec in spec.task_specs.values():
            if not isinstance(task_spec, CatchingEvent):
                continue
            definition = task_spec.event_definition
            if isinstance(task_spec, StartEvent) and type(definition) in _REPLACEMENTS:
                # a timer start event is the engine's business before the case exists
                # (engine/timers/start_timers.py): inside its case it has fired already
                task_spec.event_definition = NoneEventDefinition()
            elif type(definition) in _REPLACEMENTS:
                task_spec.event_definition = _journalled(definition, task_spec.bpmn_id)
            elif isinstance(definition, MultipleEventDefinition):
                outputs = list(task_spec.outputs)
                definition.event_definitions = [
                    _journalled(d, outputs[i].bpmn_id) if type(d) in _REPLACEMENTS else d
                    for i, d in enumerate(definition.event_definitions)]


def timer_elements(task: Any) -> list[tuple[str, Any]]:
    """The (element id, definition) of every journalled timer a waiting task waits for."""
    definition = getattr(task.task_spec, "event_definition", None)
    if isinstance(definition, _Journalled):
        return [(definition.element_id, definition)]
    if isinstance(definition, MultipleEventDefinition):
        return [(d.element_id, d) for d in definition.event_definitions if isinstance(d, _Journalled)]
    return []


def mark_fired(task: Any, element_id: str, last_occurrence: bool) -> None:
    """What the ``timer_fired`` command does to the waiting task before the engine runs."""
    definition = dict(timer_elements(task)).get(element_id)
    if isinstance(definition, JournalledCycle):
        ticks = dict(task.internal_data.get(TICKS, {}))
        ticks[element_id] = ticks.get(element_id, 0) + 1
        task.internal_data[TICKS] = ticks
        if last_occurrence:
            task.internal_data[DONE] = [*task.internal_data.get(DONE, []), element_id]
    else:
        task.internal_data[FIRED] = [*task.internal_data.get(FIRED, []), element_id]


def clear_marks(task: Any) -> None:
    """After the engine ran: a fired timer's mark is spent (a loop back must wait anew)."""
    task.internal_data.pop(FIRED, None)
    if not task.has_state(TaskState.WAITING):
        # an event-based gateway keeps the event it took (SpiffWorkflow's BpmnEvent, holding our
        # definition, which its serializer does not know); the gateway has run, the event is spent
        task.internal_data.pop("seen_events", None)
