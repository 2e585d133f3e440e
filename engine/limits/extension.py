"""延期: an approved extension of a case's limit, with the approver's opinion, as one journalled command.

Who may approve: admins, and users with one of the roles the model names
(``limitExtensionRoles``) at the case's organisation or one above it. The model's
``limitExtensionDays`` bounds the total (行政许可法 §42: 10 working days more, with the
approval of the head of the office).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit.journal import iso_utc
from engine.clock import Clock
from engine.definitions.registry import DefinitionRegistry
from engine.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.limits.model import KIND_NAMES, UNIT_NAMES
from engine.limits.tracking import CalendarOnce, compute, journal, rearm, urgency_at
from engine.store.models import Deadline, ProcessInstance
from engine.store.unit_of_work import UnitOfWork


class Extensions:
    def __init__(self, uow: UnitOfWork, registry: DefinitionRegistry, clock: Clock,
                 directory_loader: Callable[[Session], OrgDirectory]) -> None:
        self.uow = uow
        self.registry = registry
        self.clock = clock
        self._directory = directory_loader

    def extend(self, actor: Actor, instance_id: int, kind: str, days: int, opinion: str) -> int:
        text = (opinion or "").strip()
        if not text:
            raise ValidationFailed("必须填写延期意见", [Problem("opinion", "意见不能为空")])
        return self.uow.write(lambda s: self._extend(s, actor, instance_id, kind, days, text),
                              conflict_message="办件正被他人同时办理，请稍后重试")

    def _extend(self, session: Session, actor: Actor, instance_id: int, kind: str, days: int, opinion: str) -> int:
        instance = session.get(ProcessInstance, instance_id, with_for_update=not self.uow.is_sqlite)
        if instance is None:
            raise NotFound(f"办件 {instance_id} 不存在")
        definition = self.registry.compiled(session, instance.definition_id)
        limits = definition.limits
        directory = self._directory(session)
        allowed = limits.extension_roles if limits is not None else frozenset()
        if not actor.is_admin and not (any(actor.has_role(r) for r in allowed)
                                       and directory.is_within(instance.org_id, actor.org_id)):
            raise Forbidden("您无权批准该办件延期" + (f"（须为：{'、'.join(sorted(allowed))}）" if allowed else ""))
        if instance.status not in ("running", "suspended"):
            raise Conflict("办件已结束，不能延期")
        row = session.scalar(select(Deadline).where(Deadline.instance_id == instance.id, Deadline.kind == kind,
                                                    Deadline.human_task_id.is_(None),
                                                    Deadline.state.in_(("running", "paused", "unknown"))))
        if row is None:
            raise NotFound(f"该办件没有进行中的{KIND_NAMES.get(kind, kind)}")
        if limits is not None and limits.extension_days is not None \
                and row.extension_days + days > limits.extension_days:
            raise ValidationFailed("延期超过流程允许的上限", [Problem("days", (
                f"最多延期 {limits.extension_days} {UNIT_NAMES[row.unit]}，已延期 {row.extension_days}"))])
        at = self.clock.now()
        row.extension_days += days
        calendar = CalendarOnce(session)
        compute(row, calendar)
        if row.state == "running":
            row.urgency = urgency_at(row, at)  # an extension may take a case back out of red
        rearm(session, instance, row, at)
        workflow = definition.codec.loads(instance.snapshot)
        journal(session, instance, definition, workflow, "extend_deadline", at, {
            "deadline_id": row.id, "kind": kind, "days": days, "extension_days": row.extension_days,
            "due_at": iso_utc(row.due_at) if row.due_at is not None else None}, comment=opinion, actor=actor)
        return instance.id
