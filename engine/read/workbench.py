"""The clerk's workbench lists: 我的待办 (ready tasks) and 已办 (tasks I completed).

Each list is two SQL statements, a count and one page, whatever the page size (the inbox: one, its page
carrying the count):
the case's title, procedure name, applicant and sender come from joins, never
from a request per task. The current steps of the cases on a page of 已办 are a
third statement (:func:`current_steps`), shared with the case list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, func, or_, select, union_all
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.util import find_tables

from engine.clock import as_utc
from engine.errors import Problem, ValidationFailed
from engine.identity import access
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.limits.views import DeadlineReader, inbox_sorts
from engine.read.paging import Page, PageRequest, like_pattern
from engine.read.people import org_name, person, role_name
from engine.store.models import HumanTask, JournalEntry, ProcessDefinition, ProcessInstance, User

INBOX_SORTS: dict[str, Any] = {
    "created_at": HumanTask.created_at, "name": HumanTask.name, "instance_id": HumanTask.instance_id,
    "id": HumanTask.id, "business_key": ProcessInstance.business_key, "case_title": ProcessInstance.case_title,
}
DONE_SORTS: dict[str, Any] = {
    "completed_at": HumanTask.completed_at, "business_key": ProcessInstance.business_key,
    "case_title": ProcessInstance.case_title,
}


@dataclass(frozen=True)
class InboxFilter:
    definition_key: str | None = None
    instance_id: int | None = None
    element_id: str | None = None
    role: str | None = None
    q: str | None = None  # part of the 办件编号 or of the case title


@dataclass(frozen=True)
class DoneFilter:
    definition_key: str | None = None
    q: str | None = None


def case_search(q: str | None) -> ColumnElement[bool] | None:
    """Cases whose 办件编号 or title contains ``q`` (case-insensitive)."""
    text = (q or "").strip()
    if not text:
        return None
    pattern = like_pattern(text)
    return or_(ProcessInstance.business_key.ilike(pattern, escape="\\"),
               ProcessInstance.case_title.ilike(pattern, escape="\\"))


def _one_page(session: Session, where: list[ColumnElement[bool]], rows: Select[Any], page: PageRequest,
              sorts: Mapping[str, Any], default_sort: str, tiebreak: Any) -> tuple[list[Any], int]:
    """Count the tasks matching ``where`` (tasks joined to their case), then fetch one page of ``rows``."""
    name, descending = PageRequest(sort=page.sort or default_sort).sort_key
    if name not in sorts:
        raise ValidationFailed("无法按该字段排序", [Problem("sort", f"可选：{', '.join(sorted(sorts))}")])
    counted = select(func.count()).select_from(HumanTask)
    # every task has its case: the join only matters to a condition on the case (a busy clerk's 已办 counted
    # thousands of case rows for nothing)
    if any(_names_cases(condition) for condition in where):
        counted = counted.join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
    total = session.scalar(counted.where(*where)) or 0
    column = sorts[name]
    direction = (column.desc(), tiebreak.desc()) if descending else (column.asc(), tiebreak.asc())
    # The page's task ids first, from the tasks and their cases alone; the list's joins and subqueries
    # then run for those rows only, not for every matching task before the sort.
    ids = (select(HumanTask.id).select_from(HumanTask)
           .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id).where(*where)
           .order_by(*direction).limit(page.limit).offset(page.offset))
    ordered = rows.where(HumanTask.id.in_(ids)).order_by(*direction)
    return list(session.execute(ordered)), total


def _names_cases(condition: ColumnElement[bool]) -> bool:
    return any(table.name == ProcessInstance.__tablename__ for table in find_tables(condition, check_columns=True))


def _came_back(instance_id: Any, element_id: Any, task_id: Any, created_at: Any) -> Any:
    """The task's element was completed in its case before the task was opened (a return, a loop)."""
    earlier = aliased(HumanTask, name="earlier")
    return exists().where(earlier.instance_id == instance_id, earlier.element_id == element_id,
                          earlier.state == "completed", earlier.id < task_id, earlier.completed_at <= created_at)


def _applicant_joins() -> tuple[Any, Any]:
    """The starter (a user) and the start entry of the journal (the unit they started it for)."""
    return aliased(User, name="starter"), aliased(JournalEntry, name="start_entry")


