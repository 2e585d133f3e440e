"""A city's worth of cases, generated fast through the store (not HTTP), for the at-scale rows.

A handful of *template* cases run through the real service layer (community_access at each
stage of its happy path, and one returned five times before it ends); every other case is a
copy of a template written with bulk ``INSERT``s of the same rows the commands write: the case
row (with its snapshot), its task rows, its journal entries and its time limits. Copies get
their own id, 办件编号 (the procedure's prefix), title, unit and dates, and are spread over all
deployed procedures and over synthetic districts (``bench_d00`` …) below the city, like the
seeds' 1,087 communities would spread them.

What a copy is *not*: its journal hashes are the template's, so ``verify`` of a copy fails
(it is never verified; the verify row uses a real 1,000-entry case), and a copy that names
another procedure carries community_access's task elements (lists only read names).

The busy clerk (``civil_affairs`` at 沣西新城) has a fixed inbox and 已办 whatever the scale
(``busy_inbox``, ``busy_done``): a clerk's workload does not grow with the city, so a flat cost
curve means the queries find that clerk's rows without reading everyone else's.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, func, insert, select, text
from sqlalchemy.orm import Session

from engine.access_list.start_data import AGENDA_DEFINITIONS
from engine.cases.business_keys import prefix_for
from engine.store.models import Deadline, HumanTask, JournalEntry, Organisation, ProcessDefinition, ProcessInstance

from .harness import CaseDriver
from .scenario import KEY

BUSY_ORG = "fengxi"
DISTRICTS = 20
COMMUNITIES_PER_DISTRICT = 50  # 20 × 50 ≈ the seeds' 1,087 communities
TITLES = ("高龄老人津贴资格年度认证", "社区养老服务站运营补贴", "城乡居民医保参保登记", "退役军人优待证办理",
          "残疾人两项补贴资格复核", "流动人口居住登记", "社区矫正对象走访", "垃圾分类督导员配备",
          "老旧小区加装电梯意见征集", "社区食堂运营情况统计")
_BATCH = 2000
# Each meeting procedure (the quarterly one, the interim one) has at most this many running cases per
# district: a meeting is open from its call until it is held, "原则上每季度一次" (seed 002), so a city has
# about one per district at a time. Drawn like every other procedure, a quarter of the copies were open
# meetings (2,300 at 10,000 cases), and an item's case view reads the open meetings' rows.
OPEN_MEETINGS_PER_DISTRICT = 1


@dataclass
class Template:
    name: str
    instance: dict[str, Any]
    tasks: list[dict[str, Any]]
    journal: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]


@dataclass
class ScaleData:
    cases: int
    seconds: float
    rows: dict[str, int]
    busy_task_ids: list[int] = field(default_factory=list)  # ready tasks of the busy clerk, real-procedure copies
    real_case: int = 0  # a template case (a real one): case page, history
    long_case: int = 0  # a real case with ≥ 1,000 journal entries: verify, state at a step
    business_keys: list[str] = field(default_factory=list)  # sample keys to search for

    def search_keys(self) -> list[str]:
        """The sample keys, or one of the generator's shape when there are none (a run without real cases)."""
        return self.business_keys or ["SWZR-2026-000001"]


def _rows(session: Session, model: Any, where: Any, order: Any) -> list[dict[str, Any]]:
    table = model.__table__
    return [dict(row._mapping) for row in session.execute(select(table).where(where).order_by(order))]


def _template(session: Session, name: str, instance_id: int) -> Template:
    pi = ProcessInstance.__table__
    instance = dict(session.execute(select(pi).where(pi.c.id == instance_id)).one()._mapping)
    return Template(name, instance,
                    _rows(session, HumanTask, HumanTask.__table__.c.instance_id == instance_id,
                          HumanTask.__table__.c.id),
                    _rows(session, JournalEntry, JournalEntry.__table__.c.instance_id == instance_id,
                          JournalEntry.__table__.c.seq),
                    _rows(session, Deadline, Deadline.__table__.c.instance_id == instance_id,
                          Deadline.__table__.c.id))


