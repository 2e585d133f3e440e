"""The SpiffWorkflow private API the engine uses (engine/runtime/spiff_compat.py) is the one of a known release.

Any other installed SpiffWorkflow fails here first: the private attributes may have
changed meaning without a rename, which the codec and walk tests would only catch
on the shapes of case they happen to step through.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import uuid4

import pytest
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.runtime import runner, spiff_compat
from engine.runtime.spiff_compat import child_ids_of, parent_id_of, set_links, state_of
from tests.hostile_support import LOOP_BPMN, LOOP_FORMS


def test_installed_spiffworkflow_is_the_release_the_private_api_was_checked_against() -> None:
    assert spiff_compat.CHECKED_AGAINST == "3.2.0"
    assert spiff_compat.installed_version() == spiff_compat.CHECKED_AGAINST, (
        f"SpiffWorkflow {spiff_compat.installed_version()} is installed but engine/runtime/spiff_compat.py was "
        f"checked against {spiff_compat.CHECKED_AGAINST}: re-check its accessors, then change CHECKED_AGAINST")


def test_the_accessors_mean_what_the_public_properties_mean() -> None:
    from engine.definitions.compile import compile_definition

    definition = compile_definition(LOOP_BPMN, LOOP_FORMS, {"street_office", "civil_affairs"})
    workflow = definition.codec.new_workflow()
    workflow.do_engine_steps()
    for task in workflow.get_tasks():
        assert state_of(task) == task.state
        assert parent_id_of(task) == (task.parent.id if task.parent is not None else None)
        assert child_ids_of(task) == [child.id for child in task.children]
    ready = workflow.get_tasks(state=TaskState.READY)[0]
    orphan = Task(workflow, ready.task_spec)
    children = [uuid4()]
    set_links(orphan, ready.id, children)
    assert orphan.parent is ready and parent_id_of(orphan) == ready.id and child_ids_of(orphan) == children


def _tree(workflow: Any, task: Task) -> Any:
    """A task's subtree without SpiffWorkflow's random ids and wall-clock times."""
    return (task.task_spec.name, state_of(task), task.data, task.internal_data,
            [_tree(workflow, child) for child in task.children])


@pytest.mark.parametrize("model", ["loop_counter", "loop_in_branch", "loop_multi", "loop_nested", "loop_parallel"])
def test_the_plain_reset_leaves_the_tree_spiffworkflow_s_reset_leaves(model: str) -> None:
    """Every completed task of real cases reset both ways, with the same data: the same tree, the same last task."""
    from tests.test_loop_data import definition, for_form

    compiled = definition(model)
    workflow, _ = runner.start_case(compiled, {"note": "起草"})
    for _ in range(3):
        ready = runner.ready_user_tasks(workflow)
        if not ready:
            break
        submission = for_form(compiled, runner.bpmn_id(ready[0]), {"again": True, "n": 2, "note": "补正"})
        runner.complete_task(compiled, workflow, ready[0], submission)
    saved = compiled.codec.dumps(workflow)
    resettable = [t.id for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.parent is not None]
    assert resettable
    for task_id in resettable:
        ours, theirs = compiled.codec.loads(saved), compiled.codec.loads(saved)
        assert spiff_compat.reset_plain(ours, ours.get_task_from_id(task_id), {"round": 7})
        theirs.reset_from_task_id(task_id, data={"round": 7})
        assert _tree(ours, ours.task_tree) == _tree(theirs, theirs.task_tree)
        assert ours.last_task.task_spec.name == theirs.last_task.task_spec.name
        assert [t.task_spec.name for t in ours.get_tasks(state=TaskState.READY)] == \
            [t.task_spec.name for t in theirs.get_tasks(state=TaskState.READY)]


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen: list[tuple[str, int, str, set[str], Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        extras = {k for k in vars(record) if k in _EXTRAS}
        self.seen.append((record.name, record.levelno, record.getMessage(), extras, getattr(record, "state", None)))


_EXTRAS = {"workflow_spec", "task_spec", "task_id", "task_type", "state", "last_state_change", "elapsed", "parent",
           "data", "internal_data"}


@pytest.mark.parametrize("level", [logging.WARNING, logging.INFO, logging.DEBUG])
def test_the_quiet_state_change_is_the_release_s_own_and_logs_what_it_logs(level: int) -> None:
    """Task._set_state is the engine's (spiff_compat._set_state): at each logger level the same states, clock
    reads and log records as the release's own, which it replaces."""
    from engine.definitions.compile import compile_definition

    assert Task._set_state is spiff_compat._set_state
    definition = compile_definition(LOOP_BPMN, LOOP_FORMS, {"street_office", "civil_affairs"})
    logger = logging.getLogger("spiff.task")
    before = logger.level
    runs: list[Any] = []
    try:
        for set_state in (spiff_compat.SPIFF_SET_STATE, spiff_compat._set_state):
            handler = _Records()
            logger.addHandler(handler)
            logger.setLevel(level)
            Task._set_state = set_state  # type: ignore[method-assign]
            try:
                workflow = definition.codec.new_workflow()
                workflow.do_engine_steps()
                ready = workflow.get_tasks(state=TaskState.READY)[0]
                stamp = ready.last_state_change
                ready.run()
                workflow.do_engine_steps()
                assert ready.last_state_change > stamp
                ready._set_state(ready.state)  # no change: a debug record only
            finally:
                Task._set_state = spiff_compat._set_state  # type: ignore[method-assign]
                logger.removeHandler(handler)
            runs.append(([(t.task_spec.name, t.state) for t in workflow.get_tasks()], handler.seen))
    finally:
        logger.setLevel(before)
    ours, theirs = runs[1], runs[0]
    assert ours == theirs
    assert bool(ours[1]) == (level < logging.WARNING)
