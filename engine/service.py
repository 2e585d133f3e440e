"""The engine's front door: one object holding the database, clock and services."""

from __future__ import annotations

import logging

from engine.audit.history import HistoryService
from engine.cases.admin import CaseAdmin
from engine.cases.attachments import AttachmentService
from engine.cases.commands import InstanceService
from engine.clock import Clock, SystemClock
from engine.definitions.deployment import DeploymentService
from engine.definitions.registry import DefinitionRegistry
from engine.identity.logins import LockoutPolicy, LoginService
from engine.identity.orgs import DirectoryCache
from engine.identity.tokens import IdentityService
from engine.identity.users import UserAdmin
from engine.operations.base import Env
from engine.operations.service import OperationsService
from engine.read.queries import Queries
from engine.seed.loader import seed_demo, seed_roles
from engine.settings import Settings
from engine.store.blob_store import BlobStore
from engine.store.db import Database

log = logging.getLogger(__name__)


class WorkflowEngine:
    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.db = Database(settings.database_url)
        self.registry = DefinitionRegistry(self.clock)
        self.identity = IdentityService(self.clock, settings.token_ttl_seconds)
        self.directories = DirectoryCache()  # organisations and role scopes, reloaded when they change
        self.instances = InstanceService(self.db, self.registry, self.clock, self.directories.get)
        self.queries = Queries(self.registry, self.directories.get)
        self.deployment = DeploymentService(self.db, self.registry)
        self.case_admin = CaseAdmin(self.db, self.registry, self.clock, self.directories.get)
        self.attachments = AttachmentService(self.db, self.registry, self.clock, self.queries,
                                             BlobStore(settings.attachments_dir), settings.max_attachment_bytes)
        self.history = HistoryService(self.registry, self.queries, self.directories.get)
        self.logins = LoginService(self.db, self.clock, self.identity, LockoutPolicy(
            settings.login_max_failures, settings.login_lockout_seconds, settings.login_lockout_max_seconds))
        self.users = UserAdmin(self.db, self.clock)
        self.operations = OperationsService(
            Env(self.db, self.registry, self.clock, self.directories.get, settings.urge_interval_seconds),
            self.queries, self.case_admin)

    def bootstrap(self) -> None:
        """Create the schema, load roles (and demo data), deploy the procedures that changed."""
        self.db.create_schema()
        with self.db.writer() as session, session.begin():
            seed_roles(session)
            if self.settings.seed_demo:
                seed_demo(session, self.clock.now())
            if self.settings.deploy_on_start:
                for key, version, created in self.registry.deploy_directory(
                        session, self.settings.processes_dir, self.settings.forms_dir):
                    if created:
                        log.info("deployed %s version %d", key, version)
