"""The item a multi-instance task was made for (撤村建居's 改制条件审查: the village it reviews).

A task read gives the case's data, but one instance of a multi-instance step has its own input item,
which the case's data does not hold (or holds only the last instance's): the page shows and prefills
the form from the read, so a form field named like the item would show another instance's value.
For such tasks only, the read overlays the instance's own item, read from the case's snapshot.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from SpiffWorkflow.exceptions import TaskNotFoundException
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions.compile import CompiledDefinition
from engine.store.models import HumanTask, ProcessInstance


def input_item(definition: CompiledDefinition, element_id: str) -> str | None:
    """The input data item of the multi-instance step ``element_id``, or None (not multi-instance)."""
    for spec in definition.spec.task_specs.values():
        if getattr(spec, "bpmn_id", None) == element_id and getattr(spec, "input_item", None) is not None:
            return str(spec.input_item.bpmn_id)
    return None


def with_own_item(session: Session, definition: CompiledDefinition, row: HumanTask,
                  data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with the instance's own input item when ``row`` is one instance of a multi-instance step."""
    name = input_item(definition, row.element_id) if row.definition_id is None else None
    if name is None or row.state != "ready":
        return data
    snapshot = session.scalar(select(ProcessInstance.snapshot).where(ProcessInstance.id == row.instance_id))
    if snapshot is None:
        return data
    try:
        task = definition.codec.loads(snapshot).get_task_from_id(UUID(row.spiff_task_id))
    except (TaskNotFoundException, ValueError):  # no longer in the tree: the case data as it is
        return data
    if name not in task.data:
        return data
    return {**data, name: task.data[name]}
