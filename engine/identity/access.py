"""Who may do what. Every rule lives here; the service layer calls these before acting.

The access model (tested as a role × action matrix in tests/test_access_matrix.py):

- a case is started by a user holding the role of the start event's lane, at the
  organisation where that lane is offered;
- a task is acted on by a user holding its lane's role at the organisation where
  it is offered (a clerk of one street office never acts on another's cases); a
  task with ``unitFrom`` is offered at the organisation its own data names (one
  village's task of a multi-instance over villages), see engine/definitions/task_units.py;
- a case is read by admins and auditors (every case), by whoever acted on it or
  holds one of its open tasks, and by clerks (users holding a lane role) of its
  organisation or an organisation above it, of its village/community
  (``subject_org``) or of its developer (``developer_org``); its history is read
  by the same users;
- auditors change nothing; process owners deploy definitions (and read no
  cases by that role); admins manage users and suspend, resume or terminate cases;
- a task held by a named user (``assignee``: 转办, 委派, 加签, 撤回, 退回 to its former
  handler) is acted on by that user alone; a case copied to a user (抄送) is read by them.
  What each approval operation further needs is in :mod:`engine.operations.policy`.

A denial is :class:`~engine.errors.Forbidden` with the reason.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, exists, false, select, union_all

from engine.errors import Forbidden
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.store.models import CaseCopy, HumanTask, ProcessInstance

READ_ALL_ROLES = frozenset({"admin", "auditor"})
# roles whose scope places them in lanes ("none": auditor, process_owner, admin)
LANE_SCOPES = frozenset({"street", "district", "city", "subject", "developer"})


def require_start(actor: Actor, start_role: str | None, role_org: str | None, key: str) -> None:
    if start_role is None:
        raise Forbidden(f"流程 {key} 的开始事件不在任何泳道中，无法确定发起角色")
    if not actor.has_role(start_role):
        raise Forbidden(f"只有角色 {start_role} 可以发起该流程")
    if role_org != actor.org_id:
        raise Forbidden("您所在单位不能为该单位发起办件")


def require_task_actor(actor: Actor, task: HumanTask) -> None:
    if task.assignee is not None:  # 转办, 委派, 加签, 撤回: one named user holds it
        if task.assignee != actor.username:
            raise Forbidden("该任务已交由他人办理，您无权办理")
        return
    if not actor.has_role(task.role):
        raise Forbidden(f"该任务需要角色 {task.role}，您没有该角色")
    if task.org_id != actor.org_id:
        raise Forbidden("该任务属于其他单位，您无权办理")


def can_act(actor: Actor, task: HumanTask) -> bool:
    if task.assignee is not None:
        return task.assignee == actor.username
    return actor.has_role(task.role) and task.org_id == actor.org_id


def inbox_ways_bound() -> tuple[list[ColumnElement[bool]], list[ColumnElement[bool]]]:
    """Ready rows the actor may act on now, as the two disjoint ways of holding one, each a list of
    conditions: unassigned in their role at their organisation, or assigned to them by name; a step
    waiting for its signers (``held``) is out of its holder's inbox meanwhile. With bind parameters
    (``inbox_params``): a statement built once for every actor. A query counts or pages each way by
    its own index (``ix_human_tasks_pool``, ``ix_human_tasks_named``) and adds them up: with the two
    OR-ed in one condition SQLite scanned every ready row, and with ``id IN (union)`` it looked every
    row up again."""
    return _inbox_ways(bindparam("inbox_roles", expanding=True), bindparam("inbox_org"), bindparam("inbox_user"))


# up to this many roles, a statement per number of roles with one plain parameter each: an expanding
# parameter makes SQLAlchemy render the statement's text again on every execution (the inbox's page
# statement is long), which cost more than the database's own work for the count
FIXED_ROLES = 8


def inbox_ways_for(role_count: int) -> tuple[list[ColumnElement[bool]], list[ColumnElement[bool]]]:
    """As :func:`inbox_ways_bound`, for an actor of ``role_count`` roles (``inbox_role_0`` …) when few."""
    if not 0 < role_count <= FIXED_ROLES:
        return inbox_ways_bound()
    roles = [bindparam(f"inbox_role_{i}") for i in range(role_count)]
    return _inbox_ways(roles, bindparam("inbox_org"), bindparam("inbox_user"))


def inbox_params(actor: Actor) -> dict[str, Any]:
    roles = sorted(actor.roles)
    return ({"inbox_roles": roles, "inbox_org": actor.org_id, "inbox_user": actor.username}
            | {f"inbox_role_{i}": role for i, role in enumerate(roles)})


def _inbox_ways(roles: Any, org_id: Any, username: Any) -> tuple[list[ColumnElement[bool]],
                                                               list[ColumnElement[bool]]]:
    # disjoint (assignee NULL or the user), so their counts add up; ``held`` is never NULL, so "= false" says
    # what "IS false" says, and an index (ix_human_tasks_pool) can use it as an equality, on PostgreSQL too
    pool = [HumanTask.org_id == org_id, HumanTask.role.in_(roles), HumanTask.state == "ready",
            HumanTask.assignee.is_(None), HumanTask.held == false()]
    named = [HumanTask.assignee == username, HumanTask.state == "ready", HumanTask.held == false()]
    return pool, named


def participation_conditions(actor: Actor) -> list[ColumnElement[bool]]:
    """Ways a user takes part in a case and so may read it: holds or held one of its tasks (by
    role and unit, or by name), completed one, or had it copied to them (抄送)."""
    return [
        exists().where(HumanTask.instance_id == ProcessInstance.id, HumanTask.org_id == actor.org_id,
                       HumanTask.role.in_(sorted(actor.roles))),
        exists().where(HumanTask.instance_id == ProcessInstance.id, HumanTask.completed_by == actor.username),
        exists().where(HumanTask.instance_id == ProcessInstance.id, HumanTask.assignee == actor.username),
        exists().where(CaseCopy.instance_id == ProcessInstance.id, CaseCopy.username == actor.username),
    ]


def participation_ids(actor: Actor) -> list[Select[Any]]:
    """The same ways of taking part as :func:`participation_conditions`, each an indexed SELECT of case ids."""
    return [
        select(HumanTask.instance_id).where(HumanTask.org_id == actor.org_id, HumanTask.role.in_(sorted(actor.roles))),
        select(HumanTask.instance_id).where(HumanTask.completed_by == actor.username),
        select(HumanTask.instance_id).where(HumanTask.assignee == actor.username),
        select(CaseCopy.instance_id).where(CaseCopy.username == actor.username),
    ]


def is_clerk(actor: Actor, directory: OrgDirectory) -> bool:
    """Holds a role that has lanes (and so sees the cases of its organisation)."""
    return any(directory.role_scopes.get(role) in LANE_SCOPES for role in actor.roles)


def can_view_instance(actor: Actor, instance: ProcessInstance, directory: OrgDirectory,
                      acted: bool = False) -> bool:
    if actor.roles & READ_ALL_ROLES:
        return True
    if acted:
        return True
    if not is_clerk(actor, directory):
        return False
    if instance.developer_org and instance.developer_org == actor.org_id:
        return True
    if instance.subject_org and instance.subject_org == actor.org_id:
        return True
    # clerks see the cases of their own organisation and of the organisations below it
    return directory.is_within(instance.org_id, actor.org_id)


def require_view(actor: Actor, instance: ProcessInstance, directory: OrgDirectory, acted: bool = False) -> None:
    if not can_view_instance(actor, instance, directory, acted):
        raise Forbidden("您无权查看该办件")


def require_history(actor: Actor, instance: ProcessInstance, directory: OrgDirectory, acted: bool = False) -> None:
    """The history (journal) of a case is read by whoever may read the case."""
    if not can_view_instance(actor, instance, directory, acted):
        raise Forbidden("您无权查看该办件的办理记录")


def visible_instances_clause(actor: Actor, directory: OrgDirectory) -> ColumnElement[bool] | None:
    """The rule of :func:`can_view_instance` (plus "has or had a task there") as an SQL condition.

    ``None`` means no restriction (auditors and admins read everything).
    """
    if actor.roles & READ_ALL_ROLES:
        return None
    # The ids of the visible cases as a union of index lookups (a task of mine, a task I did or hold by
    # name, a copy to me, a case of my unit or below, or naming my unit): an OR of EXISTS here was tested
    # case by case, every case of the city.
    branches: list[Select[Any]] = participation_ids(actor)
    if is_clerk(actor, directory):
        own_and_below = directory.own_and_below(actor.org_id)
        branches += [
            select(ProcessInstance.id).where(ProcessInstance.org_id.in_(own_and_below)),
            select(ProcessInstance.id).where(ProcessInstance.developer_org == actor.org_id),
            select(ProcessInstance.id).where(ProcessInstance.subject_org == actor.org_id),
        ]
    return ProcessInstance.id.in_(union_all(*branches))


def visible_instance_ids(actor: Actor, directory: OrgDirectory) -> Any:
    """The ids of :func:`visible_instances_clause` as a compound SELECT (``None``: every case)."""
    clause = visible_instances_clause(actor, directory)
    return None if clause is None else clause.right.element  # type: ignore[attr-defined]


def require_role(actor: Actor, *roles: str) -> None:
    if not actor.roles & set(roles):
        raise Forbidden("需要以下角色之一：" + "、".join(roles))


def is_supervisor(actor: Actor, directory: OrgDirectory, org_id: str | None) -> bool:
    """A clerk of an organisation above ``org_id`` (a district bureau over a street office, …)."""
    return (org_id is not None and is_clerk(actor, directory) and actor.org_id != org_id
            and directory.is_within(org_id, actor.org_id))


def require_case_admin(actor: Actor) -> None:
    """Suspending, resuming and terminating cases."""
    if not actor.is_admin:
        raise Forbidden("只有管理员可以挂起、恢复或终止办件")


def require_case_admin_view(actor: Actor) -> None:
    """Lists for administering cases (cases waiting on a task nobody may act on)."""
    if not actor.is_admin:
        raise Forbidden("只有管理员可以查看无人可办的办件")


def require_user_admin(actor: Actor) -> None:
    """Listing, creating and changing users."""
    if not actor.is_admin:
        raise Forbidden("只有管理员可以管理用户")


def require_deploy(actor: Actor) -> None:
    """Deploying (and validating) process definitions."""
    if not actor.is_process_owner:
        raise Forbidden("只有流程管理员可以部署流程定义")
