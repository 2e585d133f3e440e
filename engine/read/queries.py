"""Read side: case views, inboxes and task details, as plain dictionaries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session

from engine.access_list.standing import meeting_standing, waits_for_meeting
from engine.cases.links import has_links, linked_cases
from engine.clock import Clock, SystemClock
from engine.definitions.registry import DefinitionRegistry
from engine.errors import Forbidden, NotFound
from engine.forms.org_fields import org_choices
from engine.forms.rule_labels import fill_labels
from engine.grid.views import has_entry, linked_entry
from engine.identity import access
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.limits.views import DeadlineReader, summary_fields
from engine.operations.sign_form import SIGN_FORM, SIGN_UI
from engine.read.case_steps import case_steps
from engine.read.people import display_names, org_name, person, role_name
from engine.read.task_item import with_own_item
from engine.read.task_page import case_of, origin, task_page_row
from engine.store.models import HumanTask, JournalEntry, ProcessDefinition, ProcessInstance, User

_definitions = ProcessDefinition.__table__

# The case view in two prebuilt Core statements: the case's columns without its snapshot, with
# its definition's name and version, then its open tasks. Loading ORM objects cost more than the queries.
_instances, _tasks = ProcessInstance.__table__, HumanTask.__table__
_users, _journal = User.__table__, JournalEntry.__table__
# the starter by name, and the unit they started the case for (the start entry, seq 1)
_VIEW_INSTANCE = (select(_instances.c.id, _instances.c.business_key, _instances.c.status, _instances.c.definition_key,
                         _instances.c.org_id, _instances.c.subject_org, _instances.c.developer_org,
                         _instances.c.data, _instances.c.end_event, _instances.c.error, _instances.c.started_by,
                         _instances.c.created_at, _instances.c.updated_at, _instances.c.case_title,
                         _definitions.c.name.label("definition_name"),
                         _definitions.c.version.label("definition_version"),
                         _users.c.display_name.label("starter_name"), _journal.c.actor_org.label("starter_org"),
                         # what few cases have, asked in the same statement: each is read only when present
                         has_links(_instances.c.id).label("has_links"),
                         has_entry(_instances.c.id).label("has_grid_log"),
                         waits_for_meeting(_instances.c.id).label("waits_for_meeting"))
                  .select_from(_instances.outerjoin(_definitions, _definitions.c.id == _instances.c.definition_id)
                               .outerjoin(_users, _users.c.username == _instances.c.started_by)
                               .outerjoin(_journal, and_(_journal.c.instance_id == _instances.c.id,
                                                         _journal.c.seq == 1)))
                  .where(_instances.c.id == bindparam("id")))
_VIEW_TASKS = (select(_tasks.c.id, _tasks.c.instance_id, _tasks.c.name, _tasks.c.element_id, _tasks.c.role,
                      _tasks.c.org_id, _tasks.c.state, _tasks.c.created_at, _tasks.c.kind, _tasks.c.assignee,
                      _tasks.c.delegated_by, _tasks.c.held, _tasks.c.note)
               .where(_tasks.c.instance_id == bindparam("id"), _tasks.c.state == "ready").order_by(_tasks.c.id))


def task_summary(row: Any) -> dict[str, Any]:
    """``row``: a HumanTask or a row with its columns."""
    return {
        "id": row.id,
        "instance_id": row.instance_id,
        "name": row.name,
        "element_id": row.element_id,
        "role": row.role,
        "org": row.org_id,
        "state": row.state,
        "created_at": row.created_at,
        # approval operations: a signer's part (kind "sign"), the one user holding it, 委派, waiting for signers
        "kind": row.kind or "task",
        "assignee": row.assignee,
        "delegated_by": row.delegated_by,
        "held": bool(row.held),
        "note": row.note,
    }


def named_task(summary: dict[str, Any], directory: OrgDirectory,
               holders: dict[str, str] | None = None) -> dict[str, Any]:
    """A task summary with its role's and unit's names beside their ids (and its one holder's name)."""
    summary["role_name"] = role_name(directory, summary.get("role"))
    summary["org_name"] = org_name(directory, summary.get("org"))
    if summary.get("assignee"):
        summary["assignee_name"] = (holders or {}).get(summary["assignee"], summary["assignee"])
    return summary


class Queries:
    def __init__(self, registry: DefinitionRegistry,
                 directory_loader: Callable[[Session], OrgDirectory] = OrgDirectory.load,
                 clock: Clock | None = None) -> None:
        self.registry = registry
        self._directory = directory_loader
        self.clock = clock or SystemClock()  # for the remaining time shown (reads may use the clock)

    def visible_instance(self, session: Session, actor: Actor, instance_id: int) -> ProcessInstance:
        instance = session.get(ProcessInstance, instance_id)
        if instance is None:
            raise NotFound(f"办件 {instance_id} 不存在")
        self._require_visible(session, actor, instance)
        return instance

    def _require_visible(self, session: Session, actor: Actor, instance: Any) -> None:
        """``instance``: anything with the case's id and organisation columns (an ORM object or a row)."""
        if not access.can_view_instance(actor, instance, self._directory(session)):
            takes_part = session.scalar(select(ProcessInstance.id).where(
                ProcessInstance.id == instance.id, or_(*access.participation_conditions(actor)))) is not None
            if not takes_part:
                raise Forbidden("您无权查看该办件")

    def instance_view(self, session: Session, actor: Actor, instance_id: int) -> dict[str, Any]:
        conn = session.connection()
        instance = conn.execute(_VIEW_INSTANCE, {"id": instance_id}).first()
        if instance is None:
            raise NotFound(f"办件 {instance_id} 不存在")
        self._require_visible(session, actor, instance)
        tasks = list(conn.execute(_VIEW_TASKS, {"id": instance_id}))
        directory = self._directory(session)
        holders = display_names(session, (t.assignee for t in tasks))  # a step held by one user (转办, 加签 …)
        has_definition = instance.definition_version is not None
        view: dict[str, Any] = {
            "id": instance.id,
            "business_key": instance.business_key,
            "status": instance.status,
            "definition_key": instance.definition_key,
            "definition_name": instance.definition_name if has_definition else instance.definition_key,
            "definition_version": instance.definition_version if has_definition else None,
            "org": instance.org_id,
            "subject_org": instance.subject_org,
            "developer_org": instance.developer_org,
            "data": instance.data,
            "case_title": instance.case_title,
            "active_tasks": [named_task(task_summary(t), directory, holders) for t in tasks
                             if (t.kind or "task") == "task"],
            "sign_tasks": [named_task(task_summary(t), directory, holders) for t in tasks if t.kind == "sign"],
            "started_by": person(instance.started_by, instance.starter_name, instance.starter_org, directory),
            "created_at": instance.created_at,
            "updated_at": instance.updated_at,
        }
        self._add_deadlines(session, view)
        linked = linked_cases(session, instance_id) if instance.has_links else None
        if linked:
            view["linked_cases"] = linked
        grid_log = linked_entry(session, instance_id) if instance.has_grid_log else None
        if grid_log is not None:
            view["grid_log"] = grid_log
        standing = meeting_standing(session, instance_id, instance.business_key) if instance.waits_for_meeting else None
        if standing is not None:
            view["meeting_standing"] = standing
        if instance.end_event:
            view["end_event"] = instance.end_event
        if instance.error:
            view["error"] = instance.error
        return view

    def _add_deadlines(self, session: Session, view: dict[str, Any]) -> None:
        """The case's time limits, and each open task's most urgent one (engine/limits/views.py)."""
        reader = DeadlineReader(session, self.clock.now())
        deadlines = reader.for_cases([view["id"]]).get(view["id"], [])
        if not deadlines:
            return
        view["deadlines"] = deadlines
        view.update(summary_fields([d for d in deadlines if d["task_id"] is None] or deadlines))
        reader.task_fields(view["active_tasks"])

    def task_detail(self, session: Session, actor: Actor, task_id: int) -> dict[str, Any]:
        row = task_page_row(session, task_id)  # task, case (no snapshot: not part of a task's page), origin
        if row is None:
            raise NotFound(f"任务 {task_id} 不存在")
        if not access.can_act(actor, row):
            self._require_visible(session, actor, case_of(row))
        definition = self.registry.compiled(session, row.definition_id or row.case_definition_id)
        form = definition.form_for(row.element_id)
        detail = task_summary(row)
        data = row.data or {}
        if row.kind == "sign":  # a signer signs with their opinion and whether they agree (加签)
            detail["form"] = {"schema": SIGN_FORM, "ui_schema": SIGN_UI}
        else:
            rules = data.get("rules")  # {rules.NAME} in labels shows the case's current value
            detail["form"] = {
                "schema": fill_labels(definition.forms.get(form.schema_file) if form else None, rules),
                "ui_schema": fill_labels(definition.forms.get(form.ui_file, {}) if form and form.ui_file else {},
                                         rules),
            }
        detail["data"] = with_own_item(session, definition, row, data)
        detail["business_key"] = row.business_key
        detail["definition_key"] = row.definition_key
        detail["case_status"] = row.case_status
        DeadlineReader(session, self.clock.now()).task_fields([detail])
        detail["can_complete"] = (row.state == "ready" and row.case_status == "running" and not row.held
                                  and access.can_act(actor, row))
        directory = self._directory(session)
        detail["org_choices"] = org_choices(directory, actor.org_id, detail["form"]["schema"])
        named_task(detail, directory)
        came = origin(row, directory)
        detail |= came
        detail["definition_name"] = definition.name
        detail["case_title"] = row.case_title
        detail["case"] = case_steps(session, directory, definition, row.instance_id) | {
            "business_key": row.business_key, "case_title": row.case_title,
            "definition_name": definition.name, "status": row.case_status,
            "applicant": came["applicant"], "created_at": row.case_created_at}
        return detail
