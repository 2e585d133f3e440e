"""Moving a case's tokens on a clerk's or an admin's word: 退回, 撤回, 跳转.

Like the loop resets of :mod:`engine.runtime.runner`, a move back resets the live
tree to the chosen step with SpiffWorkflow's own ``reset_from_task_id`` (the
steps below it leave the tree; the journal keeps them). The step starts again
with *all* of the case's current data: SpiffWorkflow's reset merges the data its
parent had back then over what it is given, which would bring back older values
of fields later steps changed, so the data is set again after the reset.

A move back is always to a completed ancestor of a live task, which is what keeps
parallel joins sound: the reset drops every branch below that ancestor (sibling
branches' open tasks are cancelled, to be created again when the split runs
again), and branches that split off above it are untouched. A move forward
(跳转 by an admin) replaces one live user task by a later one that is reachable
without passing a parallel or inclusive gateway, so no join waits for a token
that was skipped.

A multi-instance step keeps its round in the data: the input item of each instance
(``seal_village``), its output item and the output collection (``seal_handovers``).
SpiffWorkflow refuses to start a round while any of them is in the data it starts
with ("Multiinstance input item ... already exists", "the output must be empty"), so
a move that makes a multi-instance step run again (it was below the reset point, or
is the target itself) starts without them: the step runs again for every item of its
input collection as the case data has it, and its collection fills again.
"""

from __future__ import annotations

from collections import deque
from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.definitions.compile import CompiledDefinition
from engine.runtime import spiff_compat
from engine.runtime.runner import Outcome, StepRecorder, _run_engine, bpmn_id, case_data
from engine.runtime.task_walk import tasks_in_state

# gateways a forward jump may not pass: skipping one leaves its join waiting for a token that never comes
_SYNCHRONISING = frozenset({"parallelGateway", "inclusiveGateway", "eventBasedGateway"})


def is_user_task(task: Task) -> bool:
    return bool(task.task_spec.manual and bpmn_id(task))


def is_user_step(task: Task) -> bool:
    """A user task, or the multi-instance step of a user task (its instances are children of it,
    the steps after it descend from it: the step, not an instance, is on the path below)."""
    if is_user_task(task):
        return True
    spec = task.task_spec
    return isinstance(spec, MultiInstanceTask) and bool(
        getattr(task.workflow.spec.task_specs.get(spec.task_spec), "manual", False))


def completed_user_ancestors(task: Task) -> list[Task]:
    """The completed user steps above ``task`` in its lineage, nearest first, one per element."""
    found: list[Task] = []
    seen: set[str] = set()
    node = task.parent
    while node is not None:
        element = bpmn_id(node)
        if element and is_user_step(node) and node.has_state(TaskState.COMPLETED) and element not in seen:
            seen.add(element)
            found.append(node)
        node = node.parent
    return found


def nearest_ancestor(task: Task, element_id: str) -> Task | None:
    return next((t for t in completed_user_ancestors(task) if bpmn_id(t) == element_id), None)


def completed_occurrences(workflow: BpmnWorkflow, element_id: str) -> list[Task]:
    """The completed tasks of one element still in the tree, in the tree's walk order (replay finds the same)."""
    return [t for t in tasks_in_state(workflow, TaskState.COMPLETED) if bpmn_id(t) == element_id]


def multi_instance_spec(task: Task) -> MultiInstanceTask | None:
    """The multi-instance spec ``task`` is the step of or one instance of, else None."""
    if isinstance(task.task_spec, MultiInstanceTask):
        return task.task_spec
    parent = task.parent
    if parent is not None and isinstance(parent.task_spec, MultiInstanceTask) \
            and parent.task_spec.task_spec == task.task_spec.name:
        return parent.task_spec
    return None


def round_names(spec: MultiInstanceTask) -> set[str]:
    """The data names one round of ``spec`` owns: its items, and its output collection unless
    the round updates its input collection in place (then the input is the case's own data)."""
    names = {ref.bpmn_id for ref in (spec.input_item, spec.output_item) if ref is not None}
    in_place = spec.data_input is not None and spec.data_output is not None \
        and spec.data_output.bpmn_id == spec.data_input.bpmn_id
    if spec.data_output is not None and not in_place:
        names.add(spec.data_output.bpmn_id)
    return names


def step_spec(workflow: BpmnWorkflow, element_id: str) -> Any:
    """The spec a move makes a task of for ``element_id``: for a multi-instance step the step, not its instance."""
    specs = [s for s in workflow.spec.task_specs.values() if getattr(s, "bpmn_id", None) == element_id]
    return next((s for s in specs if isinstance(s, MultiInstanceTask)), specs[0])


