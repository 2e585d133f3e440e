"""What every operation command does: load the case (locked), check, change, write it all at once.

An operation runs in one write of :class:`engine.store.unit_of_work.UnitOfWork` (run again
after a lost race, under the request's Idempotency-Key). It loads the case as of the lock
(PostgreSQL: ``FOR UPDATE``, like task completion), performs its change on the workflow,
and :meth:`Command.record` writes in the same transaction, as a
:class:`engine.store.case_store.CaseCommand`, the case row and the journal (``record``),
the task rows (``sync_tasks``, then :func:`engine.operations.rows.project`) and the
notifications.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.definitions.compile import CompiledDefinition
from engine.definitions.registry import DefinitionRegistry
from engine.errors import Conflict, NotFound, Problem, ValidationFailed
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.notifications import notify
from engine.operations import rows, state
from engine.operations.state import Holding
from engine.runtime import runner
from engine.runtime.runner import Outcome, Step
from engine.store.case_store import CaseCommand, load_task, record, sync_tasks, workflow_values
from engine.store.models import HumanTask, ProcessInstance
from engine.store.unit_of_work import UnitOfWork

MAX_COMMENT_CHARS = 2000


@dataclass
class Env:
    """What operation commands run against (one per engine)."""

    uow: UnitOfWork
    registry: DefinitionRegistry
    clock: Clock
    directory: Callable[[Session], OrgDirectory]
    urge_interval_seconds: int = 3600
    # what a command threw for other cases (messages, signals) goes to engine/messages (set by WorkflowEngine)
    on_events: Any = None


@dataclass
class Command:
    """One operation on one case, as loaded in its transaction."""

    session: Session
    actor: Actor
    at: datetime
    instance: ProcessInstance
    definition: CompiledDefinition
    workflow: BpmnWorkflow
    directory: OrgDirectory
    row: HumanTask | None = None  # the task row the operation was asked on
    task: Task | None = None  # its ready SpiffWorkflow task
    notices: list[tuple[list[str], str, int | str | None]] = field(default_factory=list)
    on_events: Any = None  # Env.on_events

    @property
    def holding(self) -> Holding:
        assert self.task is not None
        return state.read(self.task)

    def ordinal(self) -> dict[str, Any]:
        assert self.task is not None
        return {"task_ordinal": state.ordinal(self.workflow, self.task)}

    def notify(self, users: list[str], kind: str, task: int | str | None = None, per_signer: bool = False) -> None:
        """Tell ``users`` once the command is written; ``task``: a row id, or a SpiffWorkflow task id
        whose (new) step row the notice points at (``per_signer``: each user's own signer row)."""
        if per_signer and isinstance(task, str):
            for user in users:
                self.notices.append(([user], kind, f"{task}:{user}"))
        else:
            self.notices.append((users, kind, task))

    def case_command(self, comment: str | None, data: dict[str, Any] | None = None,
                     extra: dict[str, Any] | None = None, journal_task: HumanTask | None = None) -> CaseCommand:
        """The command as the store writes it; its journal entry names ``journal_task`` (else the row asked on)."""
        return CaseCommand(self.session, self.instance, self.definition, self.actor, self.at, self.workflow,
                           task=journal_task or self.row, data=data, comment=comment, extra=extra)

    def record(self, outcome: Outcome | list[Step], comment: str | None, extra: dict[str, Any] | None = None,
               data: dict[str, Any] | None = None, closing: dict[int, tuple[str, str | None]] | None = None,
               replaced: dict[str, str] | None = None, notes: dict[str, dict[str, Any]] | None = None,
               status: str | None = None, journal_task: HumanTask | None = None) -> dict[str, HumanTask]:
        """Write the case row, the journal entries (the first is the command), the task rows, the notices.

        ``closing``: row id → (state, by) for rows this command finished itself (before ``sync_tasks``
        cancels the rest of those whose step is no longer ready).
        """
        steps, known = (outcome, None) if isinstance(outcome, list) else (outcome.steps, outcome)
        command = self.case_command(comment, data, extra, journal_task)
        record(command, steps, **workflow_values(command, status=status,
                                                 state=known.state if known is not None else None,
                                                 directory=self.directory))
        for row_id, (closing_state, by) in (closing or {}).items():
            rows.close(self.session, row_id, closing_state, self.at, by)
        # the entry names the step, but no row is completed by the store: the operation closes its own
        sync_tasks(replace(command, task=None), self.directory,
                   ready_tasks=known.ready if known is not None else None)
        projected = rows.project(self.session, self.instance, self.workflow, self.at, self.actor.username,
                                 replaced, notes)
        self.send_notices(comment, projected)
        if known is not None and known.events and self.on_events is not None:  # a step completed by 加签 threw
            self.on_events(self.session, self.instance, known, self.actor, self.at)
        return projected

    def journal_only(self, command: str, comment: str | None, extra: dict[str, Any],
                     journal_task: HumanTask | None = None) -> None:
        """A command that changes neither the workflow nor its holders (抄送, 催办): journal entry only."""
        steps = runner.mark(self.definition, self.workflow, command)
        record(self.case_command(comment, None, extra, journal_task), steps)
        self.send_notices(comment)

    def send_notices(self, comment: str | None, projected: dict[str, HumanTask] | None = None) -> None:
        for users, kind, task in self.notices:
            if isinstance(task, str):
                row = (projected or {}).get(task)
                task = row.id if row is not None else None
            notify(self.session, users, kind, self.instance.id, self.at, self.actor.username, comment, task)
        self.notices.clear()


    def record_failure(self, command: str, data: dict[str, Any] | None, comment: str | None,
                       extra: dict[str, Any], exc: Exception) -> None:
        """A model's script failed while the step completed: the case stops in error, nothing of the
        command is applied (as a failed completion; an admin resumes the case)."""
        assert self.row is not None
        message = runner.failure_message(exc)
        stored = self.definition.codec.loads(self.instance.snapshot)
        info = self.definition.elements.get(self.row.element_id)
        step = Step(self.row.element_id, info.name if info else self.row.name, "userTask", command=command,
                    result={"error": message}, state_hash=runner.case_state(self.definition, stored).digest())
        record(self.case_command(comment, data, extra), [step], status="error", error=message, updated_at=self.at)
        self.notices.clear()


def mark_outcome(definition: CompiledDefinition, workflow: BpmnWorkflow, command: str, task: Task | None) -> Outcome:
    """``runner.mark`` naming ``task``, with the case as it then stands."""
    steps = runner.mark(definition, workflow, command, task)
    case_state, ready = runner.observe(definition, workflow)
    return Outcome(steps, case_state, ready)


def clean_comment(comment: str | None, required: bool = True, what: str = "办理意见") -> str | None:
    text = (comment or "").strip()
    if not text:
        if required:
            raise ValidationFailed(f"必须填写{what}", [Problem("comment", f"{what}不能为空")])
        return None
    if len(text) > MAX_COMMENT_CHARS:
        raise ValidationFailed(f"{what}过长", [Problem("comment", f"最多 {MAX_COMMENT_CHARS} 个字符")])
    return text


def lock_instance(env: Env, session: Session, instance_id: int) -> ProcessInstance:
    instance = session.get(ProcessInstance, instance_id, with_for_update=not env.uow.is_sqlite,
                           populate_existing=not env.uow.is_sqlite)
    if instance is None:
        raise NotFound(f"办件 {instance_id} 不存在")
    return instance


def load_row(env: Env, session: Session, task_id: int) -> tuple[HumanTask, ProcessInstance]:
    """A task row and its case, the case locked and the row re-read as of the lock."""
    row, instance = load_task(session, task_id)
    if row is None:
        raise NotFound(f"任务 {task_id} 不存在")
    if not env.uow.is_sqlite:
        instance = lock_instance(env, session, row.instance_id)
        session.refresh(row)
    if instance is None:
        raise NotFound(f"办件 {row.instance_id} 不存在")
    return row, instance


def command_for(env: Env, session: Session, actor: Actor, instance: ProcessInstance,
                row: HumanTask | None = None) -> Command:
    definition = env.registry.compiled(session, instance.definition_id)
    workflow = definition.codec.loads(instance.snapshot)
    command = Command(session, actor, env.clock.now(), instance, definition, workflow, env.directory(session), row,
                      on_events=env.on_events)
    if row is not None and row.state == "ready":
        command.task = runner.ready_user_task(workflow, row.spiff_task_id)
        if command.task is None:
            raise Conflict("任务与办件状态不一致，请刷新后重试")
    return command
