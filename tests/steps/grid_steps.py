"""Gherkin steps of the 民情日志 feature (features/grid_log.feature): entries are named by their title."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when
from sqlalchemy import update

from engine.grid import chain
from engine.store.models import GridLogEntry
from tests.steps.case_steps import _json
from tests.support import ApiClient

U, T = r'"(?P<user>[^"]+)"', r'"(?P<title>[^"]+)"'


@pytest.fixture
def grid_entries() -> dict[str, Any]:
    return {}


def _re(pattern: str) -> Any:
    return parsers.re("^" + pattern + "$")


@given(_re(f"user {U} records in the grid log:"))
def record(api: ApiClient, grid_entries: dict[str, int], user: str, docstring: str) -> None:
    response = api.post("/grid-logs", _json(docstring), as_user=user)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["personal_data_shown"] is True
    grid_entries[body["title"]] = body["id"]


@then(_re(f"user {U} is refused with (?P<status>\\d+)(?: at \"(?P<path>[^\"]+)\")? when recording in the grid log:"))
def refused_record(api: ApiClient, user: str, status: str, path: str | None, docstring: str) -> None:
    response = api.post("/grid-logs", _json(docstring), as_user=user)
    assert response.status_code == int(status), response.get_json()
    if path is not None:
        details = response.get_json()["error"]["details"]
        assert path in [d["path"] for d in details], details
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in d["message"]) for d in details), details


@then(_re(f"user {U} sees (?P<count>\\d+) grid log entries(?:, the newest {T}, with personal data)?"))
def sees(api: ApiClient, user: str, count: str, title: str | None) -> None:
    response = api.get("/grid-logs", as_user=user)
    assert response.status_code == 200, response.get_json()
    items = response.get_json()
    assert len(items) == int(count) == int(response.headers["X-Total-Count"]), items
    if title is not None:
        assert items[0]["title"] == title
        assert all(i["personal_data_shown"] and "person_name" in i for i in items), items
        assert items[0]["community_name"] == "甲街道和平社区"


@then(_re(f"user {U} is refused with 403 when listing the grid log of \"(?P<community>[^\"]+)\""))
def refused_list(api: ApiClient, user: str, community: str) -> None:
    response = api.get(f"/grid-logs?community={community}", as_user=user)
    assert response.status_code == 403, response.get_json()


@then(_re(f"user {U} is refused with 403 when reading grid log entry {T}"))
def refused_read(api: ApiClient, grid_entries: dict[str, int], user: str, title: str) -> None:
    response = api.get(f"/grid-logs/{grid_entries[title]}", as_user=user)
    assert response.status_code == 403, response.get_json()


@then(_re(f"user {U} reads grid log entry {T} (?P<how>with|without) personal data"))
def reads(api: ApiClient, grid_entries: dict[str, int], user: str, title: str, how: str) -> None:
    response = api.get(f"/grid-logs/{grid_entries[title]}", as_user=user)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["title"] == title
    if how == "with":
        assert body["personal_data_shown"] is True and body["person_phone"]
    else:
        assert body["personal_data_shown"] is False
        assert "person_name" not in body and "person_phone" not in body, body


@when(_re(f"user {U} starts a 吹哨报到 case from grid log entry {T} with:"))
def start_from(api: ApiClient, case: dict[str, Any], grid_entries: dict[str, int], user: str, title: str,
               docstring: str) -> None:
    response = api.post(f"/grid-logs/{grid_entries[title]}/whistle-report", _json(docstring), as_user=user)
    assert response.status_code == 201, response.get_json()
    case["id"] = response.get_json()["id"]


@then(_re(f"user {U} is refused with 409 when starting a 吹哨报到 case from grid log entry {T} with:"))
def refused_start_from(api: ApiClient, grid_entries: dict[str, int], user: str, title: str, docstring: str) -> None:
    before = api.get(f"/grid-logs/{grid_entries[title]}", as_user=user).get_json()
    response = api.post(f"/grid-logs/{grid_entries[title]}/whistle-report", _json(docstring), as_user=user)
    assert response.status_code == 409, response.get_json()
    assert api.get(f"/grid-logs/{grid_entries[title]}", as_user=user).get_json() == before


@then(_re(f"the case names grid log entry {T}"))
def case_names_entry(api: ApiClient, case: dict[str, Any], grid_entries: dict[str, int], title: str) -> None:
    view = api.get(f"/process-instances/{case['id']}", as_user="grid_a1").get_json()
    assert view["grid_log"]["id"] == grid_entries[title] and view["grid_log"]["title"] == title, view
    assert "person_name" not in view["grid_log"]


@then(_re(f"grid log entry {T} names the case"))
def entry_names_case(api: ApiClient, case: dict[str, Any], grid_entries: dict[str, int], title: str) -> None:
    body = api.get(f"/grid-logs/{grid_entries[title]}", as_user="community_a1").get_json()
    view = api.get(f"/process-instances/{case['id']}", as_user="admin").get_json()
    assert body["whistle_instance_id"] == case["id"]
    assert body["whistle_business_key"] == view["business_key"]


@when(_re(f"someone changes the content of grid log entry {T} in the database"))
def tamper(api: ApiClient, grid_entries: dict[str, int], title: str) -> None:
    entry_id = grid_entries[title]
    grid_entries["@tampered"] = entry_id
    grid_entries["@content"] = api.engine.uow.read(lambda session: session.get(GridLogEntry, entry_id).content)
    api.engine.uow.write(lambda session: session.execute(
        update(GridLogEntry).where(GridLogEntry.id == entry_id).values(content="已被改写")))


@then("the case verifies")
def case_verifies(api: ApiClient, case: dict[str, Any]) -> None:
    response = api.post(f"/process-instances/{case['id']}/verify", as_user="auditor")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["ok"] is True, response.get_json()


@then("the case does not verify, naming the grid log")
def case_does_not_verify(api: ApiClient, case: dict[str, Any], grid_entries: dict[str, Any]) -> None:
    response = api.post(f"/process-instances/{case['id']}/verify", as_user="auditor")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["ok"] is False and "民情日志" in body["reason"], body
    broken = "民情日志第 2 条与其哈希不符（记录被篡改、删除或调换）"
    assert api.engine.uow.read(chain.check_all) == [("community_a1", broken)]
    # put it back, so the check after every scenario (tests/replay_check.py) sees the whole chain again
    api.engine.uow.write(lambda session: session.execute(update(GridLogEntry).where(
        GridLogEntry.id == grid_entries["@tampered"]).values(content=grid_entries["@content"])))
    assert api.engine.uow.read(chain.check_all) == []