def _inbox_rows() -> Select[Any]:
    """The inbox's columns and joins, for the page's task ids (``_one_page`` adds which)."""
    starter, start_entry = _applicant_joins()
    previous, sender = aliased(HumanTask, name="previous"), aliased(User, name="sender")
    returned = _came_back(HumanTask.instance_id, HumanTask.element_id, HumanTask.id, HumanTask.created_at)
    return (select(HumanTask.id, HumanTask.instance_id, HumanTask.name, HumanTask.element_id, HumanTask.role,
                   HumanTask.org_id, HumanTask.state, HumanTask.created_at, HumanTask.kind, HumanTask.assignee,
                   HumanTask.delegated_by, HumanTask.note,
                   ProcessInstance.business_key, ProcessInstance.definition_key, ProcessInstance.case_title,
                   ProcessDefinition.name.label("definition_name"),
                   ProcessInstance.started_by, starter.display_name.label("starter_name"),
                   start_entry.actor_org.label("starter_org"),
                   previous.completed_by.label("sender"), sender.display_name.label("sender_name"),
                   previous.org_id.label("sender_org"), returned.label("returned"))
            .select_from(HumanTask)
            .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
            .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
            .outerjoin(starter, starter.username == ProcessInstance.started_by)
            .outerjoin(start_entry, and_(start_entry.instance_id == ProcessInstance.id, start_entry.seq == 1))
            .outerjoin(previous, previous.id == HumanTask.previous_task_id)
            .outerjoin(sender, sender.username == previous.completed_by))


# Built once: building the list's statement (five aliases, correlated subqueries) on every request
# took about a third of GET /tasks.
_INBOX_ROWS = _inbox_rows()
_INBOX_SORTS = INBOX_SORTS | inbox_sorts()


_INBOX_FILTERS = ("role", "instance_id", "element_id", "definition_key", "q")
# (filters given, sort, descending) -> the count and the page statements, built once with bind parameters:
# building them (the access rule's two ways, the sort's subqueries, five joins) and SQLAlchemy's cache key of
# each new statement cost more than running them
_INBOX_SHAPES: dict[tuple[tuple[str, ...], str, bool, int], tuple[Select[Any], Select[Any]]] = {}


def _inbox_statements(given: tuple[str, ...], name: str, descending: bool,
                      role_count: int = 0) -> tuple[Select[Any], Select[Any]]:
    """The count and the page of the inbox: each of the access rule's two disjoint ways of holding a task
    (the unassigned pool of the actor's role at their unit, read from ``ix_human_tasks_pool`` alone; the
    tasks held by name) is counted, and sorted and cut to the page's end, on its own; the counts are added
    and the two cut lists merged. One statement with ``id IN (union of both)`` looked each task up again by
    id and sorted all of them. ``role_count``: the actor's roles as that many plain parameters when few
    (``access.inbox_ways_for``)."""
    role_count = role_count if 0 < role_count <= access.FIXED_ROLES else 0
    shape = (given, name, descending, role_count)
    found = _INBOX_SHAPES.get(shape)
    if found is not None:
        return found
    conditions = {"role": lambda: HumanTask.role == bindparam("f_role"),
                  "instance_id": lambda: HumanTask.instance_id == bindparam("f_instance_id"),
                  "element_id": lambda: HumanTask.element_id == bindparam("f_element_id"),
                  "definition_key": lambda: ProcessInstance.definition_key == bindparam("f_definition_key"),
                  "q": lambda: or_(ProcessInstance.business_key.ilike(bindparam("f_q"), escape="\\"),
                                   ProcessInstance.case_title.ilike(bindparam("f_q"), escape="\\"))}
    common = [ProcessInstance.status == "running", *(conditions[f]() for f in given)]
    joined = (HumanTask.__table__.join(ProcessInstance.__table__, ProcessInstance.id == HumanTask.instance_id))
    ways = [[*way, *common] for way in access.inbox_ways_for(role_count)]
    # not correlated: inside the page's statement (below) they must still count every matching task
    pool, named = (select(func.count()).select_from(joined).where(*where).correlate(None).scalar_subquery()
                   for where in ways)
    count = select(pool + named)
    column = _INBOX_SORTS[name]
    order = (lambda c: c.desc()) if descending else (lambda c: c.asc())
    # each way sorted and cut to the page's end, then merged: the pool walks its index in created_at order
    cut = [select(HumanTask.id.label("id"), column.label("sort_key")).select_from(joined).where(*where)
           .order_by(order(column), order(HumanTask.id)).limit(bindparam("page_end")).subquery()
           for where in ways]
    mine = union_all(*(select(part.c.id, part.c.sort_key) for part in cut)).subquery("mine")
    ids = (select(mine.c.id).order_by(order(mine.c.sort_key), order(mine.c.id))
           .limit(bindparam("page_limit")).offset(bindparam("page_offset")))
    # the count rides along as a column (computed once, in the page's snapshot): one statement, not two
    rows = (_INBOX_ROWS.add_columns((pool + named).label("inbox_total"))
            .where(HumanTask.id.in_(ids)).order_by(order(column), order(HumanTask.id)))
    _INBOX_SHAPES[shape] = (count, rows)
    return count, rows


