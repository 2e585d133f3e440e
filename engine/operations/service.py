"""The approval operations' front door: one transaction per command, reads in a reader session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from engine import notifications
from engine.cases.admin import CaseAdmin
from engine.errors import Conflict, Forbidden, Problem, ValidationFailed
from engine.identity.actors import Actor
from engine.operations import (
    assignment,
    copies,
    history_view,
    reads,
    returns,
    signers,
    termination,
    urges,
)
from engine.operations.base import Command, Env, clean_comment, command_for, load_row, lock_instance
from engine.read.paging import Page, PageRequest
from engine.read.queries import Queries
from engine.runtime import callees
from engine.store.models import ProcessInstance

TaskCommand = Callable[[Command], None]
RACE_MESSAGE = "办件正被他人同时办理，请稍后重试"


class OperationsService:
    def __init__(self, env: Env, queries: Queries, case_admin: CaseAdmin) -> None:
        self.env = env
        self.queries = queries
        self.case_admin = case_admin

    # -- on a task ----------------------------------------------------------------------------

    def _on_task(self, actor: Actor, task_id: int, run: TaskCommand) -> int:
        def command(session: Session) -> int:
            row, instance = load_row(self.env, session, task_id)
            if row.state != "ready":
                raise Conflict("该任务已办理完毕或已取消")
            with callees.resolving(self.env.registry.callee_resolver(session)):  # a call activity next
                run(command_for(self.env, session, actor, instance, row))
            return instance.id

        return self.env.uow.write(command, conflict_message=RACE_MESSAGE)

    def return_task(self, actor: Actor, task_id: int, target_element_id: str, comment: str | None) -> int:
        text = clean_comment(comment, what="退回意见")
        return self._on_task(actor, task_id, lambda c: returns.return_task(c, target_element_id, text))

    def transfer(self, actor: Actor, task_id: int, to_user: str, comment: str | None) -> int:
        text = clean_comment(comment, what="转办意见")
        return self._on_task(actor, task_id, lambda c: assignment.transfer(c, to_user, text))

    def delegate(self, actor: Actor, task_id: int, to_user: str, comment: str | None) -> int:
        text = clean_comment(comment, what="委派意见")
        return self._on_task(actor, task_id, lambda c: assignment.delegate(c, to_user, text))

    def add_signers(self, actor: Actor, task_id: int, users: list[str], mode: str, ratio: float | None,
                    comment: str | None) -> int:
        text = clean_comment(comment, what="加签说明")
        return self._on_task(actor, task_id, lambda c: signers.add_signers(c, users, mode, ratio, text))

    def remove_signer(self, actor: Actor, task_id: int, user: str, comment: str | None) -> int:
        text = clean_comment(comment, what="减签说明")
        return self._on_task(actor, task_id, lambda c: signers.remove_signer(c, user, text))

    def withdraw(self, actor: Actor, task_id: int, comment: str | None) -> int:
        text = clean_comment(comment, what="撤回原因")

        def command(session: Session) -> int:
            row, instance = load_row(self.env, session, task_id)
            if row.state == "ready":
                raise Conflict("该任务尚未办理，无需撤回")
            returns.withdraw(command_for(self.env, session, actor, instance, row), text)
            return instance.id

        return self.env.uow.write(command, conflict_message=RACE_MESSAGE)

    # -- on a case ----------------------------------------------------------------------------

    def _on_case(self, actor: Actor, instance_id: int, run: TaskCommand, visible: bool = True) -> int:
        def command(session: Session) -> int:
            instance = lock_instance(self.env, session, instance_id)
            if visible:
                self.queries.visible_instance(session, actor, instance_id)
            run(command_for(self.env, session, actor, instance))
            return instance_id

        return self.env.uow.write(command, conflict_message=RACE_MESSAGE)

    def cc(self, actor: Actor, instance_id: int, users: list[str], comment: str | None) -> int:
        text = clean_comment(comment, required=False, what="抄送说明")
        return self._on_case(actor, instance_id, lambda c: copies.copy_case(c, users, text))

    def urge(self, actor: Actor, instance_id: int, comment: str | None) -> int:
        text = clean_comment(comment, required=False, what="催办内容")
        interval = self.env.urge_interval_seconds
        return self._on_case(actor, instance_id, lambda c: urges.urge(c, text, interval))

    def terminate(self, actor: Actor, instance_id: int, reason: str | None) -> int:
        if actor.is_admin:
            return self.case_admin.terminate(actor, instance_id, reason)
        text = clean_comment(reason, what="终止原因")
        if text is None:  # pragma: no cover - clean_comment requires it
            raise ValidationFailed("必须填写原因", [Problem("reason", "原因不能为空")])
        return self._on_case(actor, instance_id, lambda c: termination.terminate(c, text))

    def jump(self, actor: Actor, instance_id: int, target_element_id: str, reason: str | None) -> int:
        if not actor.is_admin:
            raise Forbidden("只有管理员可以跳转办件环节")
        text = clean_comment(reason, what="跳转原因")
        assert text is not None
        return self._on_case(actor, instance_id, lambda c: returns.jump(c, target_element_id, text))

    # -- reads --------------------------------------------------------------------------------

    def history_entries(self, session: Session, instance_id: int,
                        views: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """History entries with the actor's name and what each operation did (the caller may see the case)."""
        instance = session.get(ProcessInstance, instance_id)
        definition = self.env.registry.compiled(session, instance.definition_id) if instance is not None else None
        return history_view.with_names(session, views, definition)

    def task_operations(self, actor: Actor, task_id: int) -> dict[str, Any]:
        with self.env.uow.db.reader() as session:
            return reads.task_operations(self.env, self.queries, session, actor, task_id)

    def case_operations(self, actor: Actor, instance_id: int) -> dict[str, Any]:
        with self.env.uow.db.reader() as session:
            return reads.case_operations(self.env, self.queries, session, actor, instance_id)

    def copies(self, actor: Actor, filters: copies.CopyFilter, page: PageRequest) -> Page[dict[str, Any]]:
        with self.env.uow.db.reader() as session:
            return copies.copies_page(session, actor, filters, page)

    def read_copy(self, actor: Actor, copy_id: int) -> dict[str, Any]:
        return self.env.uow.write(lambda s: copies.mark_read(s, actor, copy_id, self.env.clock.now()))

    def notifications(self, actor: Actor, filters: notifications.NotificationFilter,
                      page: PageRequest) -> tuple[Page[dict[str, Any]], int]:
        with self.env.uow.db.reader() as session:
            return (notifications.notifications_page(session, actor, filters, page),
                    notifications.unread_count(session, actor))

    def unread_notifications(self, actor: Actor) -> int:
        with self.env.uow.db.reader() as session:
            return notifications.unread_count(session, actor)

    def read_notification(self, actor: Actor, notification_id: int) -> dict[str, Any]:
        return self.env.uow.write(lambda s: notifications.mark_read(s, actor, notification_id,
                                                                         self.env.clock.now()))
