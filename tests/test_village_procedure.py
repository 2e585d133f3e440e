"""撤村建居 with several villages: each village's step is offered at that village, its form shows the
case's rule values, and the case data keeps each village's meeting with its papers."""

from __future__ import annotations

from tests.case_helpers import ELIGIBILITY, complete_ok, start_ok
from tests.steps.uploads import with_uploads
from tests.support import ApiClient

PLAN = {"plan_title": "东村、南村合并建社区方案", "conversion_mode": "multi_village_one_community",
        "new_committee_name": "沣西新城甲街道东南社区居民委员会", "village_households": 820,
        "village_population": 3100, "plan_summary": "两村合并建立东南社区。", "plan_document": "file:方案.pdf"}
MEETING = {"meeting_form": "household_representatives", "meeting_date": "2024-04-02", "adult_villagers_total": 700,
           "households_total": 300, "attendees": 200, "households_represented": 200, "votes_for": 150,
           "votes_against": 50, "minutes_file": "file:纪要.pdf", "sign_in_file": "file:签到表.pdf",
           "ballots_file": "file:表决票.pdf"}


def _two_village_case(api: ApiClient) -> dict:
    case = start_ok(api, "street_a", "village_to_community", {"subject_org": "village_a1",
                                                               "other_villages": ["village_a2"]})
    for _village in ("village_a1", "village_a2"):  # the conditions are each village's own
        complete_ok(api, case["id"], "check_eligibility", "street_a", ELIGIBILITY)
    complete_ok(api, case["id"], "draft_plan", "street_a", with_uploads(api, case["id"], "street_a", PLAN))
    return case


def test_each_village_meets_at_its_own_committee_and_its_form_shows_the_rule_values(api: ApiClient) -> None:
    case = _two_village_case(api)
    view = api.get(f"/process-instances/{case['id']}", as_user="admin").get_json()
    meetings = {t["org"]: t for t in view["active_tasks"] if t["element_id"] == "hold_meeting"}
    assert set(meetings) == {"village_a1", "village_a2"}
    for village, task in meetings.items():
        inbox = api.get("/tasks", as_user=village).get_json()
        assert [t["id"] for t in inbox if t["instance_id"] == case["id"]] == [task["id"]]
    form = api.get(f"/tasks/{meetings['village_a2']['id']}", as_user="village_a2").get_json()["form"]["schema"]
    assert "超过1/2" in form["description"] and "2/3以上" in form["description"]
    assert "{rules." not in form["description"]
    assert api.complete(meetings["village_a1"]["id"], "village_a2", MEETING).status_code == 403

    data = with_uploads(api, case["id"], "village_a2", MEETING)
    response = api.complete(meetings["village_a2"]["id"], "village_a2", data)
    assert response.status_code == 200, response.get_json()
    assert [t["element_id"] for t in response.get_json()["active_tasks"]] == ["hold_meeting"]  # 东村 still to meet
    complete_ok(api, case["id"], "hold_meeting", "village_a1", with_uploads(api, case["id"], "village_a1", MEETING))
    result = api.get(f"/process-instances/{case['id']}", as_user="admin").get_json()
    assert result["data"]["meeting_result"] == "passed"
    kept = result["data"]["meetings"]["village_a2"]
    assert kept["result"] == "passed" and kept["sign_in_file"] == data["sign_in_file"]
    assert "attendees" not in result["data"]  # one village's numbers never stand for the case's


def test_a_correction_of_one_paper_replaces_that_paper_only(api: ApiClient) -> None:
    case = _two_village_case(api)
    for village in ("village_a1", "village_a2"):
        complete_ok(api, case["id"], "hold_meeting", village, with_uploads(api, case["id"], village, MEETING))
    before = api.get(f"/process-instances/{case['id']}", as_user="admin").get_json()["data"]["meetings"]
    complete_ok(api, case["id"], "civil_review", "civil_affairs", {
        "review_decision": "correct", "defective_papers": ["ballots_file"], "defective_villages": ["village_a1"],
        "review_opinion": "表决票缺少监票人签字。"})
    fixed = with_uploads(api, case["id"], "village_a1", {"corrected_papers": ["ballots_file"],
                                                         "ballots_file": "file:表决票（补正）.pdf",
                                                         "correction_note": "已补签"})
    complete_ok(api, case["id"], "correct_meeting_papers", "village_a1", fixed)
    after = api.get(f"/process-instances/{case['id']}", as_user="admin").get_json()["data"]["meetings"]
    assert after["village_a1"] == {**before["village_a1"], "ballots_file": fixed["ballots_file"]}
    assert after["village_a2"] == before["village_a2"]
