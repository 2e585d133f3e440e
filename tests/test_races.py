"""Races between clerks on SQLite and PostgreSQL, through the real Flask app from several threads.

Two clerks completing the same task: exactly one wins, the other gets 409.
Two clerks countersigning parallel tasks of one case: both land.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import pytest

from engine.identity.tokens import shared_hash
from engine.seed.loader import DEMO_PASSWORD
from engine.store.models import User, UserRole
from tests.consistency import check_case
from tests.hostile_support import deploy, drive_to_signing
from tests.support import ApiClient

ROUNDS = 4


def add_user(api: ApiClient, username: str, org: str, roles: list[str]) -> None:
    engine = api.engine
    with engine.db.writer() as session, session.begin():
        user = User(username=username, display_name=username, password_hash=shared_hash(DEMO_PASSWORD), org_id=org,
                    active=True, failed_logins=0, created_at=engine.clock.now())
        session.add(user)
        session.flush()
        session.add_all(UserRole(user_id=user.id, role_id=role) for role in roles)
        api.tokens[username] = engine.identity.login(session, username, DEMO_PASSWORD)


def at_once(api: ApiClient, calls: list[Callable[[ApiClient], Any]]) -> list[Any]:
    """Run each call in its own thread with its own test client, released together by a barrier."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[ApiClient], Any]) -> None:
        client = ApiClient(api.app, api.app.test_client(), dict(api.tokens))
        try:
            barrier.wait(timeout=30)
            results[index] = call(client)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert all(not t.is_alive() for t in threads), "a request did not finish"
    return results


def test_two_clerks_completing_the_same_task_one_wins(backend_api: ApiClient) -> None:
    api = backend_api
    deploy(api.engine)
    api.token("civil_affairs")
    add_user(api, "civil_affairs_2", "fengxi", ["civil_affairs"])
    for _ in range(ROUNDS):
        case_id, _, sign_b = drive_to_signing(api)
        responses = at_once(api, [
            lambda c, u=user, t=sign_b: c.complete(t, u, {"agree": True})  # type: ignore[misc]
            for user in ("civil_affairs", "civil_affairs_2")
        ])
        assert sorted(r.status_code for r in responses) == [200, 409], [r.get_json() for r in responses]
        loser = next(r for r in responses if r.status_code == 409)
        assert loser.get_json()["error"]["code"] == "conflict"
        with api.engine.db.reader() as session:
            facts = check_case(session, api.engine.registry, case_id)
        assert facts.ready_elements == ["sign_a"]


def test_countersigning_in_parallel_both_land(backend_api: ApiClient, backend: str,
                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="engine.store.case_store")
    api = backend_api
    deploy(api.engine)
    for _ in range(ROUNDS):
        case_id, sign_a, sign_b = drive_to_signing(api, amount=21)
        responses = at_once(api, [
            lambda c, t=sign_a: c.complete(t, "street_a", {"agree": True}),  # type: ignore[misc]
            lambda c, t=sign_b: c.complete(t, "civil_affairs", {"agree": False}),  # type: ignore[misc]
        ])
        assert [r.status_code for r in responses] == [200, 200], [r.get_json() for r in responses]
        case = api.get(f"/process-instances/{case_id}", as_user="admin").get_json()
        assert (case["status"], case.get("end_event"), case["data"]["total"]) == ("completed", "已批准", 42)
        with api.engine.db.reader() as session:
            check_case(session, api.engine.registry, case_id)
    if backend == "postgres":  # the case row is locked (FOR UPDATE): commands queue instead of retrying
        assert not [r for r in caplog.records if r.message.startswith("retrying command")]
