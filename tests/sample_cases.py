"""Two real cases driven through the service layer, step by step, for tests that check every step.

A loop_approval case (a return, parallel countersigning, a script, the end) and a
社区事务准入 case (returned once; accepted, or left open for the caller).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import select

from engine.identity.actors import Actor
from engine.identity.tokens import load_actor
from engine.runtime import runner
from engine.service import WorkflowEngine
from engine.store.models import HumanTask, User
from tests.audit_support import ACCEPT, APPLY, RETURN
from tests.hostile_support import LOOP_BPMN, LOOP_FORMS


def deploy_loop(engine: WorkflowEngine) -> None:
    with engine.db.writer() as session, session.begin():
        engine.registry.deploy(session, LOOP_BPMN, LOOP_FORMS)


def drive_sample_cases(engine: WorkflowEngine, observer: Callable[[runner.Step, BpmnWorkflow], None],
                       accept_access: bool = True) -> tuple[dict[str, Actor], int, int]:
    """Run both cases with ``observer`` seeing every step; returns the actors and the two case ids."""
    with engine.db.reader() as session:
        actors = {u.username: load_actor(session, u) for u in session.scalars(select(User))}

    def finish(case: int, steps: list[tuple[str, str, dict[str, Any]]]) -> None:
        for element, user, data in steps:
            with engine.db.reader() as session:
                task_id = session.scalar(select(HumanTask.id).where(
                    HumanTask.instance_id == case, HumanTask.element_id == element, HumanTask.state == "ready"))
            assert task_id is not None, element
            engine.instances.complete(actors[user], task_id, data, None)

    with runner.observe_steps(observer):
        loop = engine.instances.start(actors["street_a"], "loop_approval", None, {})
        finish(loop, [("submit", "street_a", {"title": "走查", "amount": 1}),
                      ("review", "civil_affairs", {"decision": "return"}),
                      ("submit", "street_a", {"title": "走查", "amount": 2}),
                      ("review", "civil_affairs", {"decision": "pass"}),
                      ("sign_a", "street_a", {}), ("sign_b", "civil_affairs", {"agree": False})])
        access = engine.instances.start(actors["department"], "community_access", None,
                                        {"item_title": "走查", "applicant_department": "区应急管理局"})
        steps = [("apply", "department", APPLY), ("gatekeep_review", "civil_affairs", RETURN),
                 ("apply", "department", APPLY)]
        finish(access, steps + ([("gatekeep_review", "civil_affairs", ACCEPT)] if accept_access else []))
    return actors, loop, access
