"""A split-off area's case and the case it came from name each other on their case pages."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.paper_files import upload_papers
from tests.web.conftest import LiveServer, login, shot

PLAN = {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道",
        "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 6000,
        "population": 18000, "party_org_staff": 5, "committee_members": 9, "supervisory_members": 3,
        "service_station_staff": 9, "plan_document": "file:设立方案.pdf", "boundary_map": "file:四至范围图.pdf"}


def test_both_case_pages_show_the_link(page: Page, live_server: LiveServer) -> None:
    api = live_server.api
    case = api.start("street_a", "residents_committee",
                     {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}).get_json()

    def complete(element: str, data: dict) -> dict:
        task = api.open_task(case["id"], element, "street_a")
        response = api.complete(task["id"], "street_a", upload_papers(api, case["id"], "street_a", data))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    complete("survey_occupancy", {"area_total_households": 6400, "occupied_households": 4000,
                                  "survey_date": "2026-03-01"})
    complete("draft_plan", PLAN)
    view = complete("adjust_scale", {"scale_adjust_decision": "split", "split_area_name": "和平家园北区",
                                     "split_area_households": 2000, "split_area_community": "community_a1",
                                     "split_plan_note": "以统一路为界拆分"})
    child = view["linked_cases"][0]

    login(page, live_server, "street_a", then=f"/cases/{case['id']}")
    link = page.locator(f"#linked-cases li[data-direction=to] a[href='/cases/{child['instance_id']}']")
    expect(link).to_contain_text(child["business_key"])
    expect(link).to_contain_text("和平家园北区社区居委会设立")
    expect(page.locator("#linked-cases")).to_contain_text("拆分设立（本件发起）")
    shot(page, "linked-case-parent")
    link.click()
    back = page.locator(f"#linked-cases li[data-direction=from] a[href='/cases/{case['id']}']")
    expect(back).to_contain_text(case["business_key"])
    expect(page.locator("#active-tasks li[data-element=survey_occupancy]")).to_be_visible()
    shot(page, "linked-case-child")
