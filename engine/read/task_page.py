"""The rows of a task's page in one prebuilt statement: the task, its case (without its snapshot), who
started the case and for which unit, who sent the task, and whether its step came back (a return, a loop).

Loading the task and its case as ORM objects and asking for the origin apart was three statements and
two ORM loads per page; building the origin's statement (five aliases, a correlated EXISTS) cost more
than running it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, exists, select
from sqlalchemy.orm import Session, aliased

from engine.clock import as_utc
from engine.identity.orgs import OrgDirectory
from engine.read.people import person
from engine.store.models import HumanTask, JournalEntry, ProcessInstance, User

_tasks, _instances = HumanTask.__table__, ProcessInstance.__table__


def _statement() -> Any:
    starter, start_entry = aliased(User, name="starter"), aliased(JournalEntry, name="start_entry")
    previous, sender = aliased(HumanTask, name="previous"), aliased(User, name="sender")
    earlier = aliased(HumanTask, name="earlier")
    returned = exists().where(earlier.instance_id == HumanTask.instance_id, earlier.element_id == HumanTask.element_id,
                              earlier.state == "completed", earlier.id < HumanTask.id,
                              earlier.completed_at <= HumanTask.created_at)
    return (select(*(_tasks.c[name] for name in ("id", "instance_id", "spiff_task_id", "element_id", "name", "role",
                                                 "org_id", "state", "definition_id", "created_at",
                                                 "previous_task_id", "kind", "assignee", "delegated_by", "held",
                                                 "note")),
                   _instances.c.definition_id.label("case_definition_id"),
                   _instances.c.business_key, _instances.c.definition_key, _instances.c.status.label("case_status"),
                   _instances.c.org_id.label("case_org"), _instances.c.subject_org, _instances.c.developer_org,
                   _instances.c.data, _instances.c.case_title, _instances.c.created_at.label("case_created_at"),
                   _instances.c.started_by, starter.display_name.label("starter_name"),
                   start_entry.actor_org.label("starter_org"), previous.completed_by.label("sender"),
                   sender.display_name.label("sender_name"), previous.org_id.label("sender_org"),
                   returned.label("returned"))
            .select_from(HumanTask)
            .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
            .outerjoin(starter, starter.username == ProcessInstance.started_by)
            .outerjoin(start_entry, and_(start_entry.instance_id == ProcessInstance.id, start_entry.seq == 1))
            .outerjoin(previous, previous.id == HumanTask.previous_task_id)
            .outerjoin(sender, sender.username == previous.completed_by)
            .where(HumanTask.id == bindparam("task_id")))


_TASK_PAGE = _statement()  # the definition comes from the registry's cache, not from this statement


def task_page_row(session: Session, task_id: int) -> Any:
    """The task's row with its case's and origin's columns (None: no such task)."""
    return session.connection().execute(_TASK_PAGE, {"task_id": task_id}).first()


def case_of(row: Any) -> Any:
    """The case's columns of a task page row, named as the case row's (for the access rule's checks)."""
    return _CaseColumns(row)


class _CaseColumns:
    __slots__ = ("developer_org", "id", "org_id", "subject_org")

    def __init__(self, row: Any) -> None:
        self.id, self.org_id = row.instance_id, row.case_org
        self.subject_org, self.developer_org = row.subject_org, row.developer_org


def origin(row: Any, directory: OrgDirectory) -> dict[str, Any]:
    """Who started the task's case, who sent the task and when, whether it came back."""
    return {
        "applicant": person(row.started_by, row.starter_name, row.starter_org, directory),
        "sent_by": person(row.sender, row.sender_name, row.sender_org, directory),
        "sent_at": as_utc(row.created_at),
        "returned": bool(row.returned),
    }
