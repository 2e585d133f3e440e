"""What a clerk needs to start a case: the start event's form, whether they may start, org choices."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.definitions.registry import DefinitionRegistry
from engine.forms.org_fields import org_choices
from engine.forms.rule_labels import fill_labels, model_rules
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory


def start_form_view(session: Session, registry: DefinitionRegistry, actor: Actor, key: str) -> dict[str, Any]:
    row = registry.latest(session, key)
    definition = registry.compiled(session, row.id)
    form = definition.start_form
    # no case yet: {rules.NAME} in labels shows the value the model's rules script sets (else is left out)
    rules = model_rules(definition.bpmn_xml)
    schema = fill_labels(definition.forms.get(form.schema_file) if form else None, rules)
    ui_schema = fill_labels(definition.forms.get(form.ui_file, {}) if form and form.ui_file else {}, rules)
    start_role = definition.start_role
    directory = OrgDirectory.load(session)
    return {
        "key": row.key,
        "name": row.name,
        "version": row.version,
        "schema": schema,
        "ui_schema": ui_schema,
        "start_role": start_role,
        "start_role_name": directory.role_names.get(start_role or "", start_role),
        "can_start": actor.has_role(start_role),
        # the organisation fields the form declares (x-org-level), each with what the caller may name
        "org_choices": org_choices(directory, actor.org_id, schema),
    }