def inbox_page(session: Session, actor: Actor, directory: OrgDirectory, filters: InboxFilter,
               page: PageRequest, now: datetime) -> Page[dict[str, Any]]:
    """Ready tasks the actor may act on (their roles at their organisation, or held by them by name),
    each with its most urgent time limit at ``now`` (``deadline``, ``remaining``, ``urgency``; sortable by
    ``urgency`` and ``due``).

    Tasks of a suspended case, or of one stopped by a script error, leave the inbox until an
    admin resumes it (the rows stay ready).
    """
    name, descending = PageRequest(sort=page.sort or "created_at").sort_key
    if name not in _INBOX_SORTS:
        raise ValidationFailed("无法按该字段排序", [Problem("sort", f"可选：{', '.join(sorted(_INBOX_SORTS))}")])
    values: dict[str, Any] = {"role": filters.role or None, "instance_id": filters.instance_id,
                              "element_id": filters.element_id or None,
                              "definition_key": filters.definition_key or None,
                              "q": like_pattern(filters.q.strip()) if filters.q and filters.q.strip() else None}
    given = tuple(f for f in _INBOX_FILTERS if values[f] is not None)
    count, rows = _inbox_statements(given, name, descending, len(actor.roles))
    params = access.inbox_params(actor) | {f"f_{f}": values[f] for f in given}
    conn = session.connection()
    found = list(conn.execute(rows, params | {"page_limit": page.limit, "page_offset": page.offset,
                                               "page_end": page.offset + page.limit}))
    # a page past the end has no row to carry the count; the first page empty means none at all
    total = found[0].inbox_total if found else (conn.execute(count, params).scalar() or 0) if page.offset else 0
    items = [_inbox_item(row, directory) for row in found]
    DeadlineReader(session, now).task_fields(items)
    return Page(items, total)


def _inbox_item(row: Any, directory: OrgDirectory) -> dict[str, Any]:
    return {
        "id": row.id, "instance_id": row.instance_id, "name": row.name, "element_id": row.element_id,
        "role": row.role, "role_name": role_name(directory, row.role),
        "org": row.org_id, "org_name": org_name(directory, row.org_id), "state": row.state,
        "created_at": as_utc(row.created_at), "sent_at": as_utc(row.created_at),
        "business_key": row.business_key, "definition_key": row.definition_key,
        "definition_name": row.definition_name, "case_title": row.case_title,
        "applicant": person(row.started_by, row.starter_name, row.starter_org, directory),
        "sent_by": person(row.sender, row.sender_name, row.sender_org, directory),
        "returned": bool(row.returned),
        # approval operations: a signer's part (kind "sign"), the one user holding it, 委派, what they are told
        "kind": row.kind or "task", "assignee": row.assignee, "delegated_by": row.delegated_by, "note": row.note,
    }


DONE_COMMANDS = ("complete", "submit", "sign")


