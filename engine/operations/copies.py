"""抄送 (copy): a case made readable to users who are not on its path, listed in their 抄送我的.

A holder copies the case to users they pick (``cc``), or the model does when a step
completes: the step's ``ccRoles`` name roles whose users (at the organisation where each
role's lane is offered for the case) get a copy, journalled as a ``cc`` entry of the
completing user right after the completion. A copy is one row per case and user
(``case_copies``) with its read time; copying again marks it unread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, insert, select, update
from sqlalchemy.orm import Session

from engine.clock import as_utc
from engine.errors import Forbidden, Problem, ValidationFailed
from engine.identity import access
from engine.identity.actors import Actor
from engine.operations import people, policy
from engine.operations.base import Command
from engine.read import mailbox
from engine.read.paging import Page, PageRequest, fetch_page
from engine.store.models import CaseCopy, HumanTask, User

MAX_COPIES = 50
_COPY_VALUES = ("copied_by", "element_id", "comment", "journal_seq", "created_at", "read_at")
SORTS = {"created_at": CaseCopy.created_at, "id": CaseCopy.id}


# built once: the model's 抄送 runs them inside the completion of a step with ccRoles
_EXISTING = (select(CaseCopy.username, CaseCopy.id)
             .where(CaseCopy.instance_id == bindparam("p_instance"),
                    CaseCopy.username.in_(bindparam("p_users", expanding=True))))
_COPY_AGAIN = (update(CaseCopy).where(CaseCopy.id == bindparam("p_id"))
               .values({name: bindparam("p_" + name, type_=CaseCopy.__table__.c[name].type) for name in _COPY_VALUES}))
_COPY = insert(CaseCopy)


def _store(cmd: Command, users: list[str], element_id: str | None, comment: str | None) -> None:
    """Copy rows for ``users`` (after the ``cc`` entry is journalled: it is ``journal_seq``)."""
    conn = cmd.session.connection()
    existing = dict(conn.execute(_EXISTING, {"p_instance": cmd.instance.id, "p_users": users}).all())
    values = {"copied_by": cmd.actor.username, "element_id": element_id, "comment": comment,
              "journal_seq": cmd.instance.journal_seq, "created_at": cmd.at, "read_at": None}
    again = [{"p_id": existing[user], **{"p_" + k: v for k, v in values.items()}} for user in users if user in existing]
    new = [{"instance_id": cmd.instance.id, "username": user, **values} for user in users if user not in existing]
    if again:
        conn.execute(_COPY_AGAIN, again)
    if new:
        conn.execute(_COPY, new)


def copy_case(cmd: Command, users: list[str], comment: str | None) -> None:
    """A holder's 抄送: the caller holds one of the case's open steps whose model allows ``cc``."""
    held = [r for r in cmd.session.scalars(select(HumanTask).where(
        HumanTask.instance_id == cmd.instance.id, HumanTask.state == "ready", HumanTask.kind == "task"))
        if access.can_act(cmd.actor, r)]
    if not held and not cmd.actor.is_admin:
        raise Forbidden("只有本办件当前环节的办理人（或管理员）可以抄送")
    allowed = [r for r in held if policy.model_allows(cmd.definition, r.element_id, "cc")]
    if held and not allowed and not cmd.actor.is_admin:
        raise Forbidden(f"流程模型不允许在环节「{held[0].name}」抄送（allowedOperations）")
    policy.require_running(cmd.instance, "cc")
    cleaned = list(dict.fromkeys(u.strip() for u in users if u and u.strip()))
    if not cleaned:
        raise ValidationFailed("请选择抄送人", [Problem("users", "至少选择一人")])
    if len(cleaned) > MAX_COPIES:
        raise ValidationFailed("抄送人过多", [Problem("users", f"最多 {MAX_COPIES} 人")])
    known = people.active_users(cmd.session, cmd.directory, cleaned)
    problems = [Problem(f"users/{i}", f"没有在用的用户 {u}") for i, u in enumerate(cleaned) if u not in known]
    problems += [Problem(f"users/{i}", "不能抄送给自己") for i, u in enumerate(cleaned) if u == cmd.actor.username]
    if problems:
        raise ValidationFailed("抄送人不正确", problems)
    row = (allowed or held or [None])[0]
    cmd.notify(cleaned, "cc", row.id if row is not None else None)
    cmd.journal_only("cc", comment, {"users": cleaned, "source": "holder"}, journal_task=row)
    _store(cmd, cleaned, row.element_id if row is not None else None, comment)


def after_completion(cmd: Command, row: HumanTask) -> None:
    """The model's 抄送 when the step ``row`` completed (``ccRoles``), as one ``cc`` entry."""
    roles = policy.cc_roles(cmd.definition, row.element_id)
    if not roles:
        return
    users: list[str] = []
    for role in roles:
        org = cmd.directory.task_org(role, cmd.instance.org_id, cmd.instance.subject_org, cmd.instance.developer_org)
        users += [p.username for p in people.users_with_role(cmd.session, cmd.directory, role, org)]
    users = [u for u in dict.fromkeys(users) if u != cmd.actor.username]
    if not users:
        return
    cmd.notify(users, "cc", row.id)
    cmd.journal_only("cc", None, {"users": users, "source": "model", "roles": roles, "element_id": row.element_id},
                     journal_task=row)
    _store(cmd, users, row.element_id, None)


# -- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CopyFilter:
    read: bool | None = None


def copies_page(session: Session, actor: Actor, filters: CopyFilter, page: PageRequest) -> Page[dict[str, Any]]:
    stmt: Select[Any] = select(CaseCopy).where(CaseCopy.username == actor.username)
    if filters.read is not None:
        stmt = stmt.where(CaseCopy.read_at.is_not(None) if filters.read else CaseCopy.read_at.is_(None))
    found = fetch_page(session, stmt, page, SORTS, "-created_at", CaseCopy.id)
    return Page(views(session, found.items), found.total)


def mark_read(session: Session, actor: Actor, copy_id: int, at: datetime) -> dict[str, Any]:
    return views(session, [mailbox.mark_read(session, actor, CaseCopy, copy_id, at, "抄送")])[0]


def views(session: Session, rows: list[CaseCopy]) -> list[dict[str, Any]]:
    cases = mailbox.case_summaries(session, {c.instance_id for c in rows})
    steps = mailbox.step_names(session, {(c.instance_id, c.element_id) for c in rows if c.element_id})
    names = dict(session.execute(select(User.username, User.display_name)
                                 .where(User.username.in_({c.copied_by for c in rows}))).all())
    return [{
        "id": c.id, "instance_id": c.instance_id, **cases.get(c.instance_id, mailbox.UNKNOWN_CASE).fields(),
        "case_status": cases[c.instance_id].status if c.instance_id in cases else None,
        "copied_by": c.copied_by, "copied_by_name": names.get(c.copied_by, c.copied_by),
        "element_id": c.element_id, "element_name": steps.get((c.instance_id, c.element_id or "")),
        "comment": c.comment, "created_at": as_utc(c.created_at),
        "read": c.read_at is not None, "read_at": as_utc(c.read_at),
    } for c in rows]
