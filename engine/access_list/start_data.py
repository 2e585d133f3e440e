"""What the access-list procedures learn from the database when they start (engine/cases/start_data.py).

- ``access_list.agenda``: a meeting of the leadership group (the quarterly one, or an interim one its
  office calls in between: "原则上每季度召开一次会议", 002 §四(一)) takes up, as one batch, every
  社区事务准入 case of its district that waits for the meeting's decision and is not already on the
  agenda of another meeting not yet held (one item, one meeting: two decisions could cross).
- ``access_list.lookup``: a community's refusal looks the work item up in the access list of its
  district on the day it refuses (002 §四(一): "凡未列入社区事务目录的工作，社区有权拒绝").
"""

from __future__ import annotations

import threading
import weakref
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from engine.access_list.queries import look_up
from engine.access_list.registry import district_of
from engine.cases.start_data import provides
from engine.definitions.compile import CompiledDefinition
from engine.store.models import EventSubscription, ProcessDefinition, ProcessInstance
from engine.timers.iso import beijing_date

MEETING_MESSAGE = "领导小组季度会议决定"


AGENDA_PROVIDER = "access_list.agenda"


class _AgendaDefinitions:
    """The ids of the deployed definitions drawing their agenda here, per database.

    A definition is never changed once deployed, so the model texts are searched again only when the
    versions are not the ones seen last (their count and highest id, one indexed statement): every case
    view of a waiting item asked for them, searching every model text.
    """

    def __init__(self) -> None:
        self._known: weakref.WeakKeyDictionary[Any, tuple[tuple[int, int], list[int]]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def ids(self, session: Session) -> list[int]:
        database = session.get_bind()
        count, top = session.execute(_VERSIONS).one()
        seen = (int(count or 0), int(top or 0))
        known = self._known.get(database)
        if known is not None and known[0] == seen:
            return known[1]
        found = list(session.scalars(select(ProcessDefinition.id).where(
            ProcessDefinition.bpmn_xml.contains(f'value="{AGENDA_PROVIDER}"')).order_by(ProcessDefinition.id)))
        with self._lock:
            self._known[database] = (seen, found)
        return found


_VERSIONS = select(func.count(ProcessDefinition.id), func.max(ProcessDefinition.id))
AGENDA_DEFINITIONS = _AgendaDefinitions()


def open_meetings(session: Session) -> list[tuple[int, str | None, dict[str, Any]]]:
    """(id, 办件编号, data) of the meetings not yet held: running cases of a procedure drawing its agenda here.

    (An item's case view asks engine/access_list/agenda_cache.py instead, which reads only the rows that
    changed since.)
    """
    meetings = AGENDA_DEFINITIONS.ids(session)
    if not meetings:
        return []
    rows = session.connection().execute(_OPEN_MEETINGS, {"meetings": meetings})
    return sorted((row.id, row.business_key, row.data or {}) for row in rows)


# ix_process_instances_definition_status_version: the running meetings, not every meeting ever held (ordered
# in Python, not by the database: SQLite walked every running case in id order to spare itself the sort)
_OPEN_MEETINGS = (select(ProcessInstance.id, ProcessInstance.business_key, ProcessInstance.data)
                  .where(ProcessInstance.definition_id.in_(bindparam("meetings", expanding=True)),
                         ProcessInstance.status == "running"))


def on_open_agendas(session: Session) -> dict[str, tuple[int, str | None]]:
    """办件编号 of an item → the open meeting (id, 办件编号) whose agenda holds it."""
    found: dict[str, tuple[int, str | None]] = {}
    for meeting_id, business_key, data in open_meetings(session):
        for case_no in data.get("agenda_case_nos") or ():
            if isinstance(case_no, str):
                found.setdefault(case_no, (meeting_id, business_key))
    return found


def pending_items(session: Session, district: str) -> list[dict[str, Any]]:
    """The cases of ``district`` waiting for a meeting's decision and on no open meeting's agenda, by 办件编号."""
    rows = session.execute(
        select(ProcessInstance.business_key, ProcessInstance.org_id, ProcessInstance.data)
        .join(EventSubscription, EventSubscription.instance_id == ProcessInstance.id)
        .where(EventSubscription.kind == "message", EventSubscription.name == MEETING_MESSAGE,
               ProcessInstance.status == "running")
        .order_by(ProcessInstance.business_key)).all()
    items: dict[str, dict[str, Any]] = {}
    taken = on_open_agendas(session)
    for business_key, org_id, data in rows:
        if business_key is None or business_key in items or business_key in taken \
                or district_of(session, org_id) != district:
            continue
        data = data or {}
        items[business_key] = {
            "case_no": business_key,
            "item_title": str(data.get("item_title") or ""),
            "applicant_department": str(data.get("applicant_department") or ""),
            "item_content": str(data.get("item_content") or ""),
            "time_limit_months": data.get("time_limit_months"),
            "funding_amount": data.get("funding_amount"),
        }
    return list(items.values())


@provides(AGENDA_PROVIDER)
def _agenda(session: Session, definition: CompiledDefinition, case_org: str, data: dict[str, Any],
            at: datetime) -> dict[str, Any]:
    items = pending_items(session, district_of(session, case_org))
    return {"agenda": items, "agenda_case_nos": [item["case_no"] for item in items], "agenda_size": len(items)}


@provides("access_list.lookup")
def _lookup(session: Session, definition: CompiledDefinition, case_org: str, data: dict[str, Any],
            at: datetime) -> dict[str, Any]:
    today = beijing_date(at)
    cited = data.get("cited_entry_no")
    matches = look_up(session, district_of(session, case_org), str(data.get("work_item_title") or ""),
                      cited if isinstance(cited, str) else None, today)
    listed = any(m["status"] == "active" for m in matches)
    return {"access_list_lookup": {"checked_on": today.isoformat(), "listed": listed, "matches": matches},
            "item_listed": listed}