def done_page(session: Session, actor: Actor, directory: OrgDirectory, filters: DoneFilter,
              page: PageRequest) -> Page[dict[str, Any]]:
    """The tasks the actor completed, newest first by default, with their opinion and where each case is now."""
    # a step completed, or a signer's part of one signed (加签: kind "sign", state "signed")
    where: list[ColumnElement[bool]] = [HumanTask.completed_by == actor.username,
                                        HumanTask.state.in_(("completed", "signed"))]
    if filters.definition_key:
        where.append(ProcessInstance.definition_key == filters.definition_key)
    search = case_search(filters.q)
    if search is not None:
        where.append(search)
    # the opinion of the completion, of the submission before the signers signed, or of the signature
    # (a submission a script refused earlier has an entry of its own)
    comment = (select(JournalEntry.comment)
               .where(JournalEntry.instance_id == HumanTask.instance_id, JournalEntry.task_id == HumanTask.id,
                      JournalEntry.command.in_(DONE_COMMANDS), JournalEntry.actor == actor.username)
               .order_by(JournalEntry.seq.desc()).limit(1).scalar_subquery())
    rows = (select(HumanTask.id, HumanTask.instance_id, HumanTask.name, HumanTask.element_id, HumanTask.role,
                   HumanTask.org_id, HumanTask.completed_at, HumanTask.kind, comment.label("comment"),
                   ProcessInstance.business_key, ProcessInstance.definition_key, ProcessInstance.case_title,
                   ProcessInstance.status.label("case_status"), ProcessInstance.end_event,
                   ProcessDefinition.name.label("definition_name"))
            .select_from(HumanTask)
            .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
            .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id))
    found, total = _one_page(session, where, rows, page, DONE_SORTS, "-completed_at", HumanTask.id)
    steps = current_steps(session, directory, {row.instance_id for row in found})
    return Page([{
        "id": row.id, "instance_id": row.instance_id, "name": row.name, "element_id": row.element_id,
        "role": row.role, "role_name": role_name(directory, row.role),
        "org": row.org_id, "org_name": org_name(directory, row.org_id),
        "completed_at": as_utc(row.completed_at), "comment": row.comment, "kind": row.kind or "task",
        "business_key": row.business_key, "definition_key": row.definition_key,
        "definition_name": row.definition_name, "case_title": row.case_title,
        "case_status": row.case_status, "end_event": row.end_event,
        "current_steps": steps.get(row.instance_id, []),
    } for row in found], total)


def current_steps(session: Session, directory: OrgDirectory,
                  instance_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """The open tasks of each case (where it stands and who holds it), in one query."""
    wanted = sorted(set(instance_ids))
    steps: dict[int, list[dict[str, Any]]] = {}
    if not wanted:
        return steps
    for row in session.execute(select(HumanTask.id, HumanTask.instance_id, HumanTask.name, HumanTask.element_id,
                                      HumanTask.role, HumanTask.org_id, HumanTask.created_at)
                               .where(HumanTask.instance_id.in_(wanted), HumanTask.state == "ready")
                               .order_by(HumanTask.id)):
        steps.setdefault(row.instance_id, []).append({
            "task_id": row.id, "name": row.name, "element_id": row.element_id,
            "role": row.role, "role_name": role_name(directory, row.role),
            "org": row.org_id, "org_name": org_name(directory, row.org_id), "since": as_utc(row.created_at),
        })
    return steps


def _origin_statement() -> Select[Any]:
    starter, start_entry = _applicant_joins()
    previous, sender = aliased(HumanTask, name="previous"), aliased(User, name="sender")
    returned = _came_back(bindparam("instance_id"), bindparam("element_id"), bindparam("task_id"),
                          bindparam("created_at", type_=HumanTask.created_at.type))
    return (select(ProcessInstance.started_by, starter.display_name.label("starter_name"),
                   start_entry.actor_org.label("starter_org"), previous.completed_by.label("sender"),
                   sender.display_name.label("sender_name"), previous.org_id.label("sender_org"),
                   returned.label("returned"))
            .select_from(ProcessInstance)
            .outerjoin(starter, starter.username == ProcessInstance.started_by)
            .outerjoin(start_entry, and_(start_entry.instance_id == ProcessInstance.id, start_entry.seq == 1))
            .outerjoin(previous, previous.id == bindparam("previous_id"))
            .outerjoin(sender, sender.username == previous.completed_by)
            .where(ProcessInstance.id == bindparam("instance_id")))


# Built once with bind parameters: building it (five aliases, a correlated EXISTS) on every task page
# cost more than running it.
_ORIGIN = _origin_statement()


def task_origin(session: Session, directory: OrgDirectory, task: HumanTask) -> dict[str, Any]:
    """Who started the task's case, who sent the task and when, whether it came back (one query)."""
    row = session.execute(_ORIGIN, {"instance_id": task.instance_id, "element_id": task.element_id,
                                    "task_id": task.id, "created_at": task.created_at,
                                    "previous_id": task.previous_task_id}).one()
    return {
        "applicant": person(row.started_by, row.starter_name, row.starter_org, directory),
        "sent_by": person(row.sender, row.sender_name, row.sender_org, directory),
        "sent_at": as_utc(task.created_at),
        "returned": bool(row.returned),
    }
