"""The command path's workflows kept in memory (engine/runtime/workflow_cache.py) against other writers.

Two engines on one database stand for two server processes: each keeps the workflows of the cases
it completed tasks of. A kept workflow is used only while the case row holds the snapshot it was
serialised to; another engine's command on the case must make the first one read the snapshot again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bench.scenario import HAPPY_PATH, KEY, RETURN, START_DATA, STARTER, USERS
from engine.audit.verify import verify_one
from engine.identity.actors import Actor
from engine.identity.tokens import load_actor
from engine.service import WorkflowEngine
from engine.settings import Settings
from engine.store.models import HumanTask, JournalEntry, ProcessInstance, User


def _actors(engine: WorkflowEngine) -> dict[str, Actor]:
    with engine.db.reader() as session:
        return {u.username: load_actor(session, u)
                for u in session.scalars(select(User).where(User.username.in_(USERS)))}


def _open_task(engine: WorkflowEngine, case_id: int) -> tuple[int, str]:
    with engine.db.reader() as session:
        row = session.execute(select(HumanTask.id, HumanTask.element_id)
                              .where(HumanTask.instance_id == case_id, HumanTask.state == "ready")
                              .order_by(HumanTask.id)).first()
    assert row is not None
    return row.id, row.element_id


def _complete(engine: WorkflowEngine, actors: dict[str, Actor], case_id: int,
              data: dict[str, Any] | None = None) -> str:
    task_id, element = _open_task(engine, case_id)
    user, happy = HAPPY_PATH[element]
    engine.instances.complete(actors[user], task_id, dict(data or happy), None)
    return element


def _run_to_end(engine: WorkflowEngine, actors: dict[str, Actor], case_id: int) -> None:
    while True:
        with engine.db.reader() as session:
            instance = session.get(ProcessInstance, case_id)
            assert instance is not None
            if instance.status != "running":
                assert instance.status == "completed"
                return
        _complete(engine, actors, case_id)


def _verified(engine: WorkflowEngine, case_id: int) -> None:
    with engine.db.reader() as session:
        verdict = verify_one(session, engine.registry, case_id, full=True)
    assert verdict is not None and verdict.ok, verdict


def test_another_engines_command_makes_the_kept_workflow_unused(backend_settings: Settings) -> None:
    first, other = WorkflowEngine(backend_settings), WorkflowEngine(backend_settings)
    actors = _actors(first)
    case_id = first.instances.start(actors[STARTER], KEY, None, dict(START_DATA))
    assert _complete(first, actors, case_id) == "apply"  # first keeps the workflow at gatekeep_review
    # the other process returns the case for correction: a new apply task the kept workflow knows nothing of
    assert _complete(other, actors, case_id, RETURN) == "gatekeep_review"
    hits_before = first.instances.workflows.hits
    assert _complete(first, actors, case_id) == "apply"  # with the kept workflow: 409, task and case disagree
    assert first.instances.workflows.hits == hits_before  # the stored snapshot was read again
    _run_to_end(first, actors, case_id)
    _verified(first, case_id)
    with first.db.reader() as session:
        commands = list(session.scalars(
            select(JournalEntry.command).order_by(JournalEntry.seq)
            .where(JournalEntry.instance_id == case_id, JournalEntry.command.in_(("start", "complete")))))
    assert commands == ["start", *["complete"] * 7]


def test_kept_workflows_give_the_states_of_read_ones(backend_settings: Settings) -> None:
    kept, read = WorkflowEngine(backend_settings), WorkflowEngine(backend_settings)
    read.instances.workflows.max_entries = 0  # keeps nothing: every completion restores the snapshot
    actors = _actors(kept)
    cases = {}
    for engine in (kept, read):
        case_id = engine.instances.start(actors[STARTER], KEY, None, dict(START_DATA))
        _run_to_end(engine, actors, case_id)
        cases[engine] = case_id
        _verified(engine, case_id)
    assert kept.instances.workflows.hits >= 4 and read.instances.workflows.hits == 0
    with kept.db.reader() as session:
        def journal(case_id: int) -> list[tuple[Any, ...]]:
            return [tuple(row) for row in session.execute(
                select(JournalEntry.command, JournalEntry.element_id, JournalEntry.state_hash)
                .where(JournalEntry.instance_id == case_id).order_by(JournalEntry.seq))]
        assert journal(cases[kept]) == journal(cases[read])
