"""Case administration by admins: suspend (挂起), resume (恢复), terminate (终止), each with a reason.

Each is one command in one unit of work: the case's status (optimistically
locked), its task rows and a journal entry whose comment is the reason.
A suspended case keeps its ready task rows; inboxes hide them and completing
one is refused until the case is resumed. Terminating cancels the workflow and
its open task rows; the journal keeps everything that happened before.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from engine.cases.status import STATUS_NAMES as STATUS_NAMES
from engine.cases.status import status_label
from engine.clock import Clock
from engine.definitions.registry import DefinitionRegistry
from engine.errors import Conflict, NotFound, Problem, ValidationFailed
from engine.identity import access
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.limits.tracking import after_status_change
from engine.runtime import runner
from engine.store.case_store import CaseCommand, record, sync_tasks, workflow_values
from engine.store.models import ProcessInstance
from engine.store.unit_of_work import UnitOfWork

MAX_REASON_CHARS = 2000
def _clean_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationFailed("必须填写原因", [Problem("reason", "原因不能为空")])
    if len(text) > MAX_REASON_CHARS:
        raise ValidationFailed("原因过长", [Problem("reason", f"最多 {MAX_REASON_CHARS} 个字符")])
    return text


class CaseAdmin:
    def __init__(self, uow: UnitOfWork, registry: DefinitionRegistry, clock: Clock,
                 directory_loader: Callable[[Session], OrgDirectory]) -> None:
        self.uow = uow
        self.registry = registry
        self.clock = clock
        self._directory = directory_loader

    def suspend(self, actor: Actor, instance_id: int, reason: str | None) -> int:
        text = _clean_reason(reason)
        return self.uow.write(lambda s: self._mark(s, actor, instance_id, text, "suspend",
                                                   ("running", "error"), "suspended"))

    def resume(self, actor: Actor, instance_id: int, reason: str | None) -> int:
        text = _clean_reason(reason)
        return self.uow.write(lambda s: self._mark(s, actor, instance_id, text, "resume",
                                                   ("suspended", "error"), "running"))

    def terminate(self, actor: Actor, instance_id: int, reason: str | None) -> int:
        text = _clean_reason(reason)
        return self.uow.write(lambda s: self._terminate(s, actor, instance_id, text))

    # -- commands ---------------------------------------------------------------------------

    def _load(self, session: Session, actor: Actor, instance_id: int) -> ProcessInstance:
        access.require_case_admin(actor)
        # PostgreSQL: lock the case row like task completion does, so commands on one case queue
        instance = session.get(ProcessInstance, instance_id, with_for_update=not self.uow.is_sqlite)
        if instance is None:
            raise NotFound(f"办件 {instance_id} 不存在")
        return instance

    def _mark(self, session: Session, actor: Actor, instance_id: int, reason: str, command: str,
              allowed_from: tuple[str, ...], new_status: str) -> int:
        instance = self._load(session, actor, instance_id)
        if instance.status not in allowed_from:
            raise Conflict(f"办件当前状态为{status_label(instance.status)}，不能{_VERBS[command]}")
        case_command = self._command(session, actor, instance, reason)
        steps = runner.mark(case_command.definition, case_command.workflow, command)
        # resuming also clears a script failure: the failed submission was never applied, so the
        # task is open again for a corrected submission
        values = {"status": new_status} | ({"error": None} if command == "resume" else {})
        record(case_command, steps, **values, updated_at=case_command.at)
        after_status_change(session, instance, case_command.definition, case_command.workflow, case_command.at,
                            command)  # time limits pause, resume
        return instance.id

    def _terminate(self, session: Session, actor: Actor, instance_id: int, reason: str) -> int:
        instance = self._load(session, actor, instance_id)
        if instance.status in ("completed", "terminated"):
            raise Conflict(f"办件当前状态为{status_label(instance.status)}，不能终止")
        command = self._command(session, actor, instance, reason)
        steps = runner.terminate(command.definition, command.workflow)
        record(command, steps, **workflow_values(command, status="terminated"))
        sync_tasks(command, self._directory(session))
        return instance.id

    def _command(self, session: Session, actor: Actor, instance: ProcessInstance, reason: str) -> CaseCommand:
        definition = self.registry.compiled(session, instance.definition_id)
        workflow = definition.codec.loads(instance.snapshot)
        return CaseCommand(session, instance, definition, actor, self.clock.now(), workflow, comment=reason,
                           extra={"from_status": instance.status})


_VERBS = {"suspend": "挂起", "resume": "恢复"}

