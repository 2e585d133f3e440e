"""The engine's front door: one object holding the database, clock and services.

Writes go through the command services (``instances``, ``case_admin``, ``attachments``,
``deployment``, ``users``, ``logins``), reads through ``views``; each call is one unit of
work (:mod:`engine.store.unit_of_work`). Setting a database up is explicit (the CLI's
``db upgrade``, ``seed-demo``, ``deploy-processes``, ``create-admin``): building an
engine touches nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from engine.access_list import registry as _access_list  # noqa: F401  (entries on the command path)
from engine.access_list import start_data as _access_list_start  # noqa: F401  (agenda, look-up)
from engine.audit.history import HistoryService
from engine.audit.seals import seals_from
from engine.calendar.overrides import CalendarAdmin
from engine.cases.admin import CaseAdmin
from engine.cases.attachments import AttachmentService
from engine.cases.commands import InstanceService
from engine.cases.title_backfill import backfill_case_titles
from engine.clock import Clock, SystemClock
from engine.definitions.compile import CompiledDefinition
from engine.definitions.deployment import DeploymentService
from engine.definitions.registry import DefinitionRegistry
from engine.directory import additions as _directory  # noqa: F401  (new communities on the command path)
from engine.grid.log import GridLogs
from engine.identity import first_admin
from engine.identity.logins import LockoutPolicy, LoginService
from engine.identity.orgs import DirectoryCache
from engine.identity.tokens import IdentityService
from engine.identity.users import UserAdmin
from engine.limits import wiring  # noqa: F401  (time limits on the command path and the worker)
from engine.limits.extension import Extensions
from engine.messages.service import MessageService
from engine.operations.base import Env
from engine.operations.service import OperationsService
from engine.read.case_record import CaseRecords
from engine.read.progress import Progress
from engine.read.queries import Queries
from engine.read.views import Views
from engine.runtime import callees
from engine.seed.loader import seed_demo, seed_roles
from engine.settings import Settings
from engine.store import schema
from engine.store.blob_store import BlobStore
from engine.store.db import Database
from engine.store.unit_of_work import ROLE, UnitOfWork
from engine.timers import start_cases  # noqa: F401  (registers how start timers fire)
from engine.timers.firing import TimerService
from engine.timers.worker import Worker
from engine.villages import directory as _village_directory  # noqa: F401  (撤村建居 changes the directory)

log = logging.getLogger(__name__)


class WorkflowEngine:
    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.db = Database(settings.database_url, settings.db_lock_timeout_ms)
        self.uow = UnitOfWork(self.db)
        self.registry = DefinitionRegistry(self.clock)
        self.identity = IdentityService(self.clock, settings.token_ttl_seconds)
        # organisations and role scopes: reloaded when this process changes them, else after a while
        self.directories = DirectoryCache(settings.directory_cache_seconds)
        self.instances = InstanceService(self.uow, self.registry, self.clock, self.directories.get)
        self.queries = Queries(self.registry, self.directories.get, self.clock)
        self.deployment = DeploymentService(self.uow, self.registry)
        self.case_admin = CaseAdmin(self.uow, self.registry, self.clock, self.directories.get)
        self.attachments = AttachmentService(self.uow, self.registry, self.clock, self.queries,
                                             BlobStore(settings.attachments_dir), settings.max_attachment_bytes)
        self.history = HistoryService(self.registry, self.queries, self.directories.get, seals_from(settings))
        self.records = CaseRecords(self.registry, self.queries, self.clock, self.directories.get, settings.cjk_font)
        self.logins = LoginService(self.uow, self.clock, self.identity, LockoutPolicy(
            settings.login_max_failures, settings.login_lockout_seconds, settings.login_lockout_max_seconds))
        self.users = UserAdmin(self.uow, self.clock)
        self.views = Views(self.uow, self.registry, self.identity, self.queries, self.history, self.attachments,
                           self.records, self.directories.get)
        self.progress = Progress(self.uow, self.clock, settings.receipt_secret, self.directories.get)
        self.calendar = CalendarAdmin(self.uow, self.clock)
        self.extensions = Extensions(self.uow, self.registry, self.clock, self.directories.get)
        self.timers = TimerService(self.uow, self.registry, self.directories.get, self.instances)
        self.messages = MessageService(self.uow, self.registry, self.clock, self.directories.get)
        self.operations = OperationsService(
            Env(self.uow, self.registry, self.clock, self.directories.get, settings.urge_interval_seconds),
            self.queries, self.case_admin)
        self.grid_logs = GridLogs(self.uow, self.clock, self.directories.get, self.instances, self.queries)
        callees.set_loader(self._load_definition)
        self.instances.on_events = self.messages.dispatch
        self.operations.env.on_events = self.messages.dispatch

    def _load_definition(self, definition_id: int, content_hash: str) -> CompiledDefinition:
        """A called procedure's version when a snapshot or a replay needs it outside a command's session."""
        return self.uow.read(lambda session: self.registry.load(session, definition_id, content_hash))

    def worker(self, name: str | None = None, **options: Any) -> Worker:
        """A timer worker on this engine's database and clock (``flask --app api worker``)."""
        return Worker(self.uow, self.timers, self.clock, name, **options)

    # -- setting a database up ----------------------------------------------------------------

    def upgrade(self) -> schema.Upgrade:
        """The schema to the newest revision (under the migration lock), then the roles that are missing."""
        result = schema.upgrade(self.db)
        # several processes starting at once (PostgreSQL): the later ones run again and find the roles there
        self.uow.write(seed_roles, unique_races=(ROLE,))
        if result.changed:  # cases stored before the case_title column get theirs (a no-op when none lack it)
            self.uow.write(lambda session: backfill_case_titles(session, self.registry))
        return result

    def seed_demo(self) -> bool:
        """The demo organisations and users (password ``demo``), unless the database has users already."""
        return self.uow.write(lambda session: seed_demo(session, self.clock.now()))

    def deploy_processes(self) -> list[tuple[str, int, bool]]:
        """Deploy ``processes/*.bpmn`` with their forms; a changed file becomes a new version."""
        results = self.deployment.deploy_directory(self.settings.processes_dir, self.settings.forms_dir)
        for key, version, created in results:
            if created:
                log.info("deployed %s version %d", key, version)
        return results

    def has_admin(self) -> bool:
        return self.uow.read(first_admin.has_admin)

    def create_admin(self, username: str, password: str, org_id: str, org_name: str) -> None:
        self.uow.write(lambda session: first_admin.create_admin(session, username, password, org_id, org_name,
                                                                self.clock.now()))
