"""Shared bits of the case tests: valid start and task data, multipart uploads."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from tests.support import ApiClient

ROOT = Path(__file__).resolve().parent.parent

VILLAGE_START = {"subject_org": "village_a1", "village_name": "甲街道东村",
                 "application_note": "东村已完成集体产权制度改革"}
VILLAGE_B_START = {"subject_org": "village_b1", "village_name": "乙街道西村", "application_note": "西村申请撤村建居"}
ELIGIBILITY = {"collective_org_established": True, "assets_inventoried": True, "shares_quantified": True,
               "whole_village_demolished": False}
ACCESS_START = {"item_title": "高龄老人津贴资格年度认证", "applicant_department": "区卫生健康局"}
ACCESS_APPLY = {"item_type": "certificate", "item_content": "协助核实辖区高龄老人生存状况并出具年度认证意见",
                "target_group": "辖区80周岁以上户籍老年人",
                "authority_scope": "受区卫生健康局委托开展入户核实，出具认证意见",
                "time_limit_months": 12, "time_limit_desc": "2027年1月1日至2027年12月31日", "funding_amount": 60000,
                "funding_source": "district_special", "funding_note": "按每户每年100元拨付社区",
                "ledger_form": "electronic"}
GATEKEEP_ACCEPT = {"gatekeep_decision": "accept", "elements_complete": True, "funding_verified": True,
                   "gatekeep_opinion": "符合准入条件，提请领导小组审批"}


def start_ok(api: ApiClient, user: str, key: str, data: dict[str, Any]) -> dict[str, Any]:
    response = api.start(user, key, data)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def start_village(api: ApiClient, user: str = "street_a") -> dict[str, Any]:
    return start_ok(api, user, "village_to_community", VILLAGE_B_START if user == "street_b" else VILLAGE_START)


def start_access(api: ApiClient) -> dict[str, Any]:
    return start_ok(api, "department", "community_access", ACCESS_START)


def complete_ok(api: ApiClient, instance_id: int, element: str, user: str, data: dict[str, Any],
                comment: str | None = None) -> dict[str, Any]:
    task = api.open_task(instance_id, element, user)
    response = api.complete(task["id"], user, data, comment)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def multipart(api: ApiClient, path: str, user: str | None, fields: dict[str, Any]) -> Any:
    """POST multipart/form-data; a field value is (bytes, file name) or a list of them."""
    def part(value: tuple[bytes, str]) -> tuple[io.BytesIO, str]:
        return io.BytesIO(value[0]), value[1]

    data = {name: [part(v) for v in value] if isinstance(value, list) else part(value)
            for name, value in fields.items()}
    return api.client.post(f"/api/v1{path}", data=data, headers=api.headers(user),
                           content_type="multipart/form-data")


def procedure_files(key: str) -> tuple[bytes, dict[str, bytes]]:
    bpmn = (ROOT / "processes" / f"{key}.bpmn").read_bytes()
    forms = {p.name: p.read_bytes() for p in sorted((ROOT / "forms" / key).glob("*.json"))}
    return bpmn, forms
