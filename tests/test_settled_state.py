"""A completion's own entries after its run reuse the run's state hash (``runner.settled``), and only while the
workflow stays as the run left it: the tests hash it again and compare (ENGINE_CHECK_SETTLED_STATE, conftest)."""

from __future__ import annotations

import pytest

from engine.runtime import runner, steps
from engine.store.models import ProcessInstance
from tests.support import ApiClient


def _case_workflow(api: ApiClient) -> tuple[object, object]:
    response = api.start("department", "community_access",
                         {"item_title": "高龄老人津贴资格年度认证", "applicant_department": "区卫生健康局"})
    assert response.status_code == 201, response.get_json()
    with api.engine.db.reader() as session:
        instance = session.get(ProcessInstance, response.get_json()["id"])
        assert instance is not None
        definition = api.engine.registry.compiled(session, instance.definition_id)
        return definition, definition.codec.loads(instance.snapshot)


def test_an_entry_inside_takes_the_hash_a_fresh_walk_gives(api: ApiClient) -> None:
    definition, workflow = _case_workflow(api)
    outside = runner.mark(definition, workflow, "urge")  # type: ignore[arg-type]
    with runner.settled(workflow, outside):  # type: ignore[arg-type]
        inside = runner.mark(definition, workflow, "cc")  # type: ignore[arg-type]
    assert inside[0].state_hash == outside[0].state_hash


def test_running_the_workflow_inside_is_caught(api: ApiClient) -> None:
    assert steps.CHECK_SETTLED_STATE, "conftest sets ENGINE_CHECK_SETTLED_STATE before the engine is imported"
    definition, workflow = _case_workflow(api)
    before = runner.mark(definition, workflow, "urge")  # type: ignore[arg-type]
    task = runner.ready_user_tasks(workflow)[0]  # type: ignore[arg-type]
    with runner.settled(workflow, before), pytest.raises(AssertionError, match="changed inside settled"):  # type: ignore[arg-type]
        runner.complete_task(definition, workflow, task, {})  # type: ignore[arg-type]
