"""民情日志 beyond its feature: a retried write is one entry, a 吹哨报到 start refused by the start form
changes nothing, and the offline verify reports a broken log chain."""

from __future__ import annotations

import io
from typing import Any

from sqlalchemy import func, select, update

from engine.cli import main as audit_cli
from engine.grid import chain
from engine.store.models import GridLogEntry, ProcessInstance
from tests.support import ApiClient

ENTRY = {"grid_name": "第一网格", "kind": "problem", "title": "路灯损坏", "content": "7号楼前路灯不亮已一周",
         "location": "和平社区7号楼前", "recorded_on": "2026-11-30"}


def _post(api: ApiClient, path: str, body: dict[str, Any], user: str, key: str | None = None) -> Any:
    headers = api.headers(user)
    if key:
        headers["Idempotency-Key"] = key
    return api.client.post(f"/api/v1{path}", json=body, headers=headers)


def _count(api: ApiClient, model: Any) -> int:
    return api.engine.uow.read(lambda session: session.scalar(select(func.count()).select_from(model)))


def test_a_retried_write_is_one_entry_and_a_retried_start_one_case(api: ApiClient) -> None:
    first = _post(api, "/grid-logs", ENTRY, "grid_a1", key="log-1")
    again = _post(api, "/grid-logs", ENTRY, "grid_a1", key="log-1")
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"] and again.headers.get("Idempotent-Replayed") == "true"
    assert _count(api, GridLogEntry) == 1
    entry_id = first.get_json()["id"]
    cases = _count(api, ProcessInstance)
    started = _post(api, f"/grid-logs/{entry_id}/whistle-report", {"category": "facilities"}, "grid_a1", key="w-1")
    replayed = _post(api, f"/grid-logs/{entry_id}/whistle-report", {"category": "facilities"}, "grid_a1", key="w-1")
    assert started.status_code == replayed.status_code == 201
    assert started.get_json()["id"] == replayed.get_json()["id"]
    assert _count(api, ProcessInstance) == cases + 1


def test_a_start_the_form_refuses_links_nothing(api: ApiClient) -> None:
    entry_id = _post(api, "/grid-logs", ENTRY, "grid_a1").get_json()["id"]
    cases = _count(api, ProcessInstance)
    # 居民反映 needs the resident's name and phone: this entry has none
    response = _post(api, f"/grid-logs/{entry_id}/whistle-report", {"category": "facilities", "source": "resident"},
                     "grid_a1")
    assert response.status_code == 422, response.get_json()
    assert {"resident_name", "resident_phone"} <= {d["path"] for d in response.get_json()["error"]["details"]}
    response = _post(api, f"/grid-logs/{entry_id}/whistle-report", {"category": "no_such"}, "grid_a1")
    assert response.status_code == 422, response.get_json()
    assert _count(api, ProcessInstance) == cases
    assert api.get(f"/grid-logs/{entry_id}", as_user="grid_a1").get_json()["whistle_instance_id"] is None
    # a community clerk reads the log but does not start cases of the grid worker's lane
    response = _post(api, f"/grid-logs/{entry_id}/whistle-report", {"category": "facilities"}, "community_a1")
    assert response.status_code == 403, response.get_json()
    response = _post(api, "/grid-logs/999999/whistle-report", {"category": "facilities"}, "grid_a1")
    assert response.status_code == 404


def test_the_offline_verify_reports_a_broken_log_chain(api: ApiClient, monkeypatch: Any) -> None:
    for title in ("路灯损坏", "井盖缺失"):
        assert _post(api, "/grid-logs", {**ENTRY, "title": title}, "grid_a1").status_code == 201
    monkeypatch.setenv("DATABASE_URL", api.engine.settings.database_url)
    out = io.StringIO()
    assert audit_cli(["verify-all"], out) == 0, out.getvalue()
    api.engine.uow.write(lambda session: session.execute(
        update(GridLogEntry).where(GridLogEntry.seq == 1).values(title="被改写")))
    out = io.StringIO()
    assert audit_cli(["verify-all"], out) == 1
    assert "BAD\tgrid-log\tcommunity_a1\t民情日志第 1 条与其哈希不符" in out.getvalue()
    api.engine.uow.write(lambda session: session.execute(
        update(GridLogEntry).where(GridLogEntry.seq == 1).values(title="路灯损坏")))


def test_the_log_chain_and_its_link_verify_on_both_databases(backend_api: ApiClient) -> None:
    api = backend_api
    ids = [_post(api, "/grid-logs", {**ENTRY, "title": title}, "grid_a1").get_json()["id"]
           for title in ("路灯损坏", "井盖缺失", "树枝压线")]
    started = _post(api, f"/grid-logs/{ids[1]}/whistle-report", {"category": "facilities"}, "grid_a1")
    assert started.status_code == 201, started.get_json()
    assert api.engine.uow.read(chain.check_all) == []
    verdict = api.post(f"/process-instances/{started.get_json()['id']}/verify", as_user="auditor").get_json()
    assert verdict["ok"] is True, verdict
    listed = api.get("/grid-logs", as_user="street_a").get_json()
    assert [e["title"] for e in listed] == ["树枝压线", "井盖缺失", "路灯损坏"]  # same day: newest written first
    assert listed[1]["whistle_business_key"] == started.get_json()["business_key"]
