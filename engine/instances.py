"""Commands on cases. One command = one transaction writing snapshot, task rows and journal."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from . import access, runtime
from .actors import Actor
from .bpmn_model import CompiledDefinition
from .business_keys import next_business_key
from .clock import Clock
from .definitions import DefinitionRegistry
from .errors import BadRequest, Conflict, NotFound, Problem, ValidationFailed
from .forms import validate_submission
from .journal import GENESIS_HASH, Entry, entry_hash
from .orgs import OrgDirectory
from .runtime import Step
from .sandbox import SandboxError
from .store.db import Database
from .store.models import HumanTask, JournalEntry, ProcessInstance

log = logging.getLogger(__name__)

ORG_FIELDS = ("subject_org", "developer_org")
MAX_RETRIES = 5


class VersionConflict(Exception):
    """Another command changed the case between our read and our write: retry."""


@dataclass
class CommandResult:
    instance_id: int
    status: str


def _engine_failure(exc: Exception) -> str:
    text = str(exc).strip() or exc.__class__.__name__
    return text.splitlines()[0][:500]


class InstanceService:
    def __init__(self, db: Database, registry: DefinitionRegistry, clock: Clock,
                 directory_loader: Any) -> None:
        self.db = db
        self.registry = registry
        self.clock = clock
        self._directory = directory_loader

    # -- commands ---------------------------------------------------------------------------

    def start(self, actor: Actor, key: str, org: str | None, data: dict[str, Any]) -> int:
        return self._with_retry(lambda s: self._start(s, actor, key, org, data))

    def complete(self, actor: Actor, task_id: int, data: dict[str, Any], comment: str | None) -> int:
        return self._with_retry(lambda s: self._complete(s, actor, task_id, data, comment))

    def _with_retry(self, command: Any) -> int:
        for attempt in range(MAX_RETRIES):
            session = self.db.writer()
            try:
                with session.begin():
                    return command(session)
            except (VersionConflict, IntegrityError) as exc:
                log.info("retrying command after %s (attempt %d)", exc.__class__.__name__, attempt + 1)
            except OperationalError as exc:
                if "locked" not in str(exc) and "deadlock" not in str(exc):
                    raise
            finally:
                session.close()
        raise Conflict("办件正被他人同时办理，请稍后重试")

    def _start(self, session: Session, actor: Actor, key: str, org: str | None, data: dict[str, Any]) -> int:
        directory: OrgDirectory = self._directory(session)
        row = self.registry.latest(session, key)
        definition = self.registry.compiled(session, row.id)
        case_org = org or self._default_case_org(directory, actor, data)
        if case_org not in directory.orgs:
            raise BadRequest(f"单位 {case_org} 不存在", [Problem("org", "未知单位")])
        validate_submission(definition, definition.start_form, data) if definition.start_form else \
            self._check_plain_start_data(data)
        subject_org, developer_org = self._org_fields(directory, case_org, data)
        start_role = definition.start_role
        role_org = directory.task_org(start_role, case_org, subject_org, developer_org)
        access.require_start(actor, start_role, role_org, key)

        at = self.clock.now()
        try:
            workflow, steps = runtime.start(definition, data)
            status, error = self._status(workflow), None
        except (SpiffWorkflowException, SandboxError) as exc:
            raise BadRequest(f"流程无法启动：{_engine_failure(exc)}") from exc
        instance = ProcessInstance(
            business_key=next_business_key(session, key, at),
            definition_id=row.id, definition_key=key, status=status, org_id=case_org,
            subject_org=subject_org, developer_org=developer_org,
            snapshot=definition.codec.dumps(workflow), data=runtime.case_data(workflow),
            end_event=None, error=error, version=1, journal_seq=0, journal_hash=GENESIS_HASH,
            started_by=actor.username, created_at=at, updated_at=at,
        )
        state = runtime.case_state(definition, workflow)
        instance.end_event = state.end_event
        session.add(instance)
        session.flush()
        steps[0].result = {}
        self._append_journal(session, instance, steps, actor, at, data, None, None)
        self._sync_tasks(session, instance, definition, workflow, directory, at, None, None)
        return instance.id

    def _complete(self, session: Session, actor: Actor, task_id: int, data: dict[str, Any],
                  comment: str | None) -> int:
        task_row = session.get(HumanTask, task_id)
        if task_row is None:
            raise NotFound(f"任务 {task_id} 不存在")
        if task_row.state != "ready":
            raise Conflict("该任务已办理完毕或已取消")
        access.require_task_actor(actor, task_row)
        instance = session.get(ProcessInstance, task_row.instance_id)
        if instance is None:
            raise NotFound(f"办件 {task_row.instance_id} 不存在")
        if instance.status != "running":
            raise Conflict(f"办件当前状态为 {instance.status}，不能办理")
        definition = self.registry.compiled(session, instance.definition_id)
        validate_submission(definition, definition.form_for(task_row.element_id), data)
        directory: OrgDirectory = self._directory(session)

        workflow = definition.codec.loads(instance.snapshot)
        spiff_task = next((t for t in runtime.ready_user_tasks(workflow)
                           if str(t.id) == task_row.spiff_task_id), None)
        if spiff_task is None:
            raise Conflict("任务与办件状态不一致，请刷新后重试")
        at = self.clock.now()
        try:
            steps = runtime.complete(definition, workflow, spiff_task, data)
        except (SpiffWorkflowException, SandboxError) as exc:
            self._record_failure(session, instance, definition, actor, at, task_row, data, comment, exc)
            return instance.id
        self._save(session, instance, definition, workflow, at)
        self._append_journal(session, instance, steps, actor, at, data, comment, task_row.id)
        self._sync_tasks(session, instance, definition, workflow, directory, at, task_row, actor)
        return instance.id

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _default_case_org(directory: OrgDirectory, actor: Actor, data: dict[str, Any]) -> str:
        """A case belongs to the street office of the village or community it concerns, else to the starter's."""
        subject = data.get("subject_org")
        if isinstance(subject, str) and subject in directory.orgs:
            for node in directory.ancestors(subject):
                if node.level == "street":
                    return node.id
        return actor.org_id

    @staticmethod
    def _check_plain_start_data(data: dict[str, Any]) -> None:
        extra = [k for k in data if k not in ORG_FIELDS]
        if extra:
            raise ValidationFailed("该流程的发起表单不接受这些字段",
                                   [Problem(k, "表单中没有这个字段") for k in extra])

    @staticmethod
    def _org_fields(directory: OrgDirectory, case_org: str,
                    data: dict[str, Any]) -> tuple[str | None, str | None]:
        subject = data.get("subject_org")
        developer = data.get("developer_org")
        problems = []
        if subject is not None and (not isinstance(subject, str) or subject not in directory.orgs):
            problems.append(Problem("subject_org", "未知单位"))
        elif subject is not None and not directory.is_within(subject, case_org):
            problems.append(Problem("subject_org", "该村（社区）不属于办件所在单位"))
        if developer is not None and (not isinstance(developer, str) or developer not in directory.orgs):
            problems.append(Problem("developer_org", "未知单位"))
        elif developer is not None and directory.orgs[developer].level != "external":
            problems.append(Problem("developer_org", "开发建设单位必须是外部单位"))
        if problems:
            raise ValidationFailed("发起数据中的单位不正确", problems)
        return subject, developer

    @staticmethod
    def _status(workflow: BpmnWorkflow) -> str:
        return "completed" if workflow.is_completed() else "running"

    def _save(self, session: Session, instance: ProcessInstance, definition: CompiledDefinition,
              workflow: BpmnWorkflow, at: datetime) -> None:
        state = runtime.case_state(definition, workflow)
        values = {
            "snapshot": definition.codec.dumps(workflow),
            "data": state.data,
            "status": "completed" if state.finished else "running",
            "end_event": state.end_event,
            "updated_at": at,
            "version": instance.version + 1,
        }
        result = session.execute(update(ProcessInstance)
                                 .where(ProcessInstance.id == instance.id,
                                        ProcessInstance.version == instance.version)
                                 .values(**values).execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise VersionConflict()
        for name, value in values.items():
            setattr(instance, name, value)

    def _record_failure(self, session: Session, instance: ProcessInstance, definition: CompiledDefinition,
                        actor: Actor, at: datetime, task_row: HumanTask, data: dict[str, Any],
                        comment: str | None, exc: Exception) -> None:
        """A model's script failed: keep the submission in the journal and put the case in error."""
        message = _engine_failure(exc)
        state_hash = runtime.case_state(definition, definition.codec.loads(instance.snapshot)).digest()
        step = Step(task_row.element_id, task_row.name, "userTask", command="complete",
                    result={"error": message}, state_hash=state_hash)
        result = session.execute(update(ProcessInstance)
                                 .where(ProcessInstance.id == instance.id,
                                        ProcessInstance.version == instance.version)
                                 .values(status="error", error=message, updated_at=at,
                                         version=instance.version + 1)
                                 .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise VersionConflict()
        instance.version += 1
        self._append_journal(session, instance, [step], actor, at, data, comment, task_row.id)

    def _append_journal(self, session: Session, instance: ProcessInstance, steps: list[Step], actor: Actor,
                        at: datetime, data: dict[str, Any], comment: str | None, task_id: int | None) -> None:
        seq, prev = instance.journal_seq, instance.journal_hash
        rows = []
        for index, step in enumerate(steps):
            is_command = index == 0
            payload: dict[str, Any] = {}
            if is_command:
                payload["data"] = data
            if step.flows:
                payload["flows"] = step.flows
            if step.result:
                payload["result"] = step.result
            entry = Entry(
                command=step.command, at=at,
                actor=actor.username if is_command else None,
                actor_role=None, actor_org=actor.org_id if is_command else None,
                element_id=step.element_id, element_name=step.element_name,
                element_type=step.element_type, task_id=task_id if is_command else None,
                payload=payload, comment=comment if is_command else None, state_hash=step.state_hash,
            )
            if is_command:
                entry.actor_role = self._acting_role(session, task_id, actor)
            seq += 1
            digest = entry_hash(instance.id, seq, entry, prev)
            rows.append({
                "instance_id": instance.id, "seq": seq, "at": at, "command": entry.command,
                "actor": entry.actor, "actor_role": entry.actor_role, "actor_org": entry.actor_org,
                "element_id": entry.element_id, "element_name": entry.element_name,
                "element_type": entry.element_type, "task_id": entry.task_id, "payload": entry.payload,
                "comment": entry.comment, "state_hash": entry.state_hash, "prev_hash": prev, "hash": digest,
            })
            prev = digest
        if rows:
            session.execute(JournalEntry.__table__.insert(), rows)
        session.execute(update(ProcessInstance).where(ProcessInstance.id == instance.id)
                        .values(journal_seq=seq, journal_hash=prev).execution_options(synchronize_session=False))
        instance.journal_seq, instance.journal_hash = seq, prev

    @staticmethod
    def _acting_role(session: Session, task_id: int | None, actor: Actor) -> str | None:
        if task_id is not None:
            row = session.get(HumanTask, task_id)
            if row is not None:
                return row.role
        return ",".join(sorted(actor.roles)) or None

    def _sync_tasks(self, session: Session, instance: ProcessInstance, definition: CompiledDefinition,
                    workflow: BpmnWorkflow, directory: OrgDirectory, at: datetime,
                    completed: HumanTask | None, actor: Actor | None) -> None:
        """Make the human-task rows match the workflow's ready user tasks."""
        ready = {str(t.id): t for t in runtime.ready_user_tasks(workflow)}
        existing = list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                                HumanTask.state == "ready")))
        for row in existing:
            if completed is not None and row.id == completed.id:
                row.state, row.completed_at = "completed", at
                row.completed_by = actor.username if actor else None
            elif row.spiff_task_id not in ready:
                row.state, row.completed_at = "cancelled", at
        still_open = {row.spiff_task_id for row in existing
                      if row.state == "ready" and row.spiff_task_id in ready}
        for spiff_id, task in ready.items():
            if spiff_id in still_open:
                continue
            element = definition.elements[runtime.bpmn_id(task) or ""]
            session.add(HumanTask(
                instance_id=instance.id, spiff_task_id=spiff_id, element_id=element.id, name=element.name,
                role=element.lane, org_id=directory.task_org(element.lane, instance.org_id,
                                                             instance.subject_org, instance.developer_org),
                state="ready", created_at=at,
            ))
