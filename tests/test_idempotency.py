"""Idempotency-Key: a retried command returns the first answer and changes nothing; the key lives with the command.

On both backends, through the real app: starts, completions and case
administration repeated with one key, a key reused for another request, keys of
different users, a failed command (no key stored), two requests with one key at
once, a key past its retention, and expired keys swept whoever sent them.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from api import create_app
from engine.clock import FixedClock
from engine.idempotency.keys import SWEEP_EVERY
from engine.service import WorkflowEngine
from engine.settings import Settings
from engine.store.models import IdempotencyKey, JournalEntry, ProcessInstance
from tests.consistency import check_all_cases, counts
from tests.hostile_support import deploy, start_loop_case
from tests.support import ApiClient

START = {"definition_key": "loop_approval", "data": {}}
SUBMIT = {"data": {"title": "幂等", "amount": 3}}


def post(api: ApiClient, path: str, body: Any, user: str, key: str | None) -> Any:
    headers = api.headers(user)
    if key is not None:
        headers["Idempotency-Key"] = key
    return api.client.post(f"/api/v1{path}", json=body, headers=headers)


def state(api: ApiClient) -> dict[str, Any]:
    with api.engine.db.reader() as session:
        return counts(session)


def stored_keys(api: ApiClient) -> int:
    with api.engine.db.reader() as session:
        return int(session.scalar(select(func.count()).select_from(IdempotencyKey)) or 0)


@pytest.fixture
def loop_api(backend_api: ApiClient) -> ApiClient:
    deploy(backend_api.engine)
    return backend_api


def test_a_repeated_start_returns_the_first_case_and_starts_nothing(loop_api: ApiClient) -> None:
    key = str(uuid.uuid4())
    first = post(loop_api, "/process-instances", START, "street_a", key)
    assert first.status_code == 201, first.get_json()
    assert "Idempotent-Replayed" not in first.headers
    after_first = state(loop_api)
    again = post(loop_api, "/process-instances", START, "street_a", key)
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    assert again.get_json()["business_key"] == first.get_json()["business_key"]
    assert state(loop_api) == after_first
    # without a key, or with another, a start is a new case
    assert post(loop_api, "/process-instances", START, "street_a", None).get_json()["id"] != first.get_json()["id"]
    assert post(loop_api, "/process-instances", START, "street_a", key + "x").get_json()["id"] != first.get_json()["id"]


def test_a_repeated_completion_completes_once(loop_api: ApiClient) -> None:
    case_id = start_loop_case(loop_api)
    task = loop_api.open_task(case_id, "submit", "street_a")
    key = str(uuid.uuid4())
    first = post(loop_api, f"/tasks/{task['id']}/complete", SUBMIT, "street_a", key)
    assert first.status_code == 200, first.get_json()
    before = state(loop_api)
    again = post(loop_api, f"/tasks/{task['id']}/complete", SUBMIT, "street_a", key)
    assert again.status_code == 200, again.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == case_id
    assert state(loop_api) == before
    # the same request without the key is what it always was: the task is done
    assert post(loop_api, f"/tasks/{task['id']}/complete", SUBMIT, "street_a", None).status_code == 409
    with loop_api.engine.db.reader() as session:
        check_all_cases(session, loop_api.engine.registry)
        completes = session.scalar(select(func.count()).select_from(JournalEntry)
                                   .where(JournalEntry.command == "complete"))
    assert completes == 1


def test_case_administration_is_idempotent_too(loop_api: ApiClient) -> None:
    case_id = start_loop_case(loop_api)
    key = str(uuid.uuid4())
    body = {"reason": "核查材料"}
    assert post(loop_api, f"/process-instances/{case_id}/suspend", body, "admin", key).status_code == 200
    before = state(loop_api)
    again = post(loop_api, f"/process-instances/{case_id}/suspend", body, "admin", key)
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["status"] == "suspended"
    assert state(loop_api) == before


@pytest.mark.parametrize("change", ["body", "operation", "path"])
def test_a_key_reused_for_another_request_is_refused_and_changes_nothing(loop_api: ApiClient, change: str) -> None:
    case_id = start_loop_case(loop_api)
    task = loop_api.open_task(case_id, "submit", "street_a")
    key = str(uuid.uuid4())
    assert post(loop_api, f"/tasks/{task['id']}/complete", SUBMIT, "street_a", key).status_code == 200
    before = state(loop_api)
    if change == "body":
        response = post(loop_api, f"/tasks/{task['id']}/complete", {"data": {"title": "另一", "amount": 4}},
                        "street_a", key)
    elif change == "operation":
        response = post(loop_api, "/process-instances", START, "street_a", key)
    else:
        response = post(loop_api, f"/tasks/{task['id'] + 1}/complete", SUBMIT, "street_a", key)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["details"][0]["path"] == "Idempotency-Key"
    assert "已用于另一请求" in error["message"]
    assert state(loop_api) == before


def test_keys_belong_to_their_user(loop_api: ApiClient) -> None:
    key = str(uuid.uuid4())
    mine = post(loop_api, "/process-instances", START, "street_a", key).get_json()
    theirs = post(loop_api, "/process-instances", START, "street_b", key)
    assert theirs.status_code == 201, theirs.get_json()
    assert "Idempotent-Replayed" not in theirs.headers
    assert theirs.get_json()["id"] != mine["id"]


def test_a_failed_command_stores_no_key_so_its_retry_runs(loop_api: ApiClient) -> None:
    case_id = start_loop_case(loop_api)
    task = loop_api.open_task(case_id, "submit", "street_a")
    key = str(uuid.uuid4())
    keys_before = stored_keys(loop_api)
    bad = post(loop_api, f"/tasks/{task['id']}/complete", {"data": {"title": "缺金额"}}, "street_a", key)
    assert bad.status_code == 422
    assert stored_keys(loop_api) == keys_before  # rolled back with its command
    fixed = post(loop_api, f"/tasks/{task['id']}/complete", SUBMIT, "street_a", key)
    assert fixed.status_code == 200 and "Idempotent-Replayed" not in fixed.headers
    assert stored_keys(loop_api) == keys_before + 1


@pytest.mark.parametrize("key", ["", " leading-space", "x" * 256, "中文键"])
def test_a_malformed_key_is_a_422(loop_api: ApiClient, key: str) -> None:
    before = state(loop_api)
    response = loop_api.client.post("/api/v1/process-instances", json=START,
                                    headers={**loop_api.headers("street_a"), "Idempotency-Key": key})
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["details"][0]["path"] == "Idempotency-Key"
    assert state(loop_api) == before


def test_two_requests_with_one_key_at_once_start_one_case(loop_api: ApiClient) -> None:
    key = str(uuid.uuid4())
    barrier = threading.Barrier(4)
    answers: list[Any] = []
    lock = threading.Lock()

    def send() -> None:
        client = loop_api.app.test_client()
        barrier.wait()
        response = client.post("/api/v1/process-instances", json=START,
                               headers={**loop_api.headers("street_a"), "Idempotency-Key": key})
        with lock:
            answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [status for status, _ in answers] == [201] * 4, answers
    assert len({body["id"] for _, body in answers}) == 1
    with loop_api.engine.db.reader() as session:
        assert session.scalar(select(func.count()).select_from(ProcessInstance)) == 1


@pytest.fixture
def clocked(backend_settings: Settings) -> Iterator[tuple[ApiClient, FixedClock]]:
    clock = FixedClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    engine = WorkflowEngine(backend_settings, clock=clock)
    app = create_app(backend_settings, engine=engine)
    deploy(engine)
    try:
        yield ApiClient(app, app.test_client()), clock
    finally:
        engine.db.dispose()


def test_a_key_is_kept_a_day_then_forgotten(clocked: tuple[ApiClient, FixedClock]) -> None:
    api, clock = clocked
    key = str(uuid.uuid4())
    first = post(api, "/process-instances", START, "street_a", key).get_json()["id"]
    clock.advance(timedelta(hours=23))
    assert post(api, "/process-instances", START, "street_a", key).get_json()["id"] == first
    clock.advance(timedelta(hours=2))
    later = post(api, "/process-instances", START, "street_a", key)
    assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers
    assert later.get_json()["id"] != first
    assert stored_keys(api) == 1  # the expired key was replaced, not kept beside


def test_expired_keys_are_swept_whoever_sent_them(clocked: tuple[ApiClient, FixedClock]) -> None:
    api, clock = clocked
    gone = str(uuid.uuid4())
    assert post(api, "/process-instances", START, "street_a", gone).status_code == 201
    clock.advance(timedelta(hours=25))
    # another user's claims: within SWEEP_EVERY of them one removes every expired key (street_a sends no more)
    for _ in range(SWEEP_EVERY):
        assert post(api, "/process-instances", START, "street_b", str(uuid.uuid4())).status_code == 201
    with api.engine.db.reader() as session:
        users = session.scalars(select(IdempotencyKey.username)).all()
    assert "street_a" not in users
    assert users.count("street_b") == SWEEP_EVERY  # a day's keys stay


def test_the_header_is_documented_on_the_command_operations(api: ApiClient) -> None:
    document = api.client.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/process-instances", "/api/v1/tasks/{task_id}/complete",
                 "/api/v1/process-instances/{instance_id}/terminate",
                 "/api/v1/process-instances/{instance_id}/attachments"):
        names = {p["name"] for p in document["paths"][path]["post"].get("parameters", [])}
        assert "Idempotency-Key" in names, path