def make_templates(driver: CaseDriver) -> dict[str, int]:
    """Real cases through the service layer: running at each stage, finished, and returned five times."""
    ids: dict[str, int] = {}
    for stage in range(5):
        instance_id = driver.start()
        for _ in range(stage):
            driver.complete_next(instance_id)
        ids[f"running_{stage}"] = instance_id
    ids["completed"] = driver.run_case()
    instance_id = driver.start()
    returns = 0
    while driver.open_tasks(instance_id):
        element = driver.complete_next(instance_id, returns_left=5 - returns)
        returns += element == "gatekeep_review" and returns < 5
    ids["returned_completed"] = instance_id
    return ids


def long_case(driver: CaseDriver, entries: int) -> int:
    """A running case returned for correction until its journal has ``entries`` entries."""
    instance_id = driver.start()
    while driver.status(instance_id)["journal_seq"] < entries:
        driver.complete_next(instance_id, returns_left=1)
    return instance_id


def _synthetic_orgs(session: Session) -> list[str]:
    existing = set(session.scalars(select(Organisation.id).where(Organisation.id.like("bench_d%"))))
    rows, districts = [], []
    for d in range(DISTRICTS):
        district = f"bench_d{d:02d}"
        districts.append(district)
        if district in existing:
            continue
        rows.append({"id": district, "name": f"基准第{d + 1}区", "level": "district", "parent_id": "xinqu"})
        street = f"{district}_s"
        rows.append({"id": street, "name": f"基准第{d + 1}区街道", "level": "street", "parent_id": district})
        rows += [{"id": f"{street}_c{c:02d}", "name": f"基准第{d + 1}区第{c + 1}社区", "level": "community",
                  "parent_id": street} for c in range(COMMUNITIES_PER_DISTRICT)]
    if rows:
        session.execute(insert(Organisation.__table__), rows)
    return districts


def _next_ids(session: Session) -> dict[str, int]:
    def top(column: Any) -> int:
        return int(session.scalar(select(func.coalesce(func.max(column), 0))) or 0)
    return {"case": top(ProcessInstance.id), "task": top(HumanTask.id), "deadline": top(Deadline.id)}


def _fix_sequences(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("process_instances", "human_tasks", "deadlines"):
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))


