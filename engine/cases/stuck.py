"""Cases waiting on nobody: running cases with an open task that no active user may act on.

A task is acted on by a user holding its role at the organisation it is offered
to (engine/identity/access.py). Deployment refuses models whose lanes can
never be offered (engine/definitions/admission.py), but a running case can
still lose its last clerk: a user disabled, moved to another unit or stripped
of the role, or a task offered nowhere (the case names no organisation for a
lane). A task held by name (转办, 委派, a signer's part of 加签) waits on that one user
only: it is stuck once they are deactivated, whoever else holds the role. Admins list
those tasks here, oldest first, with the reason, so that they assign someone (PATCH
/users) or act on the case.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session

from engine.clock import as_utc
from engine.identity import access
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.read.paging import Page, PageRequest, fetch_page
from engine.store.models import HumanTask, ProcessInstance, User, UserRole

SORTS = {"waiting_since": HumanTask.created_at, "instance_id": HumanTask.instance_id,
         "definition_key": ProcessInstance.definition_key}


def _someone_may_act() -> Any:
    return exists().where(User.id == UserRole.user_id, User.active.is_(True), User.org_id == HumanTask.org_id,
                          UserRole.role_id == HumanTask.role)


def _holder_active() -> Any:
    return exists().where(User.username == HumanTask.assignee, User.active.is_(True))


def _holder_name() -> Any:
    return select(User.display_name).where(User.username == HumanTask.assignee).scalar_subquery()


def _reason(directory: OrgDirectory, role: str | None, org_id: str | None, holder: str | None = None,
            holder_name: str | None = None) -> str:
    if holder is not None:
        return f"任务已交由{holder_name or '已删除的用户'}个人办理，该用户已停用"
    role_name = directory.role_names.get(role or "", role or "")
    if role is None:
        return "任务不在任何泳道中，没有办理角色"
    if org_id is None:
        return f"办件（或该任务的数据）没有指明该环节的办理单位，角色「{role_name}」的任务无处可办"
    org = directory.orgs.get(org_id)
    org_name = org.name if org is not None else org_id
    return f"{org_name}没有在职的「{role_name}」用户"


def stuck_page(session: Session, actor: Actor, directory: OrgDirectory, page: PageRequest,
               definition_key: str | None = None) -> Page[dict[str, Any]]:
    access.require_case_admin_view(actor)
    stmt: Select[Any] = (
        select(HumanTask, ProcessInstance.business_key, ProcessInstance.definition_key, _holder_name())
        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
        .where(HumanTask.state == "ready", ProcessInstance.status == "running",
               or_(and_(HumanTask.assignee.is_not(None), ~_holder_active()),
                   and_(HumanTask.assignee.is_(None),
                        or_(HumanTask.org_id.is_(None), HumanTask.role.is_(None), ~_someone_may_act())))))
    if definition_key:
        stmt = stmt.where(ProcessInstance.definition_key == definition_key)
    found = fetch_page(session, stmt, page, SORTS, "waiting_since", HumanTask.id, entities=False)
    items = []
    for task, business_key, key, holder_name in found.items:
        holder = task.assignee
        org = directory.orgs.get(task.org_id or "")
        items.append({
            "instance_id": task.instance_id, "business_key": business_key, "definition_key": key,
            "task_id": task.id, "element_id": task.element_id, "name": task.name,
            "role": task.role, "role_name": directory.role_names.get(task.role or "", task.role),
            "org": task.org_id, "org_name": org.name if org is not None else None,
            "waiting_since": as_utc(task.created_at),
            "reason": _reason(directory, task.role, task.org_id, holder, holder_name),
        })
    return Page(items, found.total)
