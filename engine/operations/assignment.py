"""转办 (transfer) and 委派 (delegate): another user takes the step; the workflow does not move.

转办 hands the step over for good. 委派 lends it: the delegate fills in the form and
"completes" it (journal ``resolve``), which does not complete the step but returns it
to the delegator with the delegate's data proposed and their opinion; the delegator
confirms or changes it and completes. Both opinions stay in the journal.

Whom a step may go to: :func:`engine.operations.people.candidates` (its role at its
organisation, plus the model's ``candidateRoles``).
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task

from engine.definitions.compile import CompiledDefinition
from engine.errors import Conflict, Forbidden, Problem, ValidationFailed
from engine.operations import people, policy, state
from engine.operations.base import Command, mark_outcome
from engine.operations.state import Holding
from engine.runtime.runner import Outcome

# -- on the workflow (live and in replay) ------------------------------------------------------


def apply_transfer(definition: CompiledDefinition, workflow: BpmnWorkflow, task: Task, to_user: str) -> Outcome:
    state.write(task, Holding(assignee=to_user))
    return mark_outcome(definition, workflow, "transfer", task)


def apply_delegate(definition: CompiledDefinition, workflow: BpmnWorkflow, task: Task, to_user: str,
                   by: str) -> Outcome:
    state.write(task, Holding(assignee=to_user, delegated_by=by))
    return mark_outcome(definition, workflow, "delegate", task)


def apply_resolve(definition: CompiledDefinition, workflow: BpmnWorkflow, task: Task, user: str,
                  data: dict[str, Any], comment: str | None) -> Outcome:
    holding = state.read(task)
    state.write(task, Holding(assignee=holding.delegated_by,
                              proposal={"data": data, "by": user, "comment": comment}))
    return mark_outcome(definition, workflow, "resolve", task)


# -- the commands --------------------------------------------------------------------------------


def check_receiver(cmd: Command, user: str, operation: str, path: str = "to_user") -> people.Person:
    """``user`` may receive the step (转办, 委派, 加签), or a 422/403 naming why not."""
    assert cmd.row is not None
    if user == cmd.actor.username:
        raise ValidationFailed(f"不能{policy.name(operation)}给自己", [Problem(path, "不能是本人")])
    known = people.active_users(cmd.session, cmd.directory, [user])
    if user not in known:
        raise ValidationFailed("用户不存在或已停用", [Problem(path, f"没有在用的用户 {user}")])
    allowed = {p.username for p in people.candidates(cmd.session, cmd.directory, cmd.definition, cmd.instance,
                                                      cmd.row, set())}
    if user not in allowed:
        raise Forbidden(f"只能{policy.name(operation)}给本环节同单位同角色的人员"
                        f"（或流程模型 candidateRoles 允许的人员），{known[user].display_name}不在其列")
    return known[user]


def _check(cmd: Command, operation: str) -> None:
    assert cmd.row is not None
    policy.require_running(cmd.instance, operation)
    holding = cmd.holding
    policy.require_holder(cmd.actor, cmd.row, operation, holding)
    policy.require_model_allows(cmd.definition, cmd.row.element_id, operation)
    if holding.signing is not None:
        raise Conflict(f"加签尚未完成，不能{policy.name(operation)}")


def transfer(cmd: Command, to_user: str, comment: str | None) -> None:
    _check(cmd, "transfer")
    person = check_receiver(cmd, to_user, "transfer")
    assert cmd.task is not None
    extra = cmd.ordinal() | {"to_user": to_user}
    outcome = apply_transfer(cmd.definition, cmd.workflow, cmd.task, to_user)
    spiff_id = str(cmd.task.id)
    cmd.notify([to_user], "transferred", spiff_id)
    cmd.record(outcome, comment, extra, replaced={spiff_id: "transferred"},
               notes={spiff_id: {"origin": "transferred", "by": cmd.actor.username, "by_name": cmd.actor.display_name,
                                 "to_name": person.display_name, "comment": comment}})


def delegate(cmd: Command, to_user: str, comment: str | None) -> None:
    _check(cmd, "delegate")
    person = check_receiver(cmd, to_user, "delegate")
    assert cmd.task is not None
    extra = cmd.ordinal() | {"to_user": to_user}
    outcome = apply_delegate(cmd.definition, cmd.workflow, cmd.task, to_user, cmd.actor.username)
    spiff_id = str(cmd.task.id)
    cmd.notify([to_user], "delegated", spiff_id)
    cmd.record(outcome, comment, extra, replaced={spiff_id: "delegated"},
               notes={spiff_id: {"origin": "delegated", "by": cmd.actor.username, "by_name": cmd.actor.display_name,
                                 "to_name": person.display_name, "comment": comment}})


def resolve(cmd: Command, data: dict[str, Any], comment: str | None) -> None:
    """The delegate's submission (checked against the step's form by the caller): back to the delegator."""
    assert cmd.task is not None
    holding = cmd.holding
    delegator = holding.delegated_by or ""
    extra = cmd.ordinal()
    outcome = apply_resolve(cmd.definition, cmd.workflow, cmd.task, cmd.actor.username, data, comment)
    spiff_id = str(cmd.task.id)
    cmd.notify([delegator], "delegate_back", spiff_id)
    cmd.record(outcome, comment, extra, data=data, replaced={spiff_id: "resolved"},
               notes={spiff_id: {"origin": "delegate_back", "by": cmd.actor.username,
                                 "by_name": cmd.actor.display_name, "comment": comment, "proposal": data}})