def generate(driver: CaseDriver, cases: int, busy_inbox: int = 500, busy_done: int = 2000,
             long_entries: int = 1000, seed: int = 17, running_only: bool = False,
             open_meetings_per_district: int | None = OPEN_MEETINGS_PER_DISTRICT) -> ScaleData:
    """Fill the driver's database up to ``cases`` cases (templates and the long case included);
    ``running_only``: every copy of the city is a running case (each with an open task);
    ``open_meetings_per_district``: running cases of each meeting procedure per district at most (None: no
    bound, as many as the draw gives)."""
    began = time.perf_counter()
    rng = random.Random(seed)
    ids = make_templates(driver)
    long_id = long_case(driver, long_entries)
    engine = driver.engine
    with engine.db.writer() as session, session.begin():
        templates = {name: _template(session, name, iid) for name, iid in ids.items()}
        if session.scalar(select(func.count()).select_from(Organisation).where(Organisation.id.like("bench_d%"))):
            busy_inbox = busy_done = 0  # grown before (the cost curve): the busy clerk has their share already
        districts = _synthetic_orgs(session)
        definitions = [(row.id, row.key) for row in session.execute(
            select(ProcessDefinition.id, ProcessDefinition.key).order_by(ProcessDefinition.id))]
        meetings = set(AGENDA_DEFINITIONS.ids(session))
        others = [d for d in definitions if d[0] not in meetings]
        open_meetings: dict[tuple[int, str], int] = {}
        # the busy clerk's share is of the benchmark's procedure (its tasks are completed with its forms),
        # not of whichever procedure was deployed first
        own = max(d for d in definitions if d[1] == KEY)
        next_id = _next_ids(session)
        counters: dict[str, int] = {}
        for key in {k for _, k in definitions}:
            last = session.scalar(select(func.max(ProcessInstance.business_key))
                                  .where(ProcessInstance.business_key.startswith(f"{prefix_for(key)}-2026-")))
            counters[key] = int(last.rsplit("-", 1)[-1]) if last else 0
        existing = int(session.scalar(select(func.count()).select_from(ProcessInstance)) or 0)
        copies = max(0, cases - existing)
        buf: dict[str, list[dict[str, Any]]] = {"case": [], "task": [], "journal": [], "deadline": []}
        counts = {"case": 0, "task": 0, "journal": 0, "deadline": 0}
        busy_tasks: list[int] = []
        keys: list[str] = []
        t0 = datetime(2024, 1, 1, tzinfo=UTC)
        span = (datetime(2026, 11, 30, tzinfo=UTC) - t0).total_seconds()
        for n in range(copies):
            # the busy clerk's fixed share first, then the city
            if n < busy_inbox:
                name, org, definition, user_of = "running_1", BUSY_ORG, own, None
            elif n < busy_inbox + busy_done:
                name = "completed" if n % 2 else "running_3"
                org, definition, user_of = BUSY_ORG, own, None
            else:
                name = rng.choices(("running_0", "running_1", "running_2", "running_3", "running_4",
                                    "completed", "returned_completed"),
                                   (6, 8, 8, 6, 6, 0, 0) if running_only else (6, 8, 8, 6, 6, 56, 10))[0]
                org, definition, user_of = rng.choice(districts), rng.choice(definitions), "x"
                if definition[0] in meetings and open_meetings_per_district is not None \
                        and name not in ("completed", "returned_completed"):
                    # a meeting is open from its call until it is held: one per district and quarter
                    held = open_meetings.get((definition[0], org), 0)
                    if held >= open_meetings_per_district:
                        if running_only:
                            definition = rng.choice(others)
                        else:
                            name = "completed"  # a meeting of an earlier quarter, held
                    else:
                        open_meetings[(definition[0], org)] = held + 1
            template = templates[name]
            next_id["case"] += 1
            case_id = next_id["case"]
            counters[definition[1]] += 1
            key = f"{prefix_for(definition[1])}-2026-{counters[definition[1]]:06d}"
            if n % 997 == 0:
                keys.append(key)
            shift = t0 + timedelta(seconds=rng.random() * span) - template.instance["created_at"].replace(tzinfo=UTC)

            def moved(value: Any, shift: timedelta = shift) -> Any:
                if value is None:
                    return None
                return (value.replace(tzinfo=UTC) + shift).replace(tzinfo=value.tzinfo)

            buf["case"].append(template.instance | {
                "id": case_id, "business_key": key, "definition_id": definition[0], "definition_key": definition[1],
                "org_id": org, "case_title": f"{rng.choice(TITLES)}（{org}-{n}）",
                "created_at": moved(template.instance["created_at"]),
                "updated_at": moved(template.instance["updated_at"])})
            task_ids: dict[int, int] = {}
            for task in template.tasks:
                next_id["task"] += 1
                task_ids[task["id"]] = next_id["task"]
            for task in template.tasks:
                completed_by = task["completed_by"]
                if completed_by and user_of:
                    completed_by = f"{org}_{task['role']}"
                row = task | {"id": task_ids[task["id"]], "instance_id": case_id, "org_id": org,
                              "created_at": moved(task["created_at"]), "completed_at": moved(task["completed_at"]),
                              "completed_by": completed_by,
                              "previous_task_id": task_ids.get(task["previous_task_id"] or -1)}
                buf["task"].append(row)
                if n < busy_inbox and task["state"] == "ready":
                    busy_tasks.append(row["id"])
            for entry in template.journal:
                actor = entry["actor"]
                if actor and user_of and actor != "system":
                    actor = f"{org}_{entry['actor_role']}"
                buf["journal"].append(entry | {"instance_id": case_id, "at": moved(entry["at"]), "actor": actor,
                                               "actor_org": org if entry["actor_org"] else None,
                                               "task_id": task_ids.get(entry["task_id"] or -1)})
            for deadline in template.deadlines:
                next_id["deadline"] += 1
                buf["deadline"].append(deadline | {
                    "id": next_id["deadline"], "instance_id": case_id,
                    "human_task_id": task_ids.get(deadline["human_task_id"] or -1),
                    **{k: moved(v) for k, v in deadline.items() if isinstance(v, datetime)}})
            if len(buf["journal"]) >= _BATCH * 5 or n == copies - 1:
                _flush(session, buf, counts)
        _flush(session, buf, counts)
        _fix_sequences(session)
    with engine.db.writer() as session:
        rows = {name: int(session.scalar(select(func.count()).select_from(model)) or 0)
                for name, model in (("cases", ProcessInstance), ("tasks", HumanTask), ("journal", JournalEntry),
                                    ("deadlines", Deadline))}
        postgres = session.get_bind().dialect.name == "postgresql"
        if not postgres:
            session.execute(text("ANALYZE"))
        session.commit()
    if postgres:
        # A database in use has been through autovacuum: rows just COPYed have no visibility map yet, so
        # counts and index-only scans would read every heap page (the auditor's case list at 100,000 cases:
        # 38 ms of execution, 17,914 pages read, against 14 ms p50 for the whole read after VACUUM).
        with engine.db.write_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)"))
    return ScaleData(cases=rows["cases"], seconds=round(time.perf_counter() - began, 1), rows=rows,
                     busy_task_ids=busy_tasks, real_case=ids["returned_completed"], long_case=long_id,
                     business_keys=keys)


