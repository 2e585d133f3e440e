"""Deployment by process owners: a BPMN file and its forms become the next version of their key.

Running cases stay on the version they started on (a case row points at its
definition row); new cases take the latest. Unchanged content is not deployed
again. Every problem found is reported at once, each with the BPMN element id
or the form file at fault.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import as_utc
from engine.definitions.camunda_import import import_camunda
from engine.definitions.compile import CompiledDefinition
from engine.definitions.decisions import collect_decision_files
from engine.definitions.registry import DefinitionRegistry
from engine.definitions.uploads import FileKind, collect_files
from engine.errors import InvalidModel, Problem
from engine.identity import access
from engine.identity.actors import Actor
from engine.store.models import ProcessDefinition, Role
from engine.store.unit_of_work import DEFINITION_VERSION, UnitOfWork

MAX_FORM_FILES = 200
FORM_FILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\.json$")


def definition_summary(row: ProcessDefinition) -> dict[str, Any]:
    return {
        "id": row.id,
        "key": row.key,
        "name": row.name,
        "version": row.version,
        "content_hash": row.content_hash,
        "deployed_at": as_utc(row.deployed_at),
        "deployed_by": row.deployed_by,
        "form_files": sorted(row.forms or {}),
        "decision_files": sorted(row.decisions or {}),
    }


FORM_FILES = FileKind("forms", "表单", ".json", MAX_FORM_FILES, "个表单文件", FORM_FILE_NAME)


def collect_forms(files: list[tuple[str | None, bytes]]) -> dict[str, bytes]:
    return collect_files(files, FORM_FILES)


class DeploymentService:
    def __init__(self, uow: UnitOfWork, registry: DefinitionRegistry) -> None:
        self.uow = uow
        self.registry = registry

    def validate(self, actor: Actor, bpmn: bytes, form_files: list[tuple[str | None, bytes]],
                 decision_files: list[tuple[str | None, bytes]] | None = None) -> CompiledDefinition:
        """Check without deploying (for the modeler); raises InvalidModel with every problem."""
        access.require_deploy(actor)
        forms, decisions = self._inputs(bpmn, form_files, decision_files or [])
        return self.uow.read(lambda session: self.registry.compile_upload(session, bpmn, forms, decisions))

    def deploy(self, actor: Actor, bpmn: bytes, form_files: list[tuple[str | None, bytes]],
               decision_files: list[tuple[str | None, bytes]] | None = None) -> tuple[dict[str, Any], bool]:
        """Deploy as the next version of its key; ``(definition, created)``, created False if unchanged."""
        access.require_deploy(actor)
        forms, decisions = self._inputs(bpmn, form_files, decision_files or [])

        def command(session: Session) -> tuple[dict[str, Any], bool]:
            row, created = self.registry.deploy(session, bpmn, forms, actor, decisions)
            return definition_summary(row), created

        # two owners deploying the same key at once (PostgreSQL): the later one runs again and takes the next version
        return self.uow.write(command, unique_races=(DEFINITION_VERSION,))

    def deploy_directory(self, processes_dir: Path, forms_dir: Path) -> list[tuple[str, int, bool]]:
        """Deploy every ``processes/*.bpmn`` with its ``forms/<key>/*.json`` that changed (one unit of work)."""
        return self.uow.write(lambda session: self.registry.deploy_directory(session, processes_dir, forms_dir),
                              unique_races=(DEFINITION_VERSION,))

    def import_camunda(self, actor: Actor, bpmn: bytes, form_files: list[tuple[str | None, bytes]],
                       decision_files: list[tuple[str | None, bytes]], deploy: bool) -> tuple[dict[str, Any], bool]:
        """Convert a Camunda Modeler model (engine/definitions/camunda_import.py), check it as a deployment
        would, and deploy it if asked; ``(result, created)``. Refusals list what could not be converted too."""
        access.require_deploy(actor)
        extra_forms, decisions = self._inputs(bpmn, form_files, decision_files)
        roles = self.uow.read(lambda session: {r.id: r.name for r in session.scalars(select(Role))})
        imported = import_camunda(bpmn, roles)
        forms = {**imported.forms, **extra_forms}
        report = [note.as_dict() for note in imported.notes]
        try:
            compiled = self.uow.read(
                lambda session: self.registry.compile_upload(session, imported.bpmn, forms, decisions))
        except InvalidModel as exc:
            unconverted = [Problem(n.path, f"未能转换：{n.message}") for n in imported.unconverted]
            raise InvalidModel(f"导入的模型校验未通过：{exc.message}", exc.details + unconverted) from exc
        result: dict[str, Any] = {
            "key": compiled.key, "name": compiled.name, "report": report,
            "bpmn": imported.bpmn.decode("utf-8"),
            "forms": {name: json.loads(content) for name, content in forms.items()},
            "deployed": None,
        }
        created = False
        if deploy:
            def command(session: Session) -> tuple[dict[str, Any], bool]:
                row, made = self.registry.deploy(session, imported.bpmn, forms, actor, decisions)
                return definition_summary(row), made

            result["deployed"], created = self.uow.write(command, unique_races=(DEFINITION_VERSION,))
        return result, created

    @staticmethod
    def _inputs(bpmn: bytes, form_files: list[tuple[str | None, bytes]],
                decision_files: list[tuple[str | None, bytes]]) -> tuple[dict[str, bytes], dict[str, bytes]]:
        """Forms and DMN files; a ``.dmn`` file sent among the forms counts as a decision file."""
        if not bpmn.strip():
            raise InvalidModel("BPMN 文件为空", [Problem("bpmn", "文件为空")])
        among_forms = [f for f in form_files if (f[0] or "").lower().endswith(".dmn")]
        forms = collect_forms([f for f in form_files if f not in among_forms])
        return forms, collect_decision_files(decision_files + among_forms)
