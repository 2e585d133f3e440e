"""A case's submissions step by step (what each person entered, decided and said), read from the journal.

The journal is the history: every start and completion entry holds the data
submitted, the opinion, who, in which role and unit, and when. Each becomes a
step labelled with the form of that step in the case's procedure version;
entries the engine made on its own (gateways, scripts, loop resets) are only
counted (``auto_steps``); other actions by people (suspend, terminate, an
attachment) are listed apart.

Access: the caller has checked that the reader may see the case.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from engine.clock import as_utc
from engine.definitions.compile import CompiledDefinition, TaskForm
from engine.identity.actors import SYSTEM
from engine.identity.orgs import OrgDirectory
from engine.operations.history_view import with_names
from engine.read.field_display import attachment_ids, decision_field, display_value, field_order, form_properties
from engine.read.people import person
from engine.store.models import Attachment, JournalEntry, User

SUBMISSIONS = ("start", "complete")
ACTION_LABELS = {"suspend": "挂起", "resume": "恢复", "terminate": "终止", "attach": "上传附件",
                 # the approval operations (engine/operations)
                 "return": "退回", "withdraw": "撤回", "transfer": "转办", "delegate": "委派", "resolve": "委派办理",
                 "add_signers": "加签", "sign": "签署", "remove_signer": "减签", "submit": "提交（待加签）",
                 "jump": "跳转", "cc": "抄送", "urge": "催办"}


def _form_docs(definition: CompiledDefinition, form: TaskForm | None) -> tuple[dict[str, Any] | None,
                                                                             dict[str, Any] | None]:
    if form is None:
        return None, None
    schema = definition.forms.get(form.schema_file)
    ui = definition.forms.get(form.ui_file) if form.ui_file else None
    return (schema if isinstance(schema, dict) else None), (ui if isinstance(ui, dict) else None)


class _Layout(NamedTuple):
    props: dict[str, Any]
    order: list[str]
    decision: str | None


# (id of the schema, id of the UI schema) -> (schema, UI schema, their layout): the documents are a compiled
# definition's (the registry's cache; a deployed version never changes, a new one brings new documents), and
# the entry holds them, so an id matches only while it is the same document (checked with ``is``). Walking
# every submission's form for its fields, their order and its decision was most of a task page's own work.
_LAYOUTS: dict[tuple[int, int], tuple[Any, Any, _Layout]] = {}


def _layout(schema: dict[str, Any] | None, ui: dict[str, Any] | None) -> _Layout:
    key = (id(schema), id(ui))
    kept = _LAYOUTS.get(key)
    if kept is not None and kept[0] is schema and kept[1] is ui:
        return kept[2]
    layout = _Layout(form_properties(schema), field_order(schema, ui), decision_field(schema))
    if len(_LAYOUTS) >= 1024:  # documents of versions no longer read
        _LAYOUTS.clear()
    _LAYOUTS[key] = (schema, ui, layout)
    return layout


def _refused(payload: dict[str, Any]) -> bool:
    """A submission a script refused: journalled, never applied."""
    result = payload.get("result")
    return isinstance(result, dict) and "error" in result


# built once with a bind parameter (every task page reads them); the count of the entries without an actor
# (the engine's own) rides on each row, so a case page needs one statement for its steps (a case always has
# its start, which has one)
_AUTOMATIC = select(func.count()).select_from(JournalEntry).where(
    JournalEntry.instance_id == bindparam("instance_id"), JournalEntry.actor.is_(None))
_ENTRIES = (select(JournalEntry.seq, JournalEntry.at, JournalEntry.command, JournalEntry.actor,
                   JournalEntry.actor_role, JournalEntry.actor_org, JournalEntry.element_id, JournalEntry.element_name,
                   JournalEntry.task_id, JournalEntry.payload, JournalEntry.comment, User.display_name,
                   _AUTOMATIC.scalar_subquery().label("automatic"))
            .outerjoin(User, User.username == JournalEntry.actor)
            .where(JournalEntry.instance_id == bindparam("instance_id"), JournalEntry.actor.is_not(None))
            .order_by(JournalEntry.seq))


def case_steps(session: Session, directory: OrgDirectory, definition: CompiledDefinition,
               instance_id: int) -> dict[str, Any]:
    """``{instance_id, steps, auto_steps, actions}`` of one case, in the order things happened."""
    conn = session.connection()
    rows = list(conn.execute(_ENTRIES, {"instance_id": instance_id}))
    automatic = (rows[0].automatic if rows else conn.execute(_AUTOMATIC, {"instance_id": instance_id}).scalar()) or 0
    start = next((e for e in definition.elements.values() if e.type == "startEvent"), None)
    submissions = [r for r in rows if r.command in SUBMISSIONS and not _refused(r.payload or {})]
    names = _attachment_names(session, definition, instance_id, submissions)
    rounds: Counter[str] = Counter()
    steps = []
    for row in submissions:
        is_start = row.command == "start"
        element_id = (start.id if start else None) if is_start else row.element_id
        element = definition.elements.get(element_id or "")
        form = definition.start_form if is_start else definition.form_for(row.element_id or "")
        schema, ui = _form_docs(definition, form)
        rounds[element_id or ""] += 1
        role = (definition.start_role or row.actor_role) if is_start else row.actor_role
        data = (row.payload or {}).get("data") or {}
        steps.append({
            "seq": row.seq,
            "element_id": element_id,
            "name": element.name if element else (row.element_name or ("发起" if is_start else "")),
            "kind": "start" if is_start else "user_task",
            "round": rounds[element_id or ""],
            "task_id": row.task_id,
            "actor": person(row.actor, row.display_name, row.actor_org, directory, role=role),
            "at": as_utc(row.at),
            "comment": row.comment,
            "decision": _decision(schema, data, directory, names),
            "form_title": schema.get("title") if schema else None,
            "fields": step_fields(schema, ui, data, directory, names),
        })
    people = [r for r in rows if r.command not in SUBMISSIONS and r.actor != SYSTEM.username]
    # what each operation did, people by name ("转办给 …", "退回到「…」")
    details = with_names(session, [{"command": r.command, "payload": r.payload or {}, "actor": r.actor}
                                   for r in people], definition)
    actions = [{
        "seq": r.seq, "command": r.command, "label": ACTION_LABELS.get(r.command, r.command),
        "actor": person(r.actor, r.display_name, r.actor_org, directory, role=r.actor_role),
        "at": as_utc(r.at), "comment": r.comment, "element_id": r.element_id, "element_name": r.element_name,
        "detail": d.get("detail"),
    } for r, d in zip(people, details, strict=True)]
    # the system's own commands (timers firing, the clock of time limits) count as automatic steps
    automatic += sum(1 for r in rows if r.command not in SUBMISSIONS and r.actor == SYSTEM.username)
    return {"instance_id": instance_id, "steps": steps, "actions": actions, "auto_steps": automatic}


def step_fields(schema: dict[str, Any] | None, ui: dict[str, Any] | None, data: dict[str, Any],
                directory: OrgDirectory, attachment_names: dict[int, str]) -> list[dict[str, Any]]:
    """The submitted fields of the step's form, in the form's order, each with its title and display value."""
    layout = _layout(schema, ui)
    props = layout.props
    return [{
        "name": name,
        "title": str(props[name].get("title") or name),
        "value": data[name],
        "display_value": display_value(name, props[name], data[name], directory, attachment_names),
    } for name in layout.order if name in data]


def _decision(schema: dict[str, Any] | None, data: dict[str, Any], directory: OrgDirectory,
              names: dict[int, str]) -> str | None:
    layout = _layout(schema, None)
    field = layout.decision
    if field is None or field not in data:
        return None
    return display_value(field, layout.props[field], data[field], directory, names) or None


def _attachment_names(session: Session, definition: CompiledDefinition, instance_id: int,
                      submissions: list[Any]) -> dict[int, str]:
    """File names of the attachments that file fields name (one query, none without file fields)."""
    wanted: set[int] = set()
    for row in submissions:
        form = definition.start_form if row.command == "start" else definition.form_for(row.element_id or "")
        props = _layout(_form_docs(definition, form)[0], None).props
        for name, value in ((row.payload or {}).get("data") or {}).items():
            if name in props:
                wanted.update(attachment_ids(props[name], value))
    if not wanted:
        return {}
    rows = session.execute(select(Attachment.id, Attachment.filename)
                           .where(Attachment.instance_id == instance_id, Attachment.id.in_(sorted(wanted))))
    return {row.id: row.filename for row in rows}