def _flush(session: Session, buf: dict[str, list[dict[str, Any]]], counts: dict[str, int]) -> None:
    postgres = session.get_bind().dialect.name == "postgresql"
    for name, model in (("case", ProcessInstance), ("task", HumanTask), ("journal", JournalEntry),
                        ("deadline", Deadline)):
        rows = buf[name]
        if postgres and rows:
            _copy(session, model.__table__, rows)
        else:
            for i in range(0, len(rows), _BATCH):
                session.execute(insert(model.__table__), rows[i:i + _BATCH])
        counts[name] += len(rows)
        rows.clear()


def _copy(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY: the multi-row INSERTs took ten times as long (the statements, not the rows)."""
    names = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[n], ensure_ascii=False) if n in json_columns and row[n] is not None
                            else row[n] for n in names])


def add_open_meetings(session: Session, count: int) -> int:
    """``count`` more running cases of the meeting procedures (copies of a running one's row alone: the
    standing of an item reads the meetings' case rows, nothing else of them): the cost of a city with
    far more open meetings than one per district. Returns how many open meetings there are then."""
    meetings = AGENDA_DEFINITIONS.ids(session)
    pi = ProcessInstance.__table__
    model = session.execute(select(pi).where(pi.c.definition_id.in_(meetings), pi.c.status == "running")
                            .limit(1)).first()
    if model is None or count <= 0:
        return 0
    row = dict(model._mapping)
    top = int(session.scalar(select(func.max(pi.c.id))) or 0)
    rows = [row | {"id": top + n + 1, "business_key": f"{row['business_key']}-m{n}"} for n in range(count)]
    for i in range(0, len(rows), _BATCH):
        session.execute(insert(pi), rows[i:i + _BATCH])
    return int(session.scalar(select(func.count()).select_from(pi).where(
        pi.c.definition_id.in_(meetings), pi.c.status == "running")) or 0)
