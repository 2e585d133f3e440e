"""A snapshot's task mapping, written and read without SpiffWorkflow's converter registry.

SpiffWorkflow's ``TaskConverter`` goes through the registry for every task and
every value, and parses or formats each task id up to four times; these
functions produce and consume exactly the same dictionaries (the tests compare
them with SpiffWorkflow's own output) in a fraction of the time.

Reading takes this path only for a *plain* snapshot: no subprocesses, no
pending BPMN events, every task a ``Task``, and no typed value (datetime, …)
anywhere in the data — restoring plain JSON gives the JSON itself.
"""

from __future__ import annotations

from copy import copy
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.runtime.spiff_compat import child_ids_of, parent_id_of, set_links, state_of

_TYPENAME = '"typename"'
_SHALLOW_COPIED = (dict, list, set)


class IdCache:
    """Task ids of one snapshot: each distinct string parsed once."""

    def __init__(self) -> None:
        self.ids: dict[str, UUID] = {}

    def __call__(self, text: str) -> UUID:
        uid = self.ids.get(text)
        if uid is None:
            uid = self.ids[text] = UUID(text)
        return uid


def tasks_to_dict(registry: Any, workflow: BpmnWorkflow) -> dict[str, Any]:
    """``mapping_to_dict(workflow.tasks)`` in encoder mode, as ``TaskConverter.to_dict`` writes each task."""
    tasks = workflow.tasks
    names = {task_id: str(task_id) for task_id in tasks}
    typename = registry.typenames[Task]
    lookup = tasks.get
    out: dict[str, Any] = {}
    for task_id, task in tasks.items():
        if type(task) is not Task:
            out[names[task_id]] = registry.convert(task)
            continue
        parent_id = parent_id_of(task)
        parent = lookup(parent_id)
        if parent is None:
            data, delta = task.data, {}
        else:
            before, after = parent.data, task.data
            data = {}
            delta = {
                "updates": {key: after[key] for key in after if key not in before or after[key] != before[key]},
                "deletions": [key for key in before if key not in after],
            }
        out[names[task_id]] = {
            "id": names.get(task.id) or str(task.id),
            "parent": (names.get(parent_id) or str(parent_id)) if parent is not None else None,
            "children": [names.get(child) or str(child) for child in child_ids_of(task)],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": registry.convert(task.internal_data),
            "data": data,
            "delta": delta,
            "typename": typename,
        }
    return out


def plain(dct: dict[str, Any], text: str) -> bool:
    """Whether a snapshot (``text``, parsed as ``dct``) can be read by :func:`tasks_from_dict`.

    Every typed value is written as an object with a ``"typename"`` key: one for the
    workflow and one per task means there is none in the data.
    """
    tasks = dct.get("tasks")
    return (dct.get("typename") == "BpmnWorkflow" and isinstance(tasks, dict)
            and not dct.get("subprocesses") and not dct.get("bpmn_events")
            and text.count(_TYPENAME) == len(tasks) + 1
            and all(isinstance(t, dict) and t.get("typename") == "Task" for t in tasks.values()))


def tasks_from_dict(mapping: dict[str, Any], workflow: BpmnWorkflow, ids: IdCache) -> dict[UUID, Task]:
    """``mapping_from_dict(dct["tasks"], UUID, workflow=workflow)`` as ``TaskConverter.from_dict`` restores each."""
    specs = workflow.spec.task_specs
    known = workflow.tasks  # Task() registers itself here: a task's parent is found as it is restored
    restored: dict[UUID, Task] = {}
    cached = ids.ids
    for key in mapping:
        if key not in cached:
            cached[key] = UUID(key)
    for key, dct in mapping.items():
        spec = specs.get(dct["task_spec"])
        task = Task(workflow, spec, state=dct["state"], id=cached.get(dct["id"]) or ids(dct["id"]))
        parent_id = dct["parent"]
        parent_uid = (cached.get(parent_id) or ids(parent_id)) if parent_id is not None else None
        set_links(task, parent_uid, [cached.get(child) or ids(child) for child in dct["children"]])
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        task.internal_data = dct["internal_data"]
        if isinstance(spec, CatchingEvent) and state_of(task) & TaskState.WAITING:
            workflow.top_workflow.event_manager.add_task(task)
        delta = dct.get("delta")
        parent = known.get(parent_uid) if delta else None
        if parent is not None:
            # DeepMerge.merge({}, parent.data): into an empty dict, it copies each list, dict or set one level
            data = {name: copy(value) if isinstance(value, _SHALLOW_COPIED) else value
                    for name, value in parent.data.items()}
            data.update(delta.get("updates", {}))
            for name in delta.get("deletions", {}):
                data.pop(name, None)
        else:
            data = dct["data"]
        task.data = data
        restored[cached[key]] = task
    return restored
