"""engine.task_walk gives exactly what SpiffWorkflow's own iterator gives, at every step of real cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from SpiffWorkflow.workflow import Workflow
from sqlalchemy import select

from engine import runtime
from engine.identity import load_actor
from engine.service import WorkflowEngine
from engine.store.models import HumanTask, User
from engine.task_walk import CaseWorkflow, is_completed, tasks_in_state
from tests.audit_support import ACCEPT, APPLY, RETURN
from tests.hostile_support import LOOP_BPMN, LOOP_FORMS
from tests.support import fresh_settings

MASKS = [TaskState.READY, TaskState.COMPLETED, TaskState.WAITING | TaskState.READY | TaskState.ERROR,
         TaskState.COMPLETED | TaskState.READY | TaskState.WAITING | TaskState.ERROR | TaskState.STARTED,
         TaskState.MAYBE | TaskState.LIKELY, TaskState.FUTURE, TaskState.ANY_MASK, TaskState.NOT_FINISHED_MASK,
         TaskState.CANCELLED, TaskState.FINISHED_MASK]


def _check(workflow: BpmnWorkflow) -> None:
    assert isinstance(workflow, CaseWorkflow)
    for mask in MASKS:  # SpiffWorkflow's own iterator, not CaseWorkflow's override
        expected = Workflow.get_tasks(workflow, state=mask)
        assert tasks_in_state(workflow, mask) == expected, TaskState.get_name(mask)
        assert workflow.get_tasks(state=mask) == expected
    expected = Workflow.get_tasks(workflow, state=TaskState.READY)
    assert runtime.ready_user_tasks(workflow) == [t for t in expected if t.task_spec.manual and runtime.bpmn_id(t)]
    ours = is_completed(workflow)
    workflow.completed = False  # SpiffWorkflow remembers a True answer: ask it afresh
    assert ours == Workflow.is_completed(workflow)
    assert workflow.completed == ours


def test_walks_match_spiffworkflow_at_every_step(template_db: Path, tmp_path: Path) -> None:
    engine = WorkflowEngine(fresh_settings(template_db, tmp_path))
    seen: list[int] = []

    def observer(_step: Any, workflow: BpmnWorkflow) -> None:
        _check(workflow)
        seen.append(1)

    try:
        with engine.db.writer() as session, session.begin():
            engine.registry.deploy(session, LOOP_BPMN, LOOP_FORMS)
        with engine.db.reader() as session:
            actors = {u.username: load_actor(session, u) for u in session.scalars(select(User))}

        def finish(case: int, steps: list[tuple[str, str, dict[str, Any]]]) -> None:
            for element, user, data in steps:
                with engine.db.reader() as session:
                    task_id = session.scalar(select(HumanTask.id).where(
                        HumanTask.instance_id == case, HumanTask.element_id == element, HumanTask.state == "ready"))
                assert task_id is not None, element
                engine.instances.complete(actors[user], task_id, data, None)

        with runtime.observe_steps(observer):
            loop = engine.instances.start(actors["street_a"], "loop_approval", None, {})
            finish(loop, [("submit", "street_a", {"title": "走查", "amount": 1}),
                          ("review", "civil_affairs", {"decision": "return"}),
                          ("submit", "street_a", {"title": "走查", "amount": 2}),
                          ("review", "civil_affairs", {"decision": "pass"}),
                          ("sign_a", "street_a", {}), ("sign_b", "civil_affairs", {"agree": False})])
            access = engine.instances.start(actors["department"], "community_access", None,
                                            {"item_title": "走查", "applicant_department": "区应急管理局"})
            finish(access, [("apply", "department", APPLY), ("gatekeep_review", "civil_affairs", RETURN),
                            ("apply", "department", APPLY), ("gatekeep_review", "civil_affairs", ACCEPT)])
    finally:
        engine.db.dispose()
    assert len(seen) > 20
