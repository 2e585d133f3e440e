"""Where a completion (``POST /tasks/{id}/complete``) goes when operations are under way on its step.

- a signer's row (加签): the signer signs (:func:`engine.operations.signers.sign`);
- a delegated step (委派): the delegate's submission goes back to the delegator (``resolve``);
- a step with a signing round: the holder's submission waits for the signers (``submit``);
- otherwise it is an ordinary completion, after which the model's 抄送 (``ccRoles``) is done.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task
from sqlalchemy.orm import Session

from engine.definitions.compile import CompiledDefinition
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.operations import assignment, copies, policy, signers, state
from engine.operations.base import Command
from engine.store.models import HumanTask, ProcessInstance


def command(session: Session, actor: Actor, at: datetime, instance: ProcessInstance, definition: CompiledDefinition,
            workflow: BpmnWorkflow, directory: OrgDirectory, row: HumanTask, task: Task | None,
            on_events: Any = None) -> Command:
    return Command(session, actor, at, instance, definition, workflow, directory, row, task, on_events=on_events)


def sign(cmd: Command, data: dict[str, Any], comment: str | None) -> None:
    signers.sign(cmd, data, comment)


def involved(task: Task) -> bool:
    """Whether operations are under way on ``task`` (cheap: a look at its internal data)."""
    return bool(task.internal_data.get(state.KEY))


def take_over(cmd: Command, data: dict[str, Any], comment: str | None) -> bool:
    """Send the holder's completion where the step's operations want it; False: complete as usual."""
    holding = cmd.holding
    if holding.delegated_by is not None:
        assignment.resolve(cmd, data, comment)
        return True
    if holding.signing is not None:
        signers.submit(cmd, data, comment)
        return True
    return False


def copies_on_completion(definition: CompiledDefinition, element_id: str) -> bool:
    return bool(policy.cc_roles(definition, element_id))


def after_completion(cmd: Command, row: HumanTask) -> None:
    copies.after_completion(cmd, row)
