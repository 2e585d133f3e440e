"""办件进度查询: what an applicant may see of a case with its number and check code, and the receipt.

The public answer names the procedure, the case's state, its current steps (the elements' names)
with the dates they began and their time limits, the steps done with the dates they were done, and
the dates the case began and ended. It names no person, unit, opinion, form value or case title
(a title may carry a resident's name): only what the model and the clock say.

The receipt (回执) is for the case's starter (and admins): the number, the procedure, the start
date, the check code and where to look the case up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases import receipts
from engine.cases.status import STATUS_NAMES
from engine.clock import Clock, as_utc
from engine.errors import Forbidden, NotFound
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.store.models import Deadline, HumanTask, ProcessDefinition, ProcessInstance
from engine.store.unit_of_work import UnitOfWork

PUBLIC_STATUS = {**STATUS_NAMES, "error": "办理中"}  # a fault is the office's business, not the applicant's
NOT_FOUND = "办件编号或查询码不正确"


def _procedure_name(session: Session, instance: ProcessInstance) -> str:
    return session.scalar(select(ProcessDefinition.name).where(ProcessDefinition.id == instance.definition_id)) \
        or instance.definition_key


def public_progress(session: Session, instance: ProcessInstance) -> dict[str, Any]:
    tasks = list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)
                                 .order_by(HumanTask.created_at, HumanTask.id)))
    deadlines = list(session.scalars(select(Deadline).where(Deadline.instance_id == instance.id)))
    task_due = {d.human_task_id: as_utc(d.due_at) for d in deadlines if d.kind == "task" and d.human_task_id}
    case_due = [as_utc(d.due_at) for d in deadlines if d.kind in ("statutory", "promised") and d.state != "closed"
                and d.due_at is not None]
    finished = instance.status in ("completed", "terminated")
    current = [] if finished else [
        {"name": t.name, "since": as_utc(t.created_at), "due": task_due.get(t.id)}
        for t in tasks if t.state == "ready"]
    done = [{"name": t.name, "completed_at": as_utc(t.completed_at)}
            for t in sorted((t for t in tasks if t.state == "completed" and t.completed_at is not None),
                            key=lambda t: (as_utc(t.completed_at), t.id))]
    return {
        "number": instance.business_key,
        "procedure": _procedure_name(session, instance),
        "status": instance.status if instance.status in PUBLIC_STATUS else "running",
        "status_name": PUBLIC_STATUS.get(instance.status, "办理中"),
        "outcome": instance.end_event if instance.status == "completed" else None,
        "started_at": as_utc(instance.created_at),
        "updated_at": as_utc(instance.updated_at),
        "finished_at": as_utc(instance.updated_at) if finished else None,
        "due": min(case_due) if case_due else None,
        "current_steps": current,
        "done_steps": done,
    }


class Progress:
    def __init__(self, uow: UnitOfWork, clock: Clock, secret: str,
                 directory: Callable[[Session], OrgDirectory]) -> None:
        self.uow = uow
        self.clock = clock
        self._secret = secret
        self._directory = directory

    def lookup(self, number: str, code: str) -> dict[str, Any]:
        """The public progress of a case; NotFound alike for an unknown number and a wrong code."""
        def read(session: Session) -> dict[str, Any]:
            instance = receipts.find(session, receipts.receipt_key(session, self._secret), number, code)
            if instance is None:
                raise NotFound(NOT_FOUND)
            return public_progress(session, instance)
        return self.uow.read(read)

    def receipt(self, actor: Actor, instance_id: int) -> dict[str, Any]:
        def read(session: Session) -> dict[str, Any]:
            instance = session.get(ProcessInstance, instance_id)
            if instance is None:
                raise NotFound(f"办件 {instance_id} 不存在")
            if instance.started_by != actor.username and not actor.is_admin:
                raise Forbidden("回执只提供给办件的发起人")
            code = receipts.code_of(session, receipts.receipt_key(session, self._secret), instance)
            if code is None:
                raise NotFound("该办件没有回执")
            directory = self._directory(session)
            org = directory.orgs.get(instance.org_id)
            return {"instance_id": instance.id, "number": instance.business_key,
                    "procedure": _procedure_name(session, instance), "case_title": instance.case_title,
                    "org_name": org.name if org else None, "started_at": as_utc(instance.created_at),
                    "check_code": receipts.display(code), "lookup_path": "/progress"}
        return self.uow.read(read)
