"""What a clerk needs to start a case: the start event's form, whether they may start, org choices."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.definitions.registry import DefinitionRegistry
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory

# Start-form fields that name an organisation, and the organisation levels they accept.
ORG_FIELD_LEVELS = {"subject_org": ("village", "community"), "developer_org": ("external",)}


def _choices(directory: OrgDirectory, actor: Actor, levels: tuple[str, ...]) -> list[dict[str, str]]:
    """Organisations of ``levels`` the actor can name: below their own organisation, or external ones."""
    found = []
    for node in directory.orgs.values():
        if node.level not in levels:
            continue
        if node.level == "external" or directory.is_within(node.id, actor.org_id):
            found.append({"id": node.id, "name": node.name, "level": node.level})
    return sorted(found, key=lambda c: c["id"])


def start_form_view(session: Session, registry: DefinitionRegistry, actor: Actor, key: str) -> dict[str, Any]:
    row = registry.latest(session, key)
    definition = registry.compiled(session, row.id)
    form = definition.start_form
    schema = definition.forms.get(form.schema_file) if form else None
    ui_schema = definition.forms.get(form.ui_file, {}) if form and form.ui_file else {}
    start_role = definition.start_role
    directory = OrgDirectory.load(session)
    fields = set((schema or {}).get("properties", {}))
    return {
        "key": row.key,
        "name": row.name,
        "version": row.version,
        "schema": schema,
        "ui_schema": ui_schema,
        "start_role": start_role,
        "start_role_name": directory.role_names.get(start_role or "", start_role),
        "can_start": actor.has_role(start_role),
        "org_choices": {name: _choices(directory, actor, levels)
                        for name, levels in ORG_FIELD_LEVELS.items() if name in fields},
    }
