"""The case list (办件列表): filters, visibility and sorting done in SQL, one page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, select, true
from sqlalchemy.orm import Session, aliased

from engine.clock import as_utc
from engine.errors import BadRequest, Problem
from engine.identity import access
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.read.paging import PageRequest
from engine.read.people import person
from engine.read.search_index import copy_matches, trigram_matches
from engine.read.workbench import case_search, current_steps
from engine.store.models import HumanTask, JournalEntry, ProcessDefinition, ProcessInstance, User

# Days in filters are calendar days in Beijing time (no daylight saving).
CASE_DAY_TZ = timezone(timedelta(hours=8), "CST")
# Filter days must convert to UTC and back, a day after included: Python's dates end at 9999-12-31.
CASE_DATE_MIN = date(1900, 1, 1)
CASE_DATE_MAX = date(9999, 12, 30)
STATUSES = ("running", "suspended", "completed", "terminated", "error")
SORT_COLUMNS = {
    "created_at": ProcessInstance.created_at,
    "updated_at": ProcessInstance.updated_at,
    "business_key": ProcessInstance.business_key,
    "case_title": ProcessInstance.case_title,
}


@dataclass(frozen=True)
class CaseFilter:
    definition_key: str | None = None
    status: str | None = None
    org: str | None = None
    business_key: str | None = None
    business_key_prefix: str | None = None
    started_from: date | None = None
    started_to: date | None = None  # inclusive
    acted_by_me: bool = False
    started_by_me: bool = False
    q: str | None = None  # part of the 办件编号 or of the case title
    sort: str = "created_at"
    descending: bool = True
    limit: int = 50
    offset: int = 0


def day_start_utc(day: date) -> datetime:
    """Midnight of ``day`` in Beijing time, as UTC (the store keeps UTC)."""
    return datetime.combine(day, time.min, CASE_DAY_TZ).astimezone(UTC).replace(tzinfo=None)


def _conditions(actor: Actor, directory: OrgDirectory, flt: CaseFilter, dialect: str,
                visibility: bool = True) -> list[ColumnElement[bool]]:
    problems: list[Problem] = []
    conditions: list[ColumnElement[bool]] = []
    search = case_search(flt.q)
    visible = access.visible_instances_clause(actor, directory) if visibility else None
    if visible is not None:
        conditions.append(visible)
    if search is not None and dialect == "sqlite":
        # engine/read/search_index.py: the narrow copy case by case for a clerk, the trigrams for everyone
        text = (flt.q or "").strip()
        bounded = visibility and access.visible_instance_ids(actor, directory) is not None
        trigrams = None if bounded else trigram_matches(text)
        search = copy_matches(text) if bounded else (search if trigrams is None else trigrams)
    if flt.definition_key:
        conditions.append(ProcessInstance.definition_key == flt.definition_key)
    if flt.status:
        if flt.status not in STATUSES:
            problems.append(Problem("status", "未知状态，可选：" + "、".join(STATUSES)))
        conditions.append(ProcessInstance.status == flt.status)
    if flt.org:
        if flt.org not in directory.orgs:
            problems.append(Problem("org", "未知单位"))
        within = directory.own_and_below(flt.org)
        conditions.append(ProcessInstance.org_id.in_(within))
    if flt.business_key:
        conditions.append(ProcessInstance.business_key == flt.business_key.strip())
    if flt.business_key_prefix:
        conditions.append(ProcessInstance.business_key.startswith(flt.business_key_prefix.strip(), autoescape=True))
    for name, day in (("started_from", flt.started_from), ("started_to", flt.started_to)):
        if day is not None and not CASE_DATE_MIN <= day <= CASE_DATE_MAX:
            raise BadRequest("查询条件不正确", [Problem(name, f"日期须在 {CASE_DATE_MIN} 至 {CASE_DATE_MAX} 之间")])
    if flt.started_from and flt.started_to and flt.started_from > flt.started_to:
        problems.append(Problem("started_to", "结束日期不能早于开始日期"))
    if flt.started_from:
        conditions.append(ProcessInstance.created_at >= _bound(day_start_utc(flt.started_from), dialect))
    if flt.started_to:
        conditions.append(ProcessInstance.created_at
                          < _bound(day_start_utc(flt.started_to + timedelta(days=1)), dialect))
    if flt.acted_by_me:
        conditions.append(exists().where(HumanTask.instance_id == ProcessInstance.id,
                                         HumanTask.completed_by == actor.username))
    if flt.started_by_me:
        conditions.append(ProcessInstance.started_by == actor.username)
    if search is not None:
        conditions.append(search)
    if flt.sort not in SORT_COLUMNS:
        problems.append(Problem("sort", "可选：" + "、".join(SORT_COLUMNS)))
    if problems:
        raise BadRequest("查询条件不正确", problems)
    return conditions


def _bound(naive_utc: datetime, dialect: str) -> datetime:
    # SQLite stores the UTC wall time without a zone; PostgreSQL compares aware times.
    return naive_utc if dialect == "sqlite" else naive_utc.replace(tzinfo=UTC)


def _summary(row: Any, directory: OrgDirectory, steps: dict[int, list[dict[str, Any]]]) -> dict[str, Any]:
    item = {
        "id": row.id,
        "business_key": row.business_key,
        "status": row.status,
        "definition_key": row.definition_key,
        "definition_name": row.definition_name,
        "definition_version": row.definition_version,
        "org": row.org_id,
        "subject_org": row.subject_org,
        "developer_org": row.developer_org,
        "case_title": row.case_title,
        "started_by": person(row.started_by, row.starter_name, row.starter_org, directory),
        "current_steps": steps.get(row.id, []),
        "created_at": as_utc(row.created_at),
        "updated_at": as_utc(row.updated_at),
    }
    if row.end_event:
        item["end_event"] = row.end_event
    return item


def _walk_pays(session: Session, total: int, limit: int) -> bool:
    """Whether walking the sort column's index finds a page sooner than sorting the ``total`` matches:
    a walk reads about ``limit × cases / total`` rows (every case, when few match: a selective filter,
    started_by_me, a 办件编号 prefix), a sort reads ``total``."""
    if total == 0:
        return False
    cases = session.scalar(select(func.max(ProcessInstance.id))) or 0  # the number of cases, from the index
    return limit * cases < total * total


def list_cases(session: Session, actor: Actor, flt: CaseFilter,
               directory: OrgDirectory) -> tuple[list[dict[str, Any]], int]:
    """One page of the cases ``actor`` may see that match ``flt``, and how many match in all."""
    where = and_(true(), *_conditions(actor, directory, flt, session.get_bind().dialect.name))
    starter, start_entry = aliased(User, name="starter"), aliased(JournalEntry, name="start_entry")
    stmt: Select[Any] = (
        select(ProcessInstance.id, ProcessInstance.business_key, ProcessInstance.status,
               ProcessInstance.definition_key, ProcessInstance.org_id, ProcessInstance.subject_org,
               ProcessInstance.developer_org, ProcessInstance.started_by, ProcessInstance.created_at,
               ProcessInstance.updated_at, ProcessInstance.end_event, ProcessInstance.case_title,
               ProcessDefinition.name.label("definition_name"), ProcessDefinition.version.label("definition_version"),
               starter.display_name.label("starter_name"), start_entry.actor_org.label("starter_org"))
        .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
        .outerjoin(starter, starter.username == ProcessInstance.started_by)
        .outerjoin(start_entry, and_(start_entry.instance_id == ProcessInstance.id, start_entry.seq == 1))
    )
    column = SORT_COLUMNS[flt.sort]
    direction = ((column.desc(), ProcessInstance.id.desc()) if flt.descending
                 else (column.asc(), ProcessInstance.id.asc()))
    if (session.get_bind().dialect.name == "postgresql"
            and access.visible_instance_ids(actor, directory) is not None):
        return _list_cases_postgres(session, stmt, where, direction, flt, directory)
    # The count and the page's ids read the cases' own columns (indexes, no joins); the joins of the
    # summary then run for the page's rows alone. (On SQLite a case row's later columns sit behind its
    # snapshot: reading them for every matching case before the sort cost more than the rest.)
    total = session.scalar(select(func.count()).select_from(ProcessInstance).where(where)) or 0
    page_where = where
    visible = access.visible_instance_ids(actor, directory)
    searching = bool((flt.q or "").strip())
    if visible is None and searching and session.get_bind().dialect.name == "sqlite":
        # every case searched: the matching ids from the narrow index of the two searched columns
        # (ix_process_instances_search), then the sort of those few, not a walk of the sort column's
        # index reading every case row
        page_where = and_(true(), *_conditions(actor, directory, flt, "sqlite", visibility=False))
        page_where = ProcessInstance.id.in_(select(ProcessInstance.id).where(page_where))
    elif (visible is not None and not searching and session.get_bind().dialect.name == "sqlite"
          and _walk_pays(session, total, flt.limit)):
        # SQLite otherwise reads every visible case's row for its sort value and sorts them all; with the
        # visibility set as a plain filter (``+ 0``: no index for it) it walks the sort column's index,
        # the newest first, and stops at the page's last row
        page_where = and_(true(), *_conditions(actor, directory, flt, "sqlite", visibility=False),
                          (ProcessInstance.id + 0).in_(visible))
    page_ids = (select(ProcessInstance.id).where(page_where).order_by(*direction)
                .limit(PageRequest(flt.limit, flt.offset).limit).offset(flt.offset))
    found = list(session.execute(stmt.where(ProcessInstance.id.in_(page_ids)).order_by(*direction)))
    steps = current_steps(session, directory, [row.id for row in found])
    return [_summary(row, directory, steps) for row in found], total


# -- PostgreSQL (pgpath) -------------------------------------------------------------------------------------------

def _list_cases_postgres(session: Session, stmt: Select[Any], where: ColumnElement[bool], direction: Any,
                         flt: CaseFilter, directory: OrgDirectory) -> tuple[list[dict[str, Any]], int]:
    """The page and the count in one statement, for a reader whose cases are bounded by a visibility set:
    the matches (that set, a union of index scans over the reader's rows, and the filters) are found once,
    counted by ``count(*) OVER ()`` and the page's ids taken from them; the summary's joins run for the
    page's rows. Two statements found the same matches twice (the count, then the page) and cost one round
    trip more. Not for a reader who sees every case: there the count is an index-only count and the page a
    walk of the sort column's index that stops at the page, where a window over every case sorts them all."""
    page = (select(ProcessInstance.id.label("page_id"), func.count().over().label("total")).where(where)
            .order_by(*direction).limit(PageRequest(flt.limit, flt.offset).limit).offset(flt.offset)
            .cte("page"))
    found = list(session.execute(stmt.add_columns(page.c.total).join(page, page.c.page_id == ProcessInstance.id)
                                 .order_by(*direction)))
    if found:
        total = int(found[0].total)
    else:  # past the last page (or nothing matches): the count alone
        total = (session.scalar(select(func.count()).select_from(ProcessInstance).where(where)) or 0
                 if flt.offset else 0)
    steps = current_steps(session, directory, [row.id for row in found])
    return [_summary(row, directory, steps) for row in found], total
