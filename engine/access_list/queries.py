"""Reading the access list: filters for the public page and API, and the look-up a refusal cites.

Whether an entry is in force is decided here against the given day (the injected clock's
date in Beijing), never stored: an entry expires by itself at the end of its 时限.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from engine.access_list.entries import STATUS_NAMES, status_on
from engine.access_list.registry import district_of
from engine.store.models import AccessListEntry, Organisation

ITEM_TYPES = {"work_item": "工作事项", "ledger": "台账", "evaluation": "创建达标评比", "certificate": "证明事项",
              "other": "其他"}
FUNDING_SOURCES = {"district_special": "区级财政专项资金", "department_budget": "部门预算",
                   "upper_special": "上级专项资金", "purchase_service": "政府购买服务资金"}


@dataclass(frozen=True)
class Filters:
    org: str | None = None  # a community, street or district: the entries binding it
    status: str | None = None  # active, expired, pending
    q: str | None = None  # words of the title or content
    limit: int = 50
    offset: int = 0


class UnknownOrg(LookupError):
    pass


def _filtered(session: Session, filters: Filters, today: date) -> Select[Any]:
    stmt = select(AccessListEntry)
    if filters.org:
        if session.get(Organisation, filters.org) is None:
            raise UnknownOrg(filters.org)
        stmt = stmt.where(AccessListEntry.district_org == district_of(session, filters.org))
    if filters.status == "active":
        stmt = stmt.where(AccessListEntry.valid_from <= today, AccessListEntry.valid_until >= today)
    elif filters.status == "expired":
        stmt = stmt.where(AccessListEntry.valid_until < today)
    elif filters.status == "pending":
        stmt = stmt.where(AccessListEntry.valid_from > today)
    for word in (filters.q or "").split():
        pattern = f"%{word.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(or_(AccessListEntry.title.like(pattern), AccessListEntry.content.like(pattern)))
    return stmt


def org_names(session: Session) -> dict[str, str]:
    return {row.id: row.name for row in session.execute(select(Organisation.id, Organisation.name))}


def public_view(row: AccessListEntry, today: date, names: dict[str, str]) -> dict[str, Any]:
    """What anyone may read of an entry: the item and its approval, no person and no opinion."""
    status = status_on(row.valid_from, row.valid_until, today)
    return {
        "entry_no": row.entry_no, "title": row.title,
        "item_type": row.item_type, "item_type_name": ITEM_TYPES.get(row.item_type, row.item_type),
        "content": row.content, "target_group": row.target_group, "authority_scope": row.authority_scope,
        "time_limit_months": row.time_limit_months, "time_limit_desc": row.time_limit_desc,
        "funding_amount": row.funding_amount,
        "funding_source": row.funding_source,
        "funding_source_name": FUNDING_SOURCES.get(row.funding_source, row.funding_source),
        "applicant_department": row.applicant_department,
        "district": names.get(row.district_org, row.district_org),
        "meeting_no": row.meeting_no, "meeting_quarter": row.meeting_quarter,
        "meeting_date": row.meeting_date.isoformat() if row.meeting_date else None,
        "approved_on": row.approved_on.isoformat(), "valid_from": row.valid_from.isoformat(),
        "valid_until": row.valid_until.isoformat(),
        "expires_at": (row.valid_until + timedelta(days=1)).isoformat() + "T00:00:00+08:00",
        "status": status, "status_name": STATUS_NAMES[status],
    }


def list_entries(session: Session, filters: Filters, today: date) -> tuple[list[dict[str, Any]], int]:
    stmt = _filtered(session, filters, today)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(AccessListEntry.approved_on.desc(), AccessListEntry.id.desc())
                           .limit(filters.limit).offset(filters.offset))
    names = org_names(session)
    return [public_view(row, today, names) for row in rows], int(total)


def _normal(text: str) -> str:
    return "".join(str(text or "").split())


def look_up(session: Session, district: str, title: str, cited_entry_no: str | None,
            today: date) -> list[dict[str, Any]]:
    """Entries of ``district`` that name the work item: the cited 清单编号, or a title naming the same item."""
    wanted = _normal(title)
    found = []
    for row in session.scalars(select(AccessListEntry).where(AccessListEntry.district_org == district)
                               .order_by(AccessListEntry.id)):
        by_number = bool(cited_entry_no) and row.entry_no == (cited_entry_no or "").strip()
        name = _normal(row.title)
        by_title = bool(wanted) and bool(name) and (wanted in name or name in wanted)
        if by_number or by_title:
            status = status_on(row.valid_from, row.valid_until, today)
            found.append({"entry_no": row.entry_no, "title": row.title, "valid_from": row.valid_from.isoformat(),
                          "valid_until": row.valid_until.isoformat(), "status": status,
                          "status_name": STATUS_NAMES[status]})
    return found


_LEVELS = ("district", "street", "community")


def unit_choices(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(select(Organisation).where(Organisation.level.in_(_LEVELS)))
    found = [{"id": o.id, "name": o.name, "level": o.level, "parent": o.parent_id} for o in rows]
    return sorted(found, key=lambda o: (_LEVELS.index(o["level"]), o["name"]))
