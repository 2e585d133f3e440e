"""The read side's front door: every view the API serves, each one read transaction.

Routes never open a session: they ask for a view here (reads) or call a command
service (writes, :class:`engine.store.unit_of_work.UnitOfWork`). The functions
doing the reading take the session, so that commands and other views can reuse
them inside their own transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit.history import HistoryService, entry_view, history_csv
from engine.audit.verify import Verdict
from engine.cases.attachments import AttachmentService, Download
from engine.cases.stuck import stuck_page
from engine.definitions.deployment import definition_summary
from engine.definitions.registry import DefinitionRegistry
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.identity.tokens import IdentityService
from engine.limits.views import DeadlineReader, overdue_cases
from engine.operations.history_view import with_names as operation_details
from engine.read.case_list import CaseFilter, list_cases
from engine.read.case_record import CaseRecords
from engine.read.comments import case_comments
from engine.read.lists import DefinitionFilter, definitions_page
from engine.read.paging import Page, PageRequest
from engine.read.people import display_names, with_actor_names
from engine.read.queries import Queries
from engine.read.start_forms import start_form_view
from engine.read.workbench import DoneFilter, InboxFilter, done_page, inbox_page
from engine.store.models import ProcessDefinition, ProcessInstance, Role
from engine.store.unit_of_work import UnitOfWork


class Views:
    def __init__(self, uow: UnitOfWork, registry: DefinitionRegistry, identity: IdentityService, queries: Queries,
                 history: HistoryService, attachments: AttachmentService, records: CaseRecords,
                 directory: Callable[[Session], OrgDirectory]) -> None:
        self.uow = uow
        self._registry = registry
        self._identity = identity
        self._queries = queries
        self._history = history
        self._attachments = attachments
        self._records = records
        self._directory = directory

    def ready(self) -> None:
        """Raises unless the database answers a query on the schema (the readiness check)."""
        self.uow.read(lambda s: s.execute(select(Role.id).limit(1)).all())

    # -- who is asking --------------------------------------------------------------------

    def actor(self, token: str) -> Actor:
        """The actor a bearer token stands for (Unauthorized if none)."""
        return self.uow.read_one(lambda s: self._identity.authenticate(s, token))  # one statement

    def actor_for_view(self, token: str) -> Actor:
        """As :meth:`actor`, read in the transaction this context's next view then reads in (a read
        request's token and view in one snapshot: engine/store/handed_read.py)."""
        return self.uow.read_and_hand_over(lambda s: self._identity.authenticate(s, token))

    # -- cases and tasks ------------------------------------------------------------------

    def case(self, actor: Actor, instance_id: int) -> dict[str, Any]:
        return self.uow.read_by_key(lambda s: self._queries.instance_view(s, actor, instance_id))

    def cases(self, actor: Actor, flt: CaseFilter) -> tuple[list[dict[str, Any]], int]:
        return self.uow.read(lambda s: list_cases(s, actor, flt, self._directory(s)))

    def task(self, actor: Actor, task_id: int) -> dict[str, Any]:
        return self.uow.read_by_key(lambda s: self._queries.task_detail(s, actor, task_id))

    def inbox(self, actor: Actor, filters: InboxFilter, page: PageRequest) -> Page[dict[str, Any]]:
        now = self._queries.clock.now()  # the remaining time is worded for this moment
        return self.uow.read(lambda s: inbox_page(s, actor, self._directory(s), filters, page, now))

    def done(self, actor: Actor, filters: DoneFilter, page: PageRequest) -> Page[dict[str, Any]]:
        now = self._queries.clock.now()  # the case's remaining time is worded for this moment

        def read(s: Session) -> Page[dict[str, Any]]:
            found = done_page(s, actor, self._directory(s), filters, page)
            DeadlineReader(s, now).case_fields(found.items)
            return found
        return self.uow.read(read)

    # -- time limits ----------------------------------------------------------------------

    def deadlines(self, actor: Actor, instance_id: int) -> list[dict[str, Any]]:
        """Every limit of a case the actor may see and of its tasks (closed ones too)."""
        now = self._queries.clock.now()

        def read(session: Session) -> list[dict[str, Any]]:
            self._queries.visible_instance(session, actor, instance_id)
            return DeadlineReader(session, now).for_cases([instance_id]).get(instance_id, [])

        return self.uow.read(read)

    def overdue(self, actor: Actor) -> list[dict[str, Any]]:
        now = self._queries.clock.now()
        return self.uow.read(lambda s: overdue_cases(s, actor, self._directory(s), now))


    def steps(self, actor: Actor, instance_id: int) -> dict[str, Any]:
        return self.uow.read(lambda s: self._records.steps(s, actor, instance_id))

    def record_pdf(self, actor: Actor, instance_id: int) -> tuple[dict[str, Any], bytes]:
        return self.uow.read(lambda s: self._records.record_pdf(s, actor, instance_id))

    def comments(self, actor: Actor, instance_id: int) -> list[dict[str, Any]]:
        def read(session: Session) -> list[dict[str, Any]]:
            self._queries.visible_instance(session, actor, instance_id)
            return case_comments(session, instance_id, self._directory(session))

        return self.uow.read(read)

    def attachment_list(self, actor: Actor, instance_id: int) -> list[dict[str, Any]]:
        return self.uow.read(lambda s: self._attachments.for_case(s, actor, instance_id))

    def attachment(self, actor: Actor, instance_id: int, attachment_id: int) -> Download:
        return self.uow.read(lambda s: self._attachments.download(s, actor, instance_id, attachment_id))

    # -- procedures -----------------------------------------------------------------------

    def start_form(self, actor: Actor, key: str) -> dict[str, Any]:
        return self.uow.read(lambda s: start_form_view(s, self._registry, actor, key))

    def definitions(self, filters: DefinitionFilter, page: PageRequest) -> Page[ProcessDefinition]:
        return self.uow.read(lambda s: definitions_page(s, filters, page))

    def versions(self, key: str) -> list[dict[str, Any]]:
        return self.uow.read(lambda s: [definition_summary(row) for row in self._registry.versions(s, key)])

    def stuck(self, actor: Actor, page: PageRequest, definition_key: str | None) -> Page[dict[str, Any]]:
        """Open tasks of running cases that no active user may act on (admins)."""
        return self.uow.read(lambda s: stuck_page(s, actor, self._directory(s), page, definition_key))

    def version(self, key: str, version: int) -> ProcessDefinition:
        """One version's row: its BPMN as uploaded and its forms."""
        return self.uow.read(lambda s: self._registry.version(s, key, version))

    # -- audit ----------------------------------------------------------------------------

    def history(self, actor: Actor, instance_id: int, limit: int | None,
                offset: int) -> tuple[list[dict[str, Any]], int]:
        def read(session: Session) -> tuple[list[dict[str, Any]], int]:
            rows, total = self._history.entries(session, actor, instance_id, limit, offset)
            directory, names = self._directory(session), display_names(session, (r.actor for r in rows))
            views = [with_actor_names(entry_view(row), directory, names) for row in rows]
            instance = session.get(ProcessInstance, instance_id)
            definition = self._registry.compiled(session, instance.definition_id) if instance is not None else None
            return operation_details(session, views, definition), total  # what each 转办, 退回 … did

        return self.uow.read(read)

    def history_csv(self, actor: Actor, instance_id: int, limit: int | None, offset: int) -> tuple[str, int]:
        def read(session: Session) -> tuple[str, int]:
            rows, total = self._history.entries(session, actor, instance_id, limit, offset)
            return history_csv(rows), total

        return self.uow.read(read)

    def state_at(self, actor: Actor, instance_id: int, seq: int) -> dict[str, Any]:
        return self.uow.read(lambda s: self._history.state_at(s, actor, instance_id, seq))

    def verify(self, actor: Actor, instance_id: int, full: bool = False) -> Verdict:
        verdict = self.uow.read(lambda s: self._history.verify(s, actor, instance_id, full))
        return self._history.keep_seal(self.uow, verdict)
