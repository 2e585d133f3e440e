"""终止 by clerks: the starter before any other unit acted, a role the model allows, or a step's holder
whose model allows ``terminate``. (Admins terminate through :mod:`engine.cases.admin`.)

The case ends as 已终止 with the reason; its open tasks are cancelled; the journal entry is the
same ``terminate`` command as an admin's, naming the rule that allowed it.
"""

from __future__ import annotations

from sqlalchemy import select

from engine.cases.status import status_label
from engine.errors import Conflict, Forbidden
from engine.identity import access
from engine.operations import policy
from engine.operations.base import Command
from engine.runtime import runner
from engine.store.case_store import CaseCommand, record, sync_tasks, workflow_values
from engine.store.models import HumanTask, JournalEntry


def terminate_rule(cmd: Command) -> str:
    """The rule that lets the caller terminate the case (``starter``, ``task``, ``role``), or Forbidden/Conflict."""
    actor, instance = cmd.actor, cmd.instance
    open_rows = list(cmd.session.scalars(select(HumanTask).where(
        HumanTask.instance_id == instance.id, HumanTask.state == "ready", HumanTask.kind == "task")))
    if any(access.can_act(actor, r) and policy.model_allows(cmd.definition, r.element_id, "terminate")
           for r in open_rows):
        return "task"
    for role in policy.terminate_roles(cmd.definition):
        org = cmd.directory.task_org(role, instance.org_id, instance.subject_org, instance.developer_org)
        if actor.has_role(role) and org == actor.org_id:
            return "role"
    if actor.username == instance.started_by:
        start_org = cmd.session.scalar(select(JournalEntry.actor_org).where(
            JournalEntry.instance_id == instance.id, JournalEntry.command == "start"))
        others = cmd.session.scalar(select(JournalEntry.seq).where(
            JournalEntry.instance_id == instance.id, JournalEntry.actor.is_not(None),
            JournalEntry.actor_org != start_org, JournalEntry.command.not_in(("cc", "urge"))).limit(1))
        if others is not None:
            raise Conflict("其他单位已办理本办件，发起人不能再终止，请联系管理员")
        return "starter"
    raise Forbidden("只有发起人（其他单位办理之前）、流程模型允许的角色或管理员可以终止办件")


def terminate(cmd: Command, reason: str) -> None:
    instance = cmd.instance
    if instance.status in ("completed", "terminated"):
        raise Conflict(f"办件当前状态为{status_label(instance.status)}，不能终止")
    rule = terminate_rule(cmd)
    previous = instance.status
    holders = sorted({r.assignee for r in cmd.session.scalars(select(HumanTask).where(
        HumanTask.instance_id == instance.id, HumanTask.state == "ready")) if r.assignee})
    steps = runner.terminate(cmd.definition, cmd.workflow)
    command = CaseCommand(cmd.session, instance, cmd.definition, cmd.actor, cmd.at, cmd.workflow, comment=reason,
                          extra={"from_status": previous, "rule": rule})
    record(command, steps, **workflow_values(command, status="terminated"))
    sync_tasks(command, cmd.directory)
    cmd.notify(holders, "terminated")
    cmd.send_notices(reason)