def entry_refusal(workflow: BpmnWorkflow, element_id: str) -> str | None:
    """Why a move forward cannot start ``element_id`` with the case's data, or None.

    A multi-instance step runs once per item of its input collection: without that collection
    (a step before it makes it) there is nothing to run it for.
    """
    spec = step_spec(workflow, element_id)
    if not isinstance(spec, MultiInstanceTask):
        return None
    if spec.data_input is None:
        return "该环节按次数逐项办理（多实例），只能由前面的环节进入"
    collection = case_data(workflow).get(spec.data_input.bpmn_id)
    if not isinstance(collection, (list, dict)) or not collection:
        return (f"该环节按清单「{spec.data_input.bpmn_id}」逐项办理（多实例），办件数据中还没有这份清单"
                "（由前面的环节生成），请跳转到生成清单的环节之前")
    return None


def without_rounds(data: dict[str, object], tasks: list[Task]) -> dict[str, object]:
    """``data`` without the round data of every multi-instance step among ``tasks`` (they run again)."""
    names: set[str] = set()
    for task in tasks:
        spec = multi_instance_spec(task)
        if spec is not None:
            names |= round_names(spec)
    return {k: v for k, v in data.items() if k not in names}


def reset_to(definition: CompiledDefinition, workflow: BpmnWorkflow, target: Task, command: str,
             named: Task | None = None, result: dict[str, object] | None = None) -> Outcome:
    """Reset the live tree to the completed task ``target`` with all of the case's current data.

    The journal entry names ``named`` (the task the command was given on; ``target`` by default)
    and records ``{"reset_to": <element>}`` plus ``result``.
    """
    recorder = StepRecorder(definition, workflow)
    data = without_rounds(case_data(workflow), list(target))  # ``target`` and every task below it
    workflow.reset_from_task_id(target.id, data=deepcopy(data))
    started = target.data
    target.data = deepcopy(data)  # the reset merged the parent's older data over it
    if isinstance(target.task_spec, MultiInstanceTask):
        _restart_round(target, started, data)
    step = recorder.step_for(named or target, command=command)
    if step is not None:
        step.result = {"reset_to": bpmn_id(target), **(result or {})}
        recorder.add(step)
    _run_engine(recorder)
    recorder.finish()
    return recorder.outcome()


def _restart_round(step: Task, started: dict[str, object], data: dict[str, object]) -> None:
    """A multi-instance step just reset: it keeps the round it started (its output collection) and
    its instances start, like the step, with the case's current data plus each one's item."""
    spec = step.task_spec
    assert isinstance(spec, MultiInstanceTask)
    for name in round_names(spec):
        if name in started:
            step.data[name] = started[name]
    item = spec.input_item.bpmn_id if spec.input_item is not None else None
    for child in step.children:
        if child.task_spec.name == spec.task_spec:
            own = {item: child.data[item]} if item is not None and item in child.data else {}
            child.data = deepcopy(data) | own


def forward_path_exists(definition: CompiledDefinition, source: str, target: str) -> bool:
    """Whether ``target`` follows ``source`` in the diagram without passing a synchronising gateway."""
    outgoing: dict[str, list[str]] = {}
    for flow in definition.flows:
        outgoing.setdefault(flow.source, []).append(flow.target)
    pending, seen = deque([source]), {source}
    while pending:
        for nxt in outgoing.get(pending.popleft(), []):
            if nxt == target:
                return True
            element = definition.elements.get(nxt)
            if nxt in seen or element is None or element.type in _SYNCHRONISING or element.type == "endEvent":
                continue
            seen.add(nxt)
            pending.append(nxt)
    return False


def move_forward(definition: CompiledDefinition, workflow: BpmnWorkflow, task: Task, element_id: str,
                 command: str, result: dict[str, object] | None = None) -> Outcome:
    """Cancel the live user task ``task`` and make the user task ``element_id`` ready in its place.

    The caller has checked :func:`forward_path_exists` and :func:`entry_refusal`. The new task
    starts with all of the case's current data; nothing between the two ran.
    """
    spec = step_spec(workflow, element_id)
    recorder = StepRecorder(definition, workflow)
    data = case_data(workflow)
    parent = task.parent
    task.cancel()
    moved = spiff_compat.add_future_child(parent, spec, TaskState.FUTURE)
    data = without_rounds(data, [moved, task])  # a multi-instance step starts a round of its own
    moved.data = deepcopy(data)
    spiff_compat.predict_and_update(spec, moved, TaskState.PREDICTED_MASK | TaskState.FUTURE)  # as reset_branch does
    started = moved.data
    moved.data = deepcopy(data)  # the update merged the parent's data over it
    if isinstance(spec, MultiInstanceTask):
        _restart_round(moved, started, data)
    step = recorder.step_for(moved, command=command)
    if step is not None:
        step.result = {"moved_from": bpmn_id(task), **(result or {})}
        recorder.add(step)
    _run_engine(recorder)
    recorder.finish()
    return recorder.outcome()
