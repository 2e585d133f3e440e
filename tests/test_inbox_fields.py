"""GET /tasks carries what the inbox page shows, so the page makes no request per case."""

from __future__ import annotations

from tests.support import ApiClient


def test_the_inbox_names_each_task_s_case_and_procedure(api: ApiClient) -> None:
    """The inbox page shows 办件编号 and 流程 from GET /tasks alone (no request per case)."""
    started = api.start("department", "community_access",
                        {"item_title": "学生近视筛查台账", "applicant_department": "沣西新城教育局"}).get_json()
    tasks = api.get("/tasks", as_user="department").get_json()
    mine = [t for t in tasks if t["instance_id"] == started["id"]]
    assert [(t["business_key"], t["definition_key"]) for t in mine] == [(started["business_key"], "community_access")]
