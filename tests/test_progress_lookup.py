"""办件进度查询: the receipt's check code, the public lookup (no login, no personal data), enumeration, limits."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.cases import receipts
from engine.store.models import CaseReceipt, ProcessInstance
from tests.case_helpers import complete_ok, start_ok
from tests.support import ApiClient, fresh_settings, make_client

WHISTLE_START = {"subject_org": "community_a1", "problem_title": "王阿姨家门口路灯损坏", "category": "facilities",
                 "source": "resident", "resident_name": "王阿姨", "resident_phone": "13800000000",
                 "location": "和平社区东门", "found_on": "2026-11-30",
                 "description": "东门路灯不亮，王阿姨夜间出行不便"}
CODE = re.compile(r"^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$")


def lookup(api: ApiClient, number: str, code: str) -> Any:
    return api.client.get("/api/v1/progress", query_string={"number": number, "code": code})


def started(api: ApiClient) -> tuple[dict[str, Any], dict[str, Any]]:
    case = start_ok(api, "grid_a1", "whistle_report", WHISTLE_START)
    response = api.get(f"/process-instances/{case['id']}/receipt", as_user="grid_a1")
    assert response.status_code == 200, response.get_json()
    return case, response.get_json()


def test_the_starter_gets_a_receipt_with_a_check_code_others_do_not(api: ApiClient) -> None:
    case, receipt = started(api)
    assert receipt["number"] == case["business_key"] and receipt["number"].startswith("CSBD-")
    assert CODE.match(receipt["check_code"]), receipt
    assert receipt["procedure"] == "吹哨报到" and receipt["org_name"] == "沣西新城甲街道"
    assert receipt["lookup_path"] == "/progress"
    # the same code every time it is printed; an admin may print it too
    again = api.get(f"/process-instances/{case['id']}/receipt", as_user="admin").get_json()
    assert again["check_code"] == receipt["check_code"]
    refused = api.get(f"/process-instances/{case['id']}/receipt", as_user="community_a1")
    assert refused.status_code == 403 and refused.get_json()["error"]["message"] == "回执只提供给办件的发起人"
    assert api.get("/process-instances/999999/receipt", as_user="admin").status_code == 404
    assert api.client.get(f"/api/v1/process-instances/{case['id']}/receipt").status_code == 401


def test_every_start_stores_a_salt_and_never_the_code(api: ApiClient) -> None:
    case, receipt = started(api)
    with api.engine.db.reader() as session:
        row = session.get(CaseReceipt, case["id"])
        assert row is not None and len(row.salt) == 32
        code = receipt["check_code"].replace("-", "")
        stored = json.dumps([row.salt, row.instance_id])
        assert code not in stored
        # the code is the keyed HMAC of the number and the salt
        key = receipts.receipt_key(session, "")
        assert receipts.check_code(key, case["business_key"], row.salt) == code
        assert session.scalar(select(func.count()).select_from(ProcessInstance)) == \
            session.scalar(select(func.count()).select_from(CaseReceipt))


def test_the_lookup_shows_steps_and_dates_but_no_person_opinion_or_data(api: ApiClient) -> None:
    case, receipt = started(api)
    response = lookup(api, case["business_key"], receipt["check_code"])
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["number"] == case["business_key"] and body["procedure"] == "吹哨报到"
    assert body["status"] == "running" and body["status_name"] == "办理中" and body["outcome"] is None
    assert [s["name"] for s in body["current_steps"]] == ["平台受理"]
    assert body["current_steps"][0]["due"] is not None  # the 24-hour stage limit
    assert body["done_steps"] == [] and body["started_at"] and body["finished_at"] is None

    complete_ok(api, case["id"], "accept_problem", "community_a1", {"accept_decision": "accept"},
                comment="同意受理，请社区研判")
    complete_ok(api, case["id"], "analyse", "community_a1",
                {"handling_level": "on_spot", "analysis": "网格员可当场处理", "on_spot_result": "已报修并修复"})
    complete_ok(api, case["id"], "feedback_resident", "grid_a1",
                {"feedback_method": "phone", "feedback_on": "2026-12-01", "feedback_content": "路灯已修复",
                 "resident_satisfaction": "satisfied"})
    body = lookup(api, case["business_key"], receipt["check_code"]).get_json()
    assert body["status"] == "completed" and body["status_name"] == "已办结" and body["outcome"] == "已办结"
    assert [s["name"] for s in body["done_steps"]] == ["平台受理", "分析研判", "向群众反馈并回访评价"]
    assert body["current_steps"] == [] and body["finished_at"] is not None
    text = json.dumps(body, ensure_ascii=False)
    for private in ("王阿姨", "13800000000", "路灯损坏", "同意受理", "已报修", "grid_a1", "community_a1", "杨帆",
                    "陈静", "和平社区", "甲街道"):
        assert private not in text, private


def test_the_code_is_read_as_people_type_it(api: ApiClient) -> None:
    case, receipt = started(api)
    sloppy = " " + receipt["check_code"].lower().replace("-", " ") + " "
    assert lookup(api, case["business_key"].lower(), sloppy).status_code == 200


def test_a_wrong_code_answers_exactly_as_an_unknown_number(api: ApiClient) -> None:
    case, receipt = started(api)
    other = "2222-2222" if receipt["check_code"] != "2222-2222" else "3333-3333"
    wrong = lookup(api, case["business_key"], other)
    unknown = lookup(api, "CSBD-2026-999999", receipt["check_code"])
    nonsense = lookup(api, "不存在", "x")
    assert wrong.status_code == unknown.status_code == nonsense.status_code == 404
    bodies = [{k: v for k, v in r.get_json()["error"].items() if k != "request_id"} for r in (wrong, unknown, nonsense)]
    assert bodies[0] == bodies[1] == bodies[2]
    assert wrong.get_json()["error"]["message"] == "办件编号或查询码不正确"
    # another case's code does not open this one
    second = start_ok(api, "grid_a1", "whistle_report", WHISTLE_START)
    second_code = api.get(f"/process-instances/{second['id']}/receipt", as_user="grid_a1").get_json()["check_code"]
    assert lookup(api, case["business_key"], second_code).status_code == 404


def test_missing_or_oversized_fields_are_a_422_naming_them(api: ApiClient) -> None:
    response = api.client.get("/api/v1/progress", query_string={"number": "CSBD-2026-000001"})
    assert response.status_code == 422
    assert "code" in json.dumps(response.get_json())
    response = api.client.get("/api/v1/progress", query_string={"number": "C" * 41, "code": "ABCD-EFGH"})
    assert response.status_code == 422 and "number" in json.dumps(response.get_json())


@pytest.fixture
def limited_api(template_db: Path, tmp_path: Path) -> Iterator[ApiClient]:
    yield from make_client(fresh_settings(template_db, tmp_path, progress_rate_limit="3 per minute"))


def test_lookups_are_rate_limited_per_address_and_logins_are_not_affected(limited_api: ApiClient) -> None:
    api = limited_api
    case, receipt = started(api)
    answers = [lookup(api, case["business_key"], "2222-2222").status_code for _ in range(3)]
    assert answers == [404, 404, 404]
    blocked = lookup(api, case["business_key"], receipt["check_code"])  # even the right code now waits
    assert blocked.status_code == 429
    assert blocked.get_json()["error"]["message"].startswith("该地址访问过于频繁")
    assert int(blocked.headers["Retry-After"]) >= 1
    other_address = api.client.get("/api/v1/progress", environ_base={"REMOTE_ADDR": "10.1.2.3"},
                                   query_string={"number": case["business_key"], "code": receipt["check_code"]})
    assert other_address.status_code == 200
    login = api.client.post("/api/v1/auth/token", json={"username": "street_a", "password": "demo"})
    assert login.status_code == 200
