"""Every use of SpiffWorkflow's private API, in one place, checked against one release.

The fast paths (:mod:`engine.runtime.task_walk`, :mod:`engine.runtime.snapshot_tasks`,
:func:`engine.runtime.runner.observe`) read a task's raw state and the raw ids of its
parent and children instead of SpiffWorkflow's properties, which resolve ids to
tasks and log state changes. Those attributes are not public: a SpiffWorkflow
release may rename or change them without notice. So they are read and written only
through this module, which names the release it was checked against
(``tests/test_spiff_compat.py`` fails on any other): upgrading SpiffWorkflow means
re-checking what is here, running the snapshot-codec and tree-walk tests (they compare
every answer with SpiffWorkflow's own), then changing ``CHECKED_AGAINST``.

One method of the release is replaced here, ``Task._set_state`` (by :func:`_set_state`: the same state
change, its log record built only when it is logged), and only on the checked release.
"""

from __future__ import annotations

import logging
import time
from importlib.metadata import version
from operator import attrgetter
from typing import Any
from uuid import UUID

from SpiffWorkflow import task as _spiff_task
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

CHECKED_AGAINST = "3.2.0"

# The serializer format a snapshot of each older version is in after SpiffWorkflow 3.2's migration
# function for it (``version_migration.MIGRATIONS``) ran: the functions for 1.0-1.2 chain up to 1.3,
# the later ones move one version each, so loading a 1.3 snapshot runs two of them.
MIGRATED_TO = {"1.0": "1.3", "1.1": "1.3", "1.2": "1.3", "1.3": "1.4", "1.4": "1.5"}

# Accessors as attrgetters: C calls, cheap enough for the walks that run after every engine step.
state_of: Any = attrgetter("_state")
"""``task.state`` without the property (an int of :class:`SpiffWorkflow.util.task.TaskState`)."""
parent_id_of: Any = attrgetter("_parent")
"""The parent's id (a UUID, or None for the root) without resolving it to a task."""
child_ids_of: Any = attrgetter("_children")
"""The children's ids, in order, without resolving them to tasks."""


def set_links(task: Task, parent: UUID | None, children: list[UUID]) -> None:
    """Restore a task's parent and children ids as the serializer's ``TaskConverter.from_dict`` does."""
    task._parent = parent
    task._children = children


def installed_version() -> str:
    return version("SpiffWorkflow")


def add_future_child(parent: Task, spec: Any, state: Any) -> Task:
    """A new child of ``parent`` for ``spec`` in ``state`` (``Task._add_child``), as a reset makes one."""
    return parent._add_child(spec, state)


def predict_and_update(spec: Any, task: Task, mask: Any) -> None:
    """What ``reset_branch`` does to a task it re-creates: predict its descendants, then update it
    (``TaskSpec._predict`` and ``TaskSpec._update``), so it becomes ready when its inputs are."""
    spec._predict(task, mask=mask)
    spec._update(task)


def update_task(task: Task) -> None:
    """``TaskSpec._update``: a waiting task checks whether its inputs now let it become ready."""
    task.task_spec._update(task)


def reset_plain(workflow: Any, task: Task, data: dict[str, Any]) -> bool:
    """``workflow.reset_from_task_id(task.id, data=data)`` for the plain case, without its two walks of the
    subtree: BpmnWorkflow's looks for subprocesses to delete (there are none) and ``Task.reset_branch``
    lists the descendants it returns (no caller here reads them). Returns False, doing nothing, when the
    case is not plain (the workflow has subprocesses, ``task`` is in one or follows a boundary event split):
    the caller then uses SpiffWorkflow's own reset. The steps are ``Workflow.reset_from_task_id`` and
    ``Task.reset_branch`` of the checked release, in their order (its INFO log line is off, see runner)."""
    from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
    from SpiffWorkflow.util.task import TaskState

    parent = task.parent
    if workflow.subprocesses or task.workflow is not workflow or parent is None \
            or isinstance(parent.task_spec, BoundaryEventSplit) or workflow.parent_task_id is not None:
        return False
    workflow.last_task = parent
    task.internal_data = {}
    task.data = data
    task._drop_children(force=True)
    task._set_state(TaskState.FUTURE)
    task.task_spec._predict(task, mask=TaskState.PREDICTED_MASK | TaskState.FUTURE)
    task.task_spec._update(task)
    return True


# -- state changes without building log records no one reads ----------------------------------------

_task_logger = _spiff_task.logger
SPIFF_SET_STATE = Task._set_state  # the release's own, kept for the test that compares the two


def _set_state(self: Task, value: int) -> None:
    """``Task._set_state`` of the checked release, building its log message and ``extra`` only when the
    ``spiff.task`` logger would emit them (the runner keeps it at WARNING). The release builds both on every
    call, before the logger drops them: about 5 µs of each of a command's state changes, a tenth of a
    replay. The same two clock reads, in the same order, set ``last_state_change`` (joins sort by it)."""
    if value != self._state:
        elapsed = time.time() - self.last_state_change
        self.last_state_change = time.time()
        self._state = value
        if _task_logger.isEnabledFor(logging.INFO):
            _task_logger.info(f"State changed to {TaskState.get_name(value)}",
                              extra=self.collect_log_extras({"elapsed": elapsed}))
    elif _task_logger.isEnabledFor(logging.DEBUG):
        _task_logger.debug(f"State set to {TaskState.get_name(value)}", extra=self.collect_log_extras())


if installed_version() == CHECKED_AGAINST:  # another release keeps its own (tests/test_spiff_compat.py fails first)
    Task._set_state = _set_state  # type: ignore[method-assign]
