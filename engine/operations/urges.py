"""催办 (urge): the holders of a case's open steps are told to hurry; repeated urges are limited per step.

Who may urge: the case's starter, a clerk of an organisation above an open step's
(a supervisor), whoever completed a step of the case (waiting on the next one), and
admins. Each open step is urged at most once per ``urge_interval_seconds``; when every
open step was urged within it, the answer is 429 with the seconds to wait. The urge is
one ``urge`` journal entry naming the steps and users; each user gets a notification.
"""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import select, update

from engine.clock import as_utc
from engine.errors import Conflict, Forbidden, TooManyRequests
from engine.identity import access
from engine.operations import people, policy
from engine.operations.base import Command
from engine.store.models import HumanTask


def may_urge(cmd: Command, open_orgs: list[str | None]) -> bool:
    actor = cmd.actor
    if actor.is_admin or actor.username == cmd.instance.started_by:
        return True
    if any(access.is_supervisor(actor, cmd.directory, org) for org in open_orgs):
        return True
    return cmd.session.scalar(select(HumanTask.id).where(HumanTask.instance_id == cmd.instance.id,
                                                         HumanTask.completed_by == actor.username,
                                                         HumanTask.state == "completed").limit(1)) is not None


def urge(cmd: Command, comment: str | None, interval_seconds: int) -> None:
    policy.require_running(cmd.instance, "urge")
    targets = people.holders_of(cmd.session, cmd.instance.id)
    if not may_urge(cmd, [row.org_id for row, _ in targets]):
        raise Forbidden("只有发起人、上级单位、办理过本办件的人员或管理员可以催办")
    if not targets:
        raise Conflict("本办件当前没有可催办的环节")
    window = timedelta(seconds=interval_seconds)
    due = [(row, users) for row, users in targets
           if row.last_urged_at is None or cmd.at - (as_utc(row.last_urged_at) or cmd.at) >= window]
    if not due:
        wait = min(window - (cmd.at - (as_utc(row.last_urged_at) or cmd.at)) for row, _ in targets)
        raise TooManyRequests(f"已催办过，请 {math.ceil(wait.total_seconds() / 60)} 分钟后再催办",
                              max(1, math.ceil(wait.total_seconds())))
    users = [u for _, us in due for u in us]
    for row, row_users in due:
        cmd.notify(row_users, "urge", row.id)
    cmd.journal_only("urge", comment, {"task_ids": [row.id for row, _ in due], "users": list(dict.fromkeys(users))})
    cmd.session.execute(update(HumanTask).where(HumanTask.id.in_([row.id for row, _ in due]))
                        .values(last_urged_at=cmd.at))
