"""GET /api/v1/access-list: public, filtered, rate-limited; entries journalled, replayed and verified."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from engine.audit.replay import ReplayMismatch, replay
from engine.settings import Settings
from engine.store.models import AccessListEntry, JournalEntry, ProcessInstance
from tests.case_helpers import complete_ok, start_ok
from tests.support import ApiClient, fresh_settings, make_client

ACCEPT = {"gatekeep_decision": "accept", "elements_complete": True, "funding_verified": True,
          "gatekeep_opinion": "五要素齐全"}
APPROVE = {"meeting_quarter": "2026Q4", "approval_decision": "approve", "approval_opinion": "同意",
           "resolution_no": "沣西社建纪〔2026〕4号"}


def _approved(api: ApiClient, title: str = "高龄老人津贴资格年度认证") -> dict[str, Any]:
    start = {"item_title": title, "applicant_department": "区卫生健康局"}
    case = start_ok(api, "department", "community_access", start)
    complete_ok(api, case["id"], "apply", "department", {
        "item_type": "certificate", "item_content": "协助核实辖区高龄老人生存状况",
        "target_group": "辖区80周岁以上老年人",
        "authority_scope": "入户核实", "time_limit_months": 12, "start_date": "2027-01-31", "time_limit_desc": "一年",
        "funding_amount": 60000.5, "funding_source": "district_special", "ledger_form": "electronic"})
    complete_ok(api, case["id"], "gatekeep_review", "civil_affairs", ACCEPT)
    return complete_ok(api, case["id"], "group_approval", "leadership", APPROVE)


def test_the_list_is_public_and_names_the_five_elements(api: ApiClient) -> None:
    assert api.client.get("/api/v1/access-list").get_json() == []
    case = _approved(api)
    response = api.client.get("/api/v1/access-list")  # no Authorization header
    assert response.status_code == 200 and response.headers["X-Total-Count"] == "1"
    [entry] = response.get_json()
    assert entry["entry_no"] == f"QD-{case['business_key']}"
    assert (entry["content"], entry["target_group"], entry["authority_scope"]) == (
        "协助核实辖区高龄老人生存状况", "辖区80周岁以上老年人", "入户核实")
    assert (entry["time_limit_months"], entry["funding_amount"], entry["funding_source_name"]) == (
        12, "60000.5", "区级财政专项资金")
    # 31 January + 12 months: in force up to and including 30 January of the next year
    assert (entry["valid_from"], entry["valid_until"], entry["expires_at"]) == (
        "2027-01-31", "2028-01-30", "2028-01-31T00:00:00+08:00")
    assert entry["meeting_no"] == "沣西社建纪〔2026〕4号" and entry["district"] == "沣西新城"
    assert entry["status"] == "pending"
    assert "civil_affairs" not in response.get_data(as_text=True)  # no login ids, no opinions


def test_bad_filters_are_chinese_4xx(api: ApiClient) -> None:
    unknown = api.client.get("/api/v1/access-list?org=nowhere")
    assert unknown.status_code == 400
    assert unknown.get_json()["error"]["details"] == [{"path": "org", "message": "未知单位"}]
    bad = api.client.get("/api/v1/access-list?status=soon")
    assert bad.status_code == 422 and bad.get_json()["error"]["details"][0]["path"] == "status"
    other_district = api.client.get("/api/v1/access-list?org=xinqu")
    assert other_district.status_code == 200 and other_district.get_json() == []


def test_units_are_public(api: ApiClient) -> None:
    units = api.client.get("/api/v1/access-list/units").get_json()
    assert {"id": "community_a1", "name": "甲街道和平社区", "level": "community", "parent": "street_a"} in units
    assert all(u["level"] in ("district", "street", "community") for u in units)


@pytest.fixture
def limited(template_db: Path, tmp_path: Path) -> Iterator[ApiClient]:
    settings: Settings = fresh_settings(template_db, tmp_path, public_rate_limit="3 per minute")
    yield from make_client(settings)


def test_the_public_list_is_rate_limited_per_address(limited: ApiClient) -> None:
    for _ in range(3):
        assert limited.client.get("/api/v1/access-list").status_code == 200
    refused = limited.client.get("/api/v1/access-list")
    assert refused.status_code == 429
    assert "访问过于频繁" in refused.get_json()["error"]["message"]
    assert int(refused.headers["Retry-After"]) >= 1
    assert limited.client.get("/access-list").status_code in (200, 503)  # the page counts apart from the API
    other = limited.client.get("/api/v1/access-list", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_the_entry_is_a_journalled_command_that_verify_checks(api: ApiClient) -> None:
    case = _approved(api)
    with api.engine.db.reader() as session:
        entries = list(session.scalars(select(JournalEntry).where(JournalEntry.instance_id == case["id"],
                                                                  JournalEntry.command == "access_list_enter")))
    assert len(entries) == 1 and entries[0].actor == "system"
    assert entries[0].payload["entry"]["valid_until"] == "2028-01-30"
    assert api.post(f"/process-instances/{case['id']}/verify", as_user="auditor").get_json()["ok"]

    with api.engine.db.writer() as session, session.begin():
        session.execute(update(AccessListEntry).values(valid_until=date(2099, 12, 31)))
    verdict = api.post(f"/process-instances/{case['id']}/verify", as_user="auditor").get_json()
    assert not verdict["ok"] and "准入清单条目" in verdict["reason"], verdict

    with api.engine.db.writer() as session, session.begin():
        session.execute(delete(AccessListEntry))
    verdict = api.post(f"/process-instances/{case['id']}/verify", as_user="auditor").get_json()
    assert not verdict["ok"] and "准入清单" in verdict["reason"], verdict


def test_a_forged_entry_payload_does_not_replay(api: ApiClient) -> None:
    case = _approved(api)
    with api.engine.db.reader() as session:
        entry = session.scalars(select(JournalEntry).where(JournalEntry.instance_id == case["id"],
                                                           JournalEntry.command == "access_list_enter")).one()
    with api.engine.db.reader() as session:
        rows = list(session.scalars(select(JournalEntry).where(JournalEntry.instance_id == case["id"])
                                    .order_by(JournalEntry.seq)))
        instance = session.get(ProcessInstance, case["id"])
        assert instance is not None
        definition = api.engine.registry.compiled(session, instance.definition_id)
    forged: list[Any] = list(rows)
    index = next(i for i, r in enumerate(forged) if r.seq == entry.seq)
    payload = dict(forged[index].payload)
    payload["entry"] = {**payload["entry"], "funding_amount": "1"}

    class Forged:
        def __init__(self, row: JournalEntry, payload: dict[str, Any]) -> None:
            self.seq, self.command, self.element_id = row.seq, row.command, row.element_id
            self.payload, self.state_hash, self.hash = payload, row.state_hash, row.hash

    forged[index] = Forged(forged[index], payload)
    with pytest.raises(ReplayMismatch, match="准入清单纳入记录与办件数据不符"):
        replay(definition, forged)
