"""The SpiffWorkflow private API the engine uses (engine/runtime/spiff_compat.py) is the one of a known release.

Any other installed SpiffWorkflow fails here first: the private attributes may have
changed meaning without a rename, which the codec and walk tests would only catch
on the shapes of case they happen to step through.
"""

from __future__ import annotations

from uuid import uuid4

from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.runtime import spiff_compat
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
