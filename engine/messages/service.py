"""Delivering messages and signals: from a case that threw one, or from an outside system.

Everything a send causes happens in the sender's transaction: each receiving
case gets a journalled command (``message``/``signal``, or ``message_start``/
``signal_start`` for a case the event starts), its snapshot, task rows and
subscriptions, and whatever the receivers throw in turn is delivered the same
way (at most :data:`MAX_DELIVERIES` per command, so two models cannot ping-pong
for ever).

Who receives: the running cases waiting for an event of that kind and name whose
correlation agrees (:func:`engine.messages.subscriptions.correlates`). A message
nobody waits for starts a case of each procedure whose start event waits for it;
a signal reaches every waiting case and starts those procedures too.

Who may send from outside (``POST /messages``, ``POST /signals``): admins, and a
user holding the role of the lane the waiting element (or the start event) is
in, at the organisation that lane is offered at in the case — the rule for acting
on a task (engine/identity/access.py). A case's own throws need no permission:
the model sends them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy.orm import Session

from engine.audit.journal import GENESIS_HASH
from engine.cases.business_keys import next_business_key
from engine.cases.commands import InstanceService
from engine.cases.titles import render_case_title
from engine.clock import Clock
from engine.definitions.compile import CompiledDefinition
from engine.definitions.registry import DefinitionRegistry
from engine.errors import BadRequest, Conflict, Forbidden, NotFound, Problem, ValidationFailed
from engine.forms.cross_checks import run_checks
from engine.forms.org_fields import check_org_fields
from engine.forms.validation import validate_submission
from engine.identity import access
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.messages import events
from engine.messages.catalogue import KIND_NAMES
from engine.messages.events import BUSINESS_KEY, NotWaiting, Thrown
from engine.messages.subscriptions import Candidate, candidates
from engine.runtime import callees, runner
from engine.runtime.runner import Outcome, Step
from engine.sandbox.evaluator import SandboxError
from engine.store.case_store import CaseCommand, record, sync_tasks, workflow_values
from engine.store.models import ProcessInstance
from engine.store.unit_of_work import UnitOfWork

MAX_DELIVERIES = 100


@dataclass
class Pending:
    event: Thrown
    actor: Actor
    origin: dict[str, Any] | None  # the case that threw it (None: an outside sender)
    from_outside: bool = False


@dataclass
class Report:
    delivered: list[dict[str, Any]] = field(default_factory=list)
    started: list[dict[str, Any]] = field(default_factory=list)
    refused: int = 0  # waiting cases the outside sender may not reach


class MessageService:
    def __init__(self, uow: UnitOfWork, registry: DefinitionRegistry, clock: Clock,
                 directory_loader: Callable[[Session], OrgDirectory]) -> None:
        self.uow = uow
        self.registry = registry
        self.clock = clock
        self._directory = directory_loader

    # -- outside senders ----------------------------------------------------------------------

    def send(self, actor: Actor, kind: str, name: str, correlation: dict[str, Any], data: dict[str, Any],
             org: str | None = None) -> dict[str, Any]:
        return self.uow.write(lambda s: self._send(s, actor, kind, name, correlation, data, org))

    def _send(self, session: Session, actor: Actor, kind: str, name: str, correlation: dict[str, Any],
              data: dict[str, Any], org: str | None) -> dict[str, Any]:
        if "auditor" in actor.roles and not actor.is_admin:
            raise Forbidden("审计督查只能查看，不能发送消息")
        # the message carries its correlation: the model reads the properties from the payload
        payload = {**{k: v for k, v in correlation.items() if k != BUSINESS_KEY}, **data}
        pending = Pending(Thrown(kind, name, payload, dict(correlation)), actor, None, from_outside=True)
        report = Report()
        self._drain(session, deque([pending]), self.clock.now(), report, org)
        what = f"{KIND_NAMES[kind]}「{name}」"
        if not report.delivered and not report.started:
            if report.refused:
                raise Forbidden(f"您无权向等待{what}的办件发送")
            hint = "（请检查关联属性或 business_key）" if correlation else "（消息须指明 business_key 或关联属性）"
            raise NotFound(f"没有办件在等待{what}，也没有流程由它发起{hint}")
        return {"delivered": report.delivered, "started": report.started}

    # -- cases that threw --------------------------------------------------------------------

    def dispatch(self, session: Session, sender: ProcessInstance, outcome: Outcome, actor: Actor,
                 at: datetime) -> None:
        """Deliver what a command on ``sender`` threw and none of its own tasks caught."""
        thrown = events.thrown(outcome)
        if not thrown:
            return
        origin = {"instance_id": sender.id, "business_key": sender.business_key}
        self._drain(session, deque(Pending(event, actor, origin) for event in thrown), at, Report(), None)

    # -- delivery ----------------------------------------------------------------------------

    def _drain(self, session: Session, queue: deque[Pending], at: datetime, report: Report,
               org: str | None) -> None:
        directory = self._directory(session)
        deliveries = 0
        while queue:
            pending = queue.popleft()
            event = pending.event
            exclude = pending.origin["instance_id"] if pending.origin else None
            reached = candidates(session, event.kind, event.name, event.correlation, exclude)
            if pending.from_outside:
                allowed = [c for c in reached if _may_send(pending.actor, c)]
                report.refused += len(reached) - len(allowed)
                reached = allowed
            for candidate in reached:
                deliveries += 1
                if deliveries > MAX_DELIVERIES:
                    raise Conflict(f"一次办理引起的消息、信号传递超过 {MAX_DELIVERIES} 次，已中止"
                                   "（流程模型之间可能循环发送）")
                outcome = self._deliver(session, candidate, pending, directory, at)
                if outcome is not None:
                    report.delivered.append({"instance_id": candidate.instance_id,
                                             "business_key": candidate.business_key,
                                             "element_id": candidate.element_id})
                    origin = {"instance_id": candidate.instance_id, "business_key": candidate.business_key}
                    queue.extend(Pending(e, pending.actor, origin) for e in events.thrown(outcome))
            if reached and event.kind == "message":
                continue
            for started, outcome in self._start_cases(session, pending, directory, at, org):
                deliveries += 1
                report.started.append(started)
                origin = {"instance_id": started["instance_id"], "business_key": started["business_key"]}
                queue.extend(Pending(e, pending.actor, origin) for e in events.thrown(outcome))

    def _extra(self, pending: Pending) -> dict[str, Any]:
        extra: dict[str, Any] = {pending.event.kind: pending.event.name, "correlation": pending.event.correlation}
        if pending.origin is not None:
            extra["from"] = pending.origin
        return extra

    def _deliver(self, session: Session, candidate: Candidate, pending: Pending, directory: OrgDirectory,
                 at: datetime) -> Outcome | None:
        instance = session.get(ProcessInstance, candidate.instance_id, with_for_update=not self.uow.is_sqlite,
                               populate_existing=True)
        if instance is None or instance.status != "running":
            return None
        definition = self.registry.compiled(session, instance.definition_id)
        workflow = definition.codec.loads(instance.snapshot)
        event = pending.event
        try:
            with callees.resolving(self.registry.callee_resolver(session)):
                outcome = events.deliver(definition, workflow, event.kind, event.name, candidate.element_id,
                                         event.payload)
        except NotWaiting:
            return None  # the subscription is stale; the store will be put right by the case's next command
        except (SpiffWorkflowException, SandboxError) as exc:
            self._record_failure(session, instance, definition, candidate, pending, at, exc)
            return None
        command = CaseCommand(session, instance, definition, pending.actor, at, workflow, data=event.payload,
                              extra=self._extra(pending))
        record(command, outcome.steps, **workflow_values(command, state=outcome.state, directory=directory))
        sync_tasks(command, directory, ready_tasks=outcome.ready)
        return outcome

    def _record_failure(self, session: Session, instance: ProcessInstance, definition: CompiledDefinition,
                        candidate: Candidate, pending: Pending, at: datetime, exc: Exception) -> None:
        """The receiver's script failed on the event: keep the delivery in its journal and put it in error."""
        message = runner.failure_message(exc)
        state_hash = runner.case_state(definition, definition.codec.loads(instance.snapshot)).digest()
        info = definition.elements.get(candidate.element_id)
        step = Step(candidate.element_id, info.name if info else None, info.type if info else None,
                    command=pending.event.kind, result={"error": message}, state_hash=state_hash)
        command = CaseCommand(session, instance, definition, pending.actor, at,
                              definition.codec.loads(instance.snapshot), data=pending.event.payload,
                              extra=self._extra(pending))
        record(command, [step], status="error", error=message, updated_at=at)

    def _start_cases(self, session: Session, pending: Pending, directory: OrgDirectory, at: datetime,
                     org: str | None) -> list[tuple[dict[str, Any], Outcome]]:
        started = []
        event = pending.event
        for row in self.registry.latest_all(session):
            definition = self.registry.compiled(session, row.id)
            for use in definition.events.starts_on(event.kind, event.name):
                started.append(self._start(session, row.id, row.version, definition, use.element_id, pending,
                                           directory, at, org))
        return started

    def _start(self, session: Session, definition_id: int, version: int, definition: CompiledDefinition,
               element_id: str, pending: Pending, directory: OrgDirectory, at: datetime,
               org: str | None) -> tuple[dict[str, Any], Outcome]:
        event, actor = pending.event, pending.actor
        data = event.payload if isinstance(event.payload, dict) else {}
        sender = session.get(ProcessInstance, pending.origin["instance_id"]) if pending.origin else None
        case_org = org or (sender.org_id if sender is not None else actor.org_id)
        if case_org not in directory.orgs:
            raise BadRequest(f"单位 {case_org} 不存在", [Problem("org", "未知单位")])
        fields = {k: data.get(k, getattr(sender, k, None)) for k in ("subject_org", "developer_org")}
        subject_org, developer_org = InstanceService._org_fields(directory, case_org, fields)
        role = definition.elements[element_id].lane
        if pending.from_outside and not actor.is_admin:
            access.require_start(actor, role, directory.task_org(role, case_org, subject_org, developer_org),
                                 definition.key)
        if definition.start_form is not None:
            try:
                validate_submission(definition, definition.start_form, data)
                check_org_fields(definition.forms[definition.start_form.schema_file], directory, None, data)
                run_checks(definition.forms[definition.start_form.schema_file], None, data)
            except ValidationFailed as exc:
                raise ValidationFailed(f"{KIND_NAMES[event.kind]}「{event.name}」发起「{definition.name}」的数据不符合"
                                       f"其发起表单：{exc.message}", exc.details) from exc
        try:
            with callees.resolving(self.registry.callee_resolver(session)):
                workflow, outcome = events.start_with(definition, event.kind, event.name, element_id,
                                                      event.payload)
        except (SpiffWorkflowException, SandboxError) as exc:
            raise BadRequest(f"「{definition.name}」无法由{KIND_NAMES[event.kind]}发起："
                             f"{runner.failure_message(exc)}") from exc
        state = outcome.state
        instance = ProcessInstance(
            business_key=next_business_key(session, definition.key, at), definition_id=definition_id,
            definition_key=definition.key, status="completed" if state.finished else "running",
            org_id=case_org, subject_org=subject_org, developer_org=developer_org,
            snapshot=definition.codec.dumps(workflow), data=state.data, end_event=state.end_event, error=None,
            case_title=render_case_title(definition.case_title, state.data, directory),
            version=0, journal_seq=0, journal_hash=GENESIS_HASH, started_by=actor.username, created_at=at,
            updated_at=at)
        session.add(instance)
        session.flush()
        command = CaseCommand(session, instance, definition, actor, at, workflow, data=event.payload,
                              extra={"definition_key": definition.key, "definition_version": version,
                                     **self._extra(pending)})
        record(command, outcome.steps)
        sync_tasks(command, directory, ready_tasks=outcome.ready)
        summary = {"instance_id": instance.id, "business_key": instance.business_key,
                   "definition_key": definition.key}
        return summary, outcome


def _may_send(actor: Actor, candidate: Candidate) -> bool:
    """An outside sender reaches a waiting case as it would act on a task there."""
    return actor.is_admin or (actor.has_role(candidate.role) and candidate.org_id == actor.org_id)
