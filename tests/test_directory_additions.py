"""A split-off area's community comes into the directory by its case's journalled ``directory_add``.

The case is driven through the real API from the split to its committee's establishment; then verify
must notice every change to what the journal added (the organisation's row or the addition's row).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, select, update

from engine.store.models import DirectoryAddition, Organisation
from tests.paper_files import upload_papers
from tests.support import ApiClient

PLAN = {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道",
        "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 6000,
        "population": 18000, "party_org_staff": 5, "committee_members": 9, "supervisory_members": 3,
        "service_station_staff": 9, "plan_document": "file:设立方案.pdf", "boundary_map": "file:四至范围图.pdf"}
NORTH = {**PLAN, "community_name": "甲街道和平北社区", "committee_name": "甲街道和平北社区居民委员会",
         "households": 2500, "population": 7000}


def _complete(api: ApiClient, case_id: int, element: str, user: str, data: dict[str, Any]) -> dict[str, Any]:
    task = api.open_task(case_id, element, user)
    response = api.complete(task["id"], user, upload_papers(api, case_id, user, data))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _established_split_off(api: ApiClient) -> int:
    case = api.start("street_a", "residents_committee",
                     {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}).get_json()
    _complete(api, case["id"], "survey_occupancy", "street_a",
              {"area_total_households": 6000, "occupied_households": 4000, "survey_date": "2026-03-01"})
    _complete(api, case["id"], "draft_plan", "street_a", PLAN)
    view = _complete(api, case["id"], "adjust_scale", "street_a",
                     {"scale_adjust_decision": "split", "split_area_name": "和平家园北区",
                      "split_area_households": 2500, "split_area_community": "community_a1",
                      "split_plan_note": "以统一路为界拆分"})
    child = view["linked_cases"][0]["instance_id"]
    steps = [("survey_occupancy", "street_a", {"area_total_households": 2500, "occupied_households": 1300,
                                               "survey_date": "2026-03-05"}),
             ("draft_plan", "street_a", NORTH),
             ("civil_review", "civil_affairs", {"review_decision": "pass"}),
             ("district_approval", "district_gov", {"approval_decision": "approve", "approval_date": "2026-04-10",
                                                    "approval_doc_no": "沣西管发〔2026〕3号",
                                                    "approval_file": "file:批复.pdf"}),
             ("organise_election", "street_a", {"election_method": "all_voters", "election_date": "2026-05-08"}),
             ("hold_election", "community_a1", {"election_result": "elected", "voters_registered": 2000,
                                                "voters_participated": 1800, "director_name": "赵红梅",
                                                "elected_members": 5, "election_minutes": "file:纪要.pdf"}),
             ("file_record", "civil_affairs", {"filing_no": "沣西民备〔2026〕1号", "filing_date": "2026-05-20"}),
             ("issue_seal", "street_a", {"seal_name": "沣西新城甲街道和平北社区居民委员会",
                                         "seal_issue_date": "2026-05-15"})]
    for element, user, data in steps:
        _complete(api, child, element, user, data)
    return child


def _verify(api: ApiClient, case_id: int) -> dict[str, Any]:
    response = api.post(f"/process-instances/{case_id}/verify", as_user="auditor")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_new_community_is_added_once_below_the_street_and_verifies(api: ApiClient) -> None:
    case_id = _established_split_off(api)
    view = api.get(f"/process-instances/{case_id}", as_user="admin").get_json()
    assert view["status"] == "completed" and view["end_event"] == "已设立"
    orgs = [o for o in api.get("/organisations", as_user="admin").get_json() if o["name"] == "甲街道和平北社区"]
    assert [(o["level"], o["parent"]) for o in orgs] == [("community", "street_a")]
    history = api.get(f"/process-instances/{case_id}/history", as_user="auditor").get_json()
    added = [e for e in history if e["command"] == "directory_add"]
    assert [(e["actor"], e["payload"]["organisation"]["id"]) for e in added] == [("system", orgs[0]["id"])]
    assert _verify(api, case_id)["ok"] is True
    # the street's start form now offers the new community, and accepts it
    response = api.start("street_a", "residents_committee",
                         {"subject_org": orgs[0]["id"], "residential_area_name": "和平家园北区二期"})
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("tamper", ["rename", "reparent", "drop_row"])
def test_verify_notices_a_changed_addition(api: ApiClient, tamper: str) -> None:
    case_id = _established_split_off(api)
    with api.engine.db.writer() as session, session.begin():
        org_id = session.scalar(select(DirectoryAddition.org_id).where(DirectoryAddition.instance_id == case_id))
        if tamper == "rename":
            session.execute(update(Organisation).where(Organisation.id == org_id).values(name="甲街道别的社区"))
        elif tamper == "reparent":
            session.execute(update(Organisation).where(Organisation.id == org_id).values(parent_id="street_b"))
        else:
            session.execute(delete(DirectoryAddition).where(DirectoryAddition.instance_id == case_id))
    verdict = _verify(api, case_id)
    assert verdict["ok"] is False and "组织名录" in verdict["reason"], verdict
