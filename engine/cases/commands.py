"""Starting and completing cases. One command = one unit of work writing the case row, its journal and task rows."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy.orm import Session

from engine.audit.journal import GENESIS_HASH
from engine.cases import links, receipts
from engine.cases.business_keys import next_business_key
from engine.cases.start_data import with_start_data
from engine.cases.status import status_label
from engine.cases.titles import render_case_title
from engine.clock import Clock
from engine.definitions.compile import CompiledDefinition
from engine.definitions.registry import DefinitionRegistry
from engine.errors import BadRequest, Conflict, NotFound, Problem, ValidationFailed
from engine.forms.attachments import check_attachments
from engine.forms.cross_checks import checks_of, run_checks
from engine.forms.org_fields import check_org_fields
from engine.forms.validation import validate_submission
from engine.identity import access
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.messages.events import waiting
from engine.operations import completion
from engine.runtime import callees, runner
from engine.runtime.runner import Step
from engine.sandbox.evaluator import SandboxError
from engine.store.case_store import (
    CaseCommand,
    insert_instance,
    load_task,
    record,
    sync_tasks,
    workflow_values,
    written_together,
)
from engine.store.models import ProcessInstance
from engine.store.unit_of_work import BUSINESS_KEY, UnitOfWork

log = logging.getLogger(__name__)

# the data fields that name the case's village/community and developer (lane scopes "subject"/"developer");
# the level each takes is declared by the start form (x-org-level, engine/forms/org_fields.py)
ORG_FIELDS = ("subject_org", "developer_org")


def _task_ordinal(workflow: BpmnWorkflow, task: Any) -> dict[str, Any] | None:
    """When several ready tasks share the element, which one this is (replay picks the same)."""
    same = [t for t in runner.ready_user_tasks(workflow) if runner.bpmn_id(t) == runner.bpmn_id(task)]
    return {"task_ordinal": same.index(task)} if len(same) > 1 else None


RACE_MESSAGE = "办件正被他人同时办理，请稍后重试"


class InstanceService:
    def __init__(self, uow: UnitOfWork, registry: DefinitionRegistry, clock: Clock,
                 directory_loader: Any) -> None:
        self.uow = uow
        self.registry = registry
        self.clock = clock
        self._directory = directory_loader
        # what a command threw for other cases goes to engine/messages (set by WorkflowEngine)
        self.on_events: Any = None

    # -- commands ---------------------------------------------------------------------------

    def start(self, actor: Actor, key: str, org: str | None, data: dict[str, Any]) -> int:
        """Start a case of the latest version of ``key``; returns its id."""
        # two starts drawing the same business key on PostgreSQL: the later one runs again and draws the next
        return self.uow.write(lambda s: self._start(s, actor, key, org, data), unique_races=(BUSINESS_KEY,),
                              conflict_message=RACE_MESSAGE)

    def complete(self, actor: Actor, task_id: int, data: dict[str, Any], comment: str | None) -> int:
        """Submit a task's form (and an opinion); returns the case's id."""
        return self.uow.write(lambda s: self._complete(s, actor, task_id, data, comment),
                              conflict_message=RACE_MESSAGE)

    def _start(self, session: Session, actor: Actor, key: str, org: str | None, data: dict[str, Any]) -> int:
        return self.start_in(session, actor, key, org, data)

    def start_in(self, session: Session, actor: Actor, key: str, org: str | None, data: dict[str, Any],
                 extra: dict[str, Any] | None = None) -> int:
        """The start command inside a caller's transaction (also a linked case, engine/cases/links.py)."""
        directory: OrgDirectory = self._directory(session)
        definition_id, definition_version = self.registry.latest_id(session, key)
        definition = self.registry.compiled(session, definition_id)
        case_org = org or self._default_case_org(directory, actor, data)
        if case_org not in directory.orgs:
            raise BadRequest(f"单位 {case_org} 不存在", [Problem("org", "未知单位")])
        subject_org, developer_org = self._org_fields(directory, case_org, data)
        if definition.start_timer is not None:
            raise BadRequest("该流程由定时器按时自动发起，不能手动发起")
        if not definition.events.plain_start:
            names = "、".join(f"「{use.name}」" for use in definition.events.starts)
            raise Conflict(f"流程 {key} 由消息或信号{names}发起，不能直接发起：请发送该消息（POST /messages）")
        start_role = definition.start_role
        role_org = directory.task_org(start_role, case_org, subject_org, developer_org)
        access.require_start(actor, start_role, role_org, key)
        if definition.start_form is not None:
            start_schema = definition.forms[definition.start_form.schema_file]
            validate_submission(definition, definition.start_form, data)
            check_org_fields(start_schema, directory, actor.org_id, data)
            run_checks(start_schema, None, data)
        else:
            self._check_plain_start_data(data)

        return self.create_case(session, directory, actor, key, definition_id, definition_version, definition,
                                case_org, subject_org, developer_org, data, self.clock.now(), extra)

    def create_case(self, session: Session, directory: OrgDirectory, actor: Actor, key: str, definition_id: int,
                    definition_version: int, definition: CompiledDefinition, case_org: str,
                    subject_org: str | None, developer_org: str | None, data: dict[str, Any], at: datetime,
                    extra: dict[str, Any] | None = None) -> int:
        """The start command's writes, once who may start and with what is settled (also a timer start)."""
        data = with_start_data(session, definition, case_org, data, at)  # journalled with the start
        try:
            with callees.resolving(self.registry.callee_resolver(session)):
                workflow, outcome = runner.start_case(definition, data)
        except (SpiffWorkflowException, SandboxError) as exc:
            raise BadRequest(f"流程无法启动：{runner.failure_message(exc)}") from exc
        state = outcome.state
        # inserted at version 0 with an empty journal; recording the start makes it version 1
        instance = insert_instance(session, {
            "business_key": next_business_key(session, key, at),
            "definition_id": definition_id, "definition_key": key,
            "status": "completed" if state.finished else "running",
            "org_id": case_org, "subject_org": subject_org, "developer_org": developer_org,
            "snapshot": definition.codec.dumps(workflow), "data": state.data, "end_event": state.end_event,
            "error": None, "case_title": render_case_title(definition.case_title, state.data, directory),
            "version": 0, "journal_seq": 0, "journal_hash": GENESIS_HASH,
            "started_by": actor.username, "created_at": at, "updated_at": at,
        })
        receipts.issue(session, instance.id, at)  # the starter's 回执 with its check code
        command = CaseCommand(session, instance, definition, actor, at, workflow, data=data,
                              extra={"definition_key": key, "definition_version": definition_version,
                                     **(extra or {})}, subscribed=False)  # inserted just now
        with written_together(command), runner.settled(workflow, outcome.steps):  # the hooks only journal
            record(command, outcome.steps)
            sync_tasks(command, directory, ready_tasks=outcome.ready)
        self._hand_on(session, instance, outcome, actor, at, definition)
        return instance.id

    def _complete(self, session: Session, actor: Actor, task_id: int, data: dict[str, Any],
                  comment: str | None) -> int:
        # PostgreSQL: the case row is locked before task and case are read (SQLite: BEGIN IMMEDIATE
        # already serialises writers)
        task_row, instance = load_task(session, task_id, lock=not self.uow.is_sqlite)
        if task_row is None:
            raise NotFound(f"任务 {task_id} 不存在")
        if instance is None:
            raise NotFound(f"办件 {task_row.instance_id} 不存在")
        if task_row.state != "ready":
            raise Conflict("该任务已办理完毕或已取消")
        access.require_task_actor(actor, task_row)
        if instance.status != "running":
            raise Conflict(f"办件当前状态为{status_label(instance.status)}，不能办理")
        if task_row.held:
            raise Conflict("该任务正等待加签人签署，暂不能办理")
        definition = self.registry.compiled(session, instance.definition_id)
        # a task of a called procedure has that procedure's form; a signer's row (加签) has the sign form
        forms_of = self.registry.compiled(session, task_row.definition_id) if task_row.definition_id else definition
        form = None
        if task_row.kind == "task":
            form = forms_of.form_for(task_row.element_id)
            validate_submission(forms_of, form, data)
        directory: OrgDirectory = self._directory(session)
        if form is not None:
            check_org_fields(forms_of.forms[form.schema_file], directory, actor.org_id, data)
        check_attachments(session, forms_of.forms[form.schema_file] if form else None, instance.id, data)

        workflow = definition.codec.loads(instance.snapshot)
        spiff_task = runner.ready_user_task(workflow, task_row.spiff_task_id)
        if spiff_task is None:
            raise Conflict("任务与办件状态不一致，请刷新后重试")
        form_schema = forms_of.forms[form.schema_file] if form is not None else None
        if checks_of(form_schema):  # cross-field checks see the task's data (a multi-instance item too)
            run_checks(form_schema, {**(instance.data or {}), **spiff_task.data}, data)
        at = self.clock.now()
        # approval operations under way on the step (加签, 委派) take the completion elsewhere
        if task_row.kind == "sign" or completion.involved(spiff_task):
            operation = completion.command(session, actor, at, instance, definition, workflow, directory,
                                           task_row, spiff_task, self.on_events)
            with callees.resolving(self.registry.callee_resolver(session)):
                if task_row.kind == "sign":
                    completion.sign(operation, data, comment)
                    return instance.id
                if completion.take_over(operation, data, comment):
                    return instance.id
        command = CaseCommand(session, instance, definition, actor, at, workflow, task=task_row,
                              data=data, comment=comment, extra=_task_ordinal(workflow, spiff_task),
                              subscribed=bool(waiting(workflow)) if definition.events.waits else None)
        try:
            with callees.resolving(self.registry.callee_resolver(session)):
                outcome = runner.complete_task(definition, workflow, spiff_task, data)
        except (SpiffWorkflowException, SandboxError) as exc:
            self._record_failure(command, exc)
            return instance.id
        # with the clock's and the 抄送's entries, hashed as the run left the workflow (they journal, never run it)
        with written_together(command), runner.settled(workflow, outcome.steps):
            record(command, outcome.steps, **workflow_values(command, state=outcome.state, directory=directory))
            sync_tasks(command, directory, ready_tasks=outcome.ready)
            if completion.copies_on_completion(definition, task_row.element_id):  # the model's 抄送 (ccRoles)
                completion.after_completion(completion.command(session, actor, command.at, instance, definition,
                                                               workflow, directory, task_row, None), task_row)
        self._hand_on(session, instance, outcome, actor, command.at, definition)
        return instance.id

    def _hand_on(self, session: Session, instance: ProcessInstance, outcome: runner.Outcome, actor: Actor,
                 at: datetime, definition: CompiledDefinition) -> None:
        links.start_linked_cases(self, session, instance, definition, outcome, actor, at)
        if outcome.events and self.on_events is not None:
            self.on_events(session, instance, outcome, actor, at)

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
        if problems:
            raise ValidationFailed("发起数据中的单位不正确", problems)
        return subject, developer

    @staticmethod
    def _record_failure(command: CaseCommand, exc: Exception) -> None:
        """A model's script failed: keep the submission in the journal and put the case in error.

        The submission was not applied: the entry's state is the stored snapshot's, and the snapshot stays.
        """
        definition, task = command.definition, command.task
        assert task is not None
        message = runner.failure_message(exc)
        state_hash = runner.case_state(definition, definition.codec.loads(command.instance.snapshot)).digest()
        step = Step(task.element_id, task.name, "userTask", command="complete",
                    result={"error": message}, state_hash=state_hash)
        record(command, [step], status="error", error=message, updated_at=command.at)

