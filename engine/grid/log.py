"""Writing and reading a community's 民情日志, and starting a 吹哨报到 case from a problem it records.

Grid workers (and the community's staff) write entries for their own community's grids; the community,
the street and the district above read them with the personal data (name, phone) — their unit covers
the grid. Anyone else who may read the 吹哨报到 case started from an entry (a department called to
report) sees that entry without the personal data. An entry of kind ``problem`` can start one
``whistle_report`` case, prefilled from the entry: the case's ``start`` journal entry names the entry
(``grid_log``: id, community, seq, hash) and the entry keeps the case's id, so each shows the other and
verify compares the two (engine/grid/verify.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import BadRequest, Conflict, Forbidden, NotFound, Problem, ValidationFailed
from engine.grid import chain
from engine.identity.actors import Actor
from engine.identity.orgs import OrgDirectory
from engine.store.models import GridLogEntry, ProcessInstance
from engine.store.unit_of_work import BUSINESS_KEY
from engine.timers.iso import beijing_date

if TYPE_CHECKING:
    from engine.cases.commands import InstanceService
    from engine.clock import Clock
    from engine.read.queries import Queries
    from engine.store.unit_of_work import UnitOfWork

KINDS = {"household": "居民家庭状况", "risk": "不稳定因素", "problem": "社区环境突出问题", "key_group": "重点人员"}
KEY_GROUPS = {"hardship": "困难群众", "elderly_alone": "高龄独居空巢老人", "disabled": "残疾人家庭",
              "migrant": "流动人口", "assistance": "重点帮扶人员"}
WRITER_ROLES = frozenset({"grid_worker", "community"})
WHISTLE_KEY = "whistle_report"
PERSONAL = ("person_name", "person_phone")


@dataclass(frozen=True)
class NewEntry:
    grid_name: str
    kind: str
    title: str
    content: str
    recorded_on: date
    key_group: str | None = None
    location: str | None = None
    person_name: str | None = None
    person_phone: str | None = None


@dataclass(frozen=True)
class Filters:
    community: str | None = None
    kind: str | None = None
    limit: int = 50
    offset: int = 0


def _covers(directory: OrgDirectory, actor: Actor, community: str) -> bool:
    return directory.is_within(community, actor.org_id)


def _view(directory: OrgDirectory, row: GridLogEntry, business_key: str | None, personal: bool) -> dict[str, Any]:
    community = directory.orgs.get(row.community_org)
    view: dict[str, Any] = {
        "id": row.id, "seq": row.seq, "community": row.community_org,
        "community_name": community.name if community else row.community_org,
        "grid_name": row.grid_name, "kind": row.kind, "kind_name": KINDS.get(row.kind, row.kind),
        "key_group": row.key_group, "key_group_name": KEY_GROUPS.get(row.key_group or "") if row.key_group else None,
        "title": row.title, "content": row.content, "location": row.location,
        "recorded_on": row.recorded_on.isoformat(), "created_at": row.created_at,
        "whistle_instance_id": row.whistle_instance_id, "whistle_business_key": business_key,
        "personal_data_shown": personal,
    }
    if personal:
        view.update({name: getattr(row, name) for name in PERSONAL})
    return view


class GridLogs:
    def __init__(self, uow: UnitOfWork, clock: Clock, directory_loader: Any, instances: InstanceService,
                 queries: Queries) -> None:
        self.uow = uow
        self.clock = clock
        self._directory = directory_loader
        self.instances = instances
        self.queries = queries

    # -- writing ---------------------------------------------------------------------------------

    def write(self, actor: Actor, entry: NewEntry) -> int:
        """A new entry of the caller's community; returns its id."""
        return self.uow.write(lambda session: self._write(session, actor, entry),
                              conflict_message="民情日志正被同时记录，请重试")

    def _write(self, session: Session, actor: Actor, entry: NewEntry) -> int:
        directory: OrgDirectory = self._directory(session)
        community = directory.orgs.get(actor.org_id)
        if not actor.roles & WRITER_ROLES or community is None or community.level != "community":
            raise Forbidden("只有社区的网格员和社区工作人员可以记录民情日志")
        problems = self._problems(entry)
        if problems:
            raise ValidationFailed("民情日志填写不完整：" + "；".join(p.message for p in problems), problems)
        at = self.clock.now()
        seq, prev = chain.head(session, community.id)
        row = GridLogEntry(community_org=community.id, seq=seq + 1, grid_name=entry.grid_name, kind=entry.kind,
                           key_group=entry.key_group if entry.kind == "key_group" else None, title=entry.title,
                           content=entry.content, location=entry.location, person_name=entry.person_name,
                           person_phone=entry.person_phone, recorded_on=entry.recorded_on, author=actor.username,
                           created_at=at, prev_hash=prev, hash="")
        row.hash = chain.entry_hash(row, prev)
        session.add(row)
        session.flush()
        return row.id

    def _problems(self, entry: NewEntry) -> list[Problem]:
        problems: list[Problem] = []
        if entry.kind not in KINDS:
            problems.append(Problem("kind", "记录类别须为：" + "、".join(KINDS.values())))
        if entry.kind == "key_group" and entry.key_group not in KEY_GROUPS:
            problems.append(Problem("key_group", "重点人员须选择所属群体：" + "、".join(KEY_GROUPS.values())))
        if entry.recorded_on > beijing_date(self.clock.now()):
            problems.append(Problem("recorded_on", "记录日期不能晚于今天"))
        return problems

    # -- reading ---------------------------------------------------------------------------------

    def entries(self, actor: Actor, filters: Filters) -> tuple[list[dict[str, Any]], int]:
        """The entries of the communities the caller's unit covers, newest first."""
        return self.uow.read(lambda session: self._entries(session, actor, filters))

    def _entries(self, session: Session, actor: Actor, filters: Filters) -> tuple[list[dict[str, Any]], int]:
        directory: OrgDirectory = self._directory(session)
        covered = [org for org in directory.own_and_below(actor.org_id)
                   if directory.orgs[org].level == "community"]
        if filters.community is not None:
            if filters.community not in directory.orgs:
                raise BadRequest(f"单位 {filters.community} 不存在", [Problem("community", "未知单位")])
            if filters.community not in covered:
                raise Forbidden("该社区不在您单位的辖区内，不能查看其民情日志")
            covered = [filters.community]
        if not covered:
            return [], 0
        where = [GridLogEntry.community_org.in_(covered)]
        if filters.kind is not None:
            where.append(GridLogEntry.kind == filters.kind)
        total = session.scalar(select(func.count()).select_from(GridLogEntry).where(*where)) or 0
        rows = list(session.scalars(select(GridLogEntry).where(*where)
                                    .order_by(GridLogEntry.recorded_on.desc(), GridLogEntry.id.desc())
                                    .limit(filters.limit).offset(filters.offset)))
        keys = self._business_keys(session, rows)
        return [_view(directory, r, keys.get(r.whistle_instance_id or 0), True) for r in rows], total

    @staticmethod
    def _business_keys(session: Session, rows: list[GridLogEntry]) -> dict[int, str | None]:
        ids = [r.whistle_instance_id for r in rows if r.whistle_instance_id is not None]
        if not ids:
            return {}
        return {row.id: row.business_key for row in session.execute(
            select(ProcessInstance.id, ProcessInstance.business_key).where(ProcessInstance.id.in_(ids)))}

    def entry(self, actor: Actor, entry_id: int) -> dict[str, Any]:
        return self.uow.read(lambda session: self._entry(session, actor, entry_id))

    def _entry(self, session: Session, actor: Actor, entry_id: int) -> dict[str, Any]:
        directory: OrgDirectory = self._directory(session)
        row = session.get(GridLogEntry, entry_id)
        if row is None:
            raise NotFound(f"民情日志 {entry_id} 不存在")
        keys = self._business_keys(session, [row])
        if _covers(directory, actor, row.community_org):
            return _view(directory, row, keys.get(row.whistle_instance_id or 0), True)
        if row.whistle_instance_id is None:
            raise Forbidden("该社区不在您单位的辖区内，不能查看其民情日志")
        # a department called to the case reads the entry it came from, without the personal data
        try:
            self.queries.visible_instance(session, actor, row.whistle_instance_id)
        except Forbidden as exc:
            raise Forbidden("该社区不在您单位的辖区内，您也未参与由此发起的吹哨报到办件，不能查看该条民情日志") from exc
        return _view(directory, row, keys.get(row.whistle_instance_id), False)

    # -- 吹哨报到 from an entry ---------------------------------------------------------------------

    def start_whistle(self, actor: Actor, entry_id: int, fields: dict[str, Any]) -> int:
        """Start a 吹哨报到 case prefilled from a problem entry (``fields`` add or override start data)."""
        return self.uow.write(lambda session: self._start_whistle(session, actor, entry_id, fields),
                              unique_races=(BUSINESS_KEY,), conflict_message="办件正被他人同时办理，请稍后重试")

    def _start_whistle(self, session: Session, actor: Actor, entry_id: int, fields: dict[str, Any]) -> int:
        directory: OrgDirectory = self._directory(session)
        row = session.get(GridLogEntry, entry_id, with_for_update=not self.uow.is_sqlite)
        if row is None:
            raise NotFound(f"民情日志 {entry_id} 不存在")
        if not _covers(directory, actor, row.community_org):
            raise Forbidden("该社区不在您单位的辖区内，不能查看其民情日志")
        if row.kind != "problem":
            raise Conflict("只有记录「社区环境突出问题」的民情日志可以发起吹哨报到")
        if row.whistle_instance_id is not None:
            raise Conflict("该条民情日志已发起吹哨报到办件")
        data = prefill(row, fields)
        origin = {"id": row.id, "community": row.community_org, "seq": row.seq, "hash": row.hash}
        instance_id = self.instances.start_in(session, actor, WHISTLE_KEY, None, data, extra={"grid_log": origin})
        row.whistle_instance_id = instance_id
        session.flush()
        return instance_id


def prefill(row: GridLogEntry, fields: dict[str, Any]) -> dict[str, Any]:
    """The 吹哨报到 start data an entry gives (the caller adds the category and may change any field)."""
    data: dict[str, Any] = {"subject_org": row.community_org, "problem_title": row.title, "source": "patrol",
                            "found_on": row.recorded_on.isoformat(), "description": row.content}
    if row.location:
        data["location"] = row.location
    data.update({k: v for k, v in fields.items() if v is not None})
    if data.get("source") == "resident":
        for field, column in (("resident_name", "person_name"), ("resident_phone", "person_phone")):
            value = getattr(row, column)
            if value and field not in data:
                data[field] = value
    return data
