"""Which open meeting's agenda holds an item, without reading every open meeting's row on each case view.

A meeting's agenda is in its case data (``agenda_case_nos``, drawn when the meeting starts). Reading the
data of every open meeting costs each item's case view a walk through their rows, snapshots included
(SQLite keeps ``data`` after ``snapshot`` in the row). Here each open meeting's agenda is kept per
database with the case row's ``version``; a view reads the open meetings' (id, version), as one string,
from ``ix_process_instances_definition_status_version`` alone and reads again only the rows whose version
it has not seen. That is exact against any writer, in this process or another: every write of a case row
goes through :func:`engine.store.case_store.update_instance`, which raises ``version`` (the optimistic
lock), and case rows are never deleted, so an (id, version) names one content of the row for good.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, bindparam, cast, func, select
from sqlalchemy.orm import Session

from engine.store.models import ProcessInstance


@dataclass(frozen=True, slots=True)
class _Agenda:
    version: int
    business_key: str | None
    case_nos: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Seen:
    signature: str  # the open meetings' "id:version" as the database listed them
    agendas: dict[int, _Agenda]
    holder: dict[str, tuple[int, str | None]]  # 办件编号 → the open meeting (lowest id) whose agenda holds it


_ENTRY = cast(ProcessInstance.id, String) + ":" + cast(ProcessInstance.version, String)
# the running meetings with their row versions as one string, from the index alone: a view compares it whole
# (one value, not a row per meeting; the order is the index's, and another order only costs a parse)
_OPEN_VERSIONS = (select(func.aggregate_strings(_ENTRY, ","))
                  .where(ProcessInstance.definition_id.in_(bindparam("meetings", expanding=True)),
                         ProcessInstance.status == "running"))
_ROWS = (select(ProcessInstance.id, ProcessInstance.version, ProcessInstance.business_key, ProcessInstance.data)
         .where(ProcessInstance.id.in_(bindparam("ids", expanding=True))))
_CHUNK = 500  # ids a statement binds at most


def _agenda(row: Any) -> _Agenda:
    data = row.data if isinstance(row.data, dict) else {}
    case_nos = frozenset(n for n in data.get("agenda_case_nos") or () if isinstance(n, str))
    return _Agenda(int(row.version), row.business_key, case_nos)


def _entries(signature: str) -> list[tuple[int, int]]:
    pairs = (entry.split(":") for entry in signature.split(",")) if signature else ()
    return [(int(meeting_id), int(version)) for meeting_id, version in pairs]


class OpenAgendas:
    def __init__(self) -> None:
        self._seen: weakref.WeakKeyDictionary[Any, _Seen] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def holding(self, session: Session, meetings: list[int], case_no: str) -> tuple[int, str | None] | None:
        """(id, 办件编号) of the open meeting (lowest id first) whose agenda holds ``case_no``, or None;
        ``meetings``: the versions drawing an agenda (``AGENDA_DEFINITIONS.ids``)."""
        if not meetings:
            return None
        conn = session.connection()
        signature = conn.execute(_OPEN_VERSIONS, {"meetings": meetings}).scalar() or ""
        database = session.get_bind()
        seen = self._seen.get(database)
        if seen is None or seen.signature != signature:
            seen = self._read(conn, signature, seen.agendas if seen is not None else {})
            with self._lock:
                self._seen[database] = seen
        return seen.holder.get(case_no)

    @staticmethod
    def _read(conn: Any, signature: str, known: dict[int, _Agenda]) -> _Seen:
        current = _entries(signature)
        stale = [meeting_id for meeting_id, version in current
                 if (agenda := known.get(meeting_id)) is None or agenda.version != version]
        fresh: dict[int, _Agenda] = {}
        for i in range(0, len(stale), _CHUNK):
            for row in conn.execute(_ROWS, {"ids": stale[i:i + _CHUNK]}):
                fresh[row.id] = _agenda(row)
        # a row read just now stands for what it holds (its own version), even if it changed since the first
        # statement; only the open meetings are kept (a held meeting's agenda is dropped)
        agendas = {meeting_id: fresh[meeting_id] if meeting_id in fresh else known[meeting_id]
                   for meeting_id, _version in current if meeting_id in fresh or meeting_id in known}
        holder: dict[str, tuple[int, str | None]] = {}
        for meeting_id in sorted(agendas):
            agenda = agendas[meeting_id]
            for number in agenda.case_nos:
                holder.setdefault(number, (meeting_id, agenda.business_key))
        if any(meeting_id in fresh and fresh[meeting_id].version != version for meeting_id, version in current):
            signature = ""  # a row moved on between the two statements: compare afresh next time
        return _Seen(signature, agendas, holder)


OPEN_AGENDAS = OpenAgendas()
