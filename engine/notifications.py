"""Notifications (消息): written in the transaction of the command they tell about, read by their user.

One table and one list for all of them: what people do to a user's steps (催办, 被退回, 转办给我,
加签给我, 抄送 … from :mod:`engine.operations`) and what the clock of a time limit does (the
automatic 催办 of an overdue step, :mod:`engine.limits.tracking`). Each row has one reader
(``username``) and its own read flag; a message to a step's holders is one row per holder.

They are a projection of journal entries for one reader, not history: the journal
keeps what happened; a notification only says "this concerns you" and whether it was read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, insert, select
from sqlalchemy.orm import Session

from engine.clock import as_utc
from engine.identity.actors import Actor
from engine.read import mailbox
from engine.read.paging import Page, PageRequest, fetch_page
from engine.store.models import HumanTask, Notification, User, UserRole

KINDS = {
    "urge": "催办", "returned": "被退回", "withdrawn": "被撤回", "transferred": "转办给我", "delegated": "委派给我",
    "delegate_back": "委派已办理", "sign": "加签给我", "signing_done": "加签已完成", "signing_failed": "加签未通过",
    "cc": "抄送", "terminated": "办件终止", "overdue": "超期",
}
SORTS = {"created_at": Notification.created_at, "id": Notification.id}


def notify(session: Session, users: Iterable[str], kind: str, instance_id: int, at: datetime,
           actor: str | None, comment: str | None = None, task_id: int | None = None,
           message: str | None = None, task: HumanTask | None = None) -> None:
    """One notification for each of ``users`` (not the actor); ``message``: the text, else the kind's
    name with the opinion; ``task``: the step it concerns (its role and unit are kept with it)."""
    text = message or (f"{KINDS.get(kind, kind)}：{comment}" if comment else KINDS.get(kind, kind))
    rows = [{"username": user, "kind": kind, "instance_id": instance_id,
             "human_task_id": task.id if task is not None else task_id,
             "role": task.role if task is not None else None, "org_id": task.org_id if task is not None else None,
             "actor": actor, "comment": comment, "message": text, "created_at": at, "read_at": None}
            for user in dict.fromkeys(users) if user and user != actor]
    if rows:
        session.execute(insert(Notification), rows)


def holders(session: Session, task: HumanTask) -> list[str]:
    """Who may act on the open step now: its signers while it waits for them, the one user holding it by
    name, else its role at its unit."""
    if task.held:  # waiting for its signers (加签): they are the ones to hurry
        return list(session.scalars(select(HumanTask.assignee).where(
            HumanTask.instance_id == task.instance_id, HumanTask.spiff_task_id == task.spiff_task_id,
            HumanTask.kind == "sign", HumanTask.state == "ready").order_by(HumanTask.id)))
    if task.assignee:
        return [task.assignee]
    return list(session.scalars(select(User.username).join(UserRole, UserRole.user_id == User.id)
                                .where(UserRole.role_id == task.role, User.org_id == task.org_id,
                                       User.active.is_(True)).order_by(User.username)))


@dataclass(frozen=True)
class NotificationFilter:
    unread: bool | None = None
    kind: str | None = None


def _mine(actor: Actor) -> Select[Any]:
    return select(Notification).where(Notification.username == actor.username)


def unread_count(session: Session, actor: Actor) -> int:
    return session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.username == actor.username, Notification.read_at.is_(None))) or 0


def notifications_page(session: Session, actor: Actor, filters: NotificationFilter,
                       page: PageRequest) -> Page[dict[str, Any]]:
    stmt = _mine(actor)
    if filters.unread is not None:
        stmt = stmt.where(Notification.read_at.is_(None) if filters.unread else Notification.read_at.is_not(None))
    if filters.kind:
        stmt = stmt.where(Notification.kind == filters.kind)
    found = fetch_page(session, stmt, page, SORTS, "-created_at", Notification.id)
    return Page(views(session, found.items), found.total)


def mark_read(session: Session, actor: Actor, notification_id: int, at: datetime) -> dict[str, Any]:
    return views(session, [mailbox.mark_read(session, actor, Notification, notification_id, at, "消息")])[0]


def views(session: Session, rows: list[Notification]) -> list[dict[str, Any]]:
    cases = mailbox.case_summaries(session, {n.instance_id for n in rows})
    names = dict(session.execute(select(User.username, User.display_name)
                                 .where(User.username.in_({n.actor for n in rows if n.actor}))).all())
    tasks = dict(session.execute(select(HumanTask.id, HumanTask.name)
                                 .where(HumanTask.id.in_({n.human_task_id for n in rows if n.human_task_id}))).all())
    return [{
        "id": n.id, "kind": n.kind, "kind_name": KINDS.get(n.kind, n.kind), "instance_id": n.instance_id,
        **cases.get(n.instance_id, mailbox.UNKNOWN_CASE).fields(),
        "task_id": n.human_task_id, "task_name": tasks.get(n.human_task_id) if n.human_task_id else None,
        "message": n.message,
        "actor": n.actor, "actor_name": names.get(n.actor, n.actor) if n.actor else None,
        "comment": n.comment, "created_at": as_utc(n.created_at), "read": n.read_at is not None,
        "read_at": as_utc(n.read_at),
    } for n in rows]
