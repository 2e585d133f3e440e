"""The workbench lists through the real API: 我的待办 (GET /tasks), 已办 (GET /tasks/done), 我发起的
(GET /process-instances?started_by_me=true), each answered without a request per case."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, select

from tests.case_helpers import VILLAGE_START, start_access, start_ok, start_village
from tests.support import ApiClient
from tests.workbench_support import WALK, display_name, ok, walk_case


def listing(api: ApiClient, path: str, user: str, **params: Any) -> tuple[list[dict[str, Any]], int]:
    response = api.get(path, as_user=user, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json(), int(response.headers["X-Total-Count"])


def test_an_inbox_task_names_its_case_applicant_and_sender(api: ApiClient) -> None:
    case = walk_case(api, steps=0)
    [first] = listing(api, "/tasks", "department", instance_id=case.id)[0]
    assert first["case_title"] == "社区安全生产网格巡查" and first["definition_name"] == "社区事务准入"
    assert first["business_key"] == case.business_key and first["name"].startswith("填报准入事项")
    assert first["applicant"] == {"username": "department", "display_name": display_name(api, "department"),
                                  "org": "fengxi", "org_name": "沣西新城"}
    assert first["sent_by"] is None  # the start opened it
    assert first["sent_at"] == first["created_at"] and first["returned"] is False
    assert first["role_name"] == "区直职能部门" and first["org_name"] == "沣西新城"

    ok(api.complete(first["id"], "department", WALK[0][2], WALK[0][3]))
    [review] = listing(api, "/tasks", "civil_affairs", instance_id=case.id)[0]
    assert review["sent_by"] == {"username": "department", "display_name": display_name(api, "department"),
                                 "org": "fengxi", "org_name": "沣西新城"}
    assert review["returned"] is False and review["sent_at"] > first["sent_at"]


def test_a_task_that_came_back_after_a_return_is_marked(api: ApiClient) -> None:
    case = walk_case(api, steps=2)  # applied, returned by the gatekeeper
    [back] = listing(api, "/tasks", "department", instance_id=case.id)[0]
    assert back["element_id"] == "apply" and back["returned"] is True
    assert back["sent_by"]["username"] == "civil_affairs"
    assert back["sent_by"]["display_name"] == display_name(api, "civil_affairs")
    ok(api.complete(back["id"], "department", WALK[2][2]))
    [review] = listing(api, "/tasks", "civil_affairs", instance_id=case.id)[0]
    assert review["returned"] is True  # the gatekeeper sees the case a second time


def test_the_inbox_searches_filters_sorts_and_pages(api: ApiClient) -> None:
    access = walk_case(api, steps=0)
    second = start_ok(api, "department", "community_access", {"item_title": "学生近视筛查台账",
                                                               "applicant_department": "沣西新城教育局"})
    village = start_village(api, "street_a")
    by_title, total = listing(api, "/tasks", "department", q="网格")
    assert total == 1 and [t["instance_id"] for t in by_title] == [access.id]
    by_key, _ = listing(api, "/tasks", "department", q=second["business_key"].lower())
    assert [t["instance_id"] for t in by_key] == [second["id"]]
    assert listing(api, "/tasks", "department", q="100%_不存在")[1] == 0
    assert listing(api, "/tasks", "department", definition_key="village_to_community")[1] == 0
    titles = [t["case_title"] for t in listing(api, "/tasks", "department", sort="case_title")[0]]
    assert titles == sorted(titles)
    keys = [t["business_key"] for t in listing(api, "/tasks", "department", sort="-business_key")[0]]
    assert keys == sorted(keys, reverse=True)
    page, total = listing(api, "/tasks", "department", limit=1, offset=1, sort="created_at")
    assert total == 2 and [t["instance_id"] for t in page] == [second["id"]]
    [street] = listing(api, "/tasks", "street_a", q="东村")[0]
    assert street["instance_id"] == village["id"] and street["case_title"] == "甲街道东村撤村建居"
    assert listing(api, "/tasks", "street_b", q="东村")[1] == 0  # another street office's case
    bad = api.get("/tasks", as_user="department", query_string={"sort": "applicant"})
    assert bad.status_code == 422


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_the_inbox_merges_the_tasks_of_my_role_and_those_given_to_me_by_name(backend_api: ApiClient) -> None:
    api = backend_api
    # four cases at the gatekeeper (民政): the first and third given to a colleague by name (转办), so her
    # inbox holds tasks both ways, alternating in time; every page of every order is the merged list's slice
    cases = []
    for n in range(4):
        case = walk_case(api, steps=1)
        cases.append(case.id)
        if n % 2 == 0:
            [task] = listing(api, "/tasks", "civil_affairs", instance_id=case.id)[0]
            ok(api.post(f"/tasks/{task['id']}/transfer", {"to_user": "civil_affairs_qian", "comment": "请钱丽办理"},
                        as_user="civil_affairs"))
    mine, total = listing(api, "/tasks", "civil_affairs_qian")
    assert total == 4 and [t["instance_id"] for t in mine] == cases
    assert [t["assignee"] for t in mine] == ["civil_affairs_qian", None, "civil_affairs_qian", None]
    assert listing(api, "/tasks", "civil_affairs")[1] == 2  # given away: no longer the role's
    for sort in ("created_at", "-created_at", "case_title", "-id", "urgency"):
        whole, _ = listing(api, "/tasks", "civil_affairs_qian", sort=sort)
        assert sorted(t["id"] for t in whole) == sorted(t["id"] for t in mine)
        for limit in (1, 3):
            paged: list[int] = []
            for offset in range(0, 5, limit):
                page, total = listing(api, "/tasks", "civil_affairs_qian", sort=sort, limit=limit, offset=offset)
                assert total == 4
                paged += [t["id"] for t in page]
            assert paged == [t["id"] for t in whole], (sort, limit)
    reverse, _ = listing(api, "/tasks", "civil_affairs_qian", sort="-created_at")
    assert [t["instance_id"] for t in reverse] == cases[::-1]


def test_the_inbox_is_one_statement_however_many_tasks(api: ApiClient) -> None:
    for _ in range(4):
        start_access(api)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(api.engine.db.read_engine, "before_cursor_execute", count)
    try:
        items, total = listing(api, "/tasks", "department")
    finally:
        event.remove(api.engine.db.read_engine, "before_cursor_execute", count)
    assert total == 4 and all(t["applicant"] and t["case_title"] for t in items)
    queries = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "human_tasks" in s]
    assert len(queries) == 1, queries  # the page, with the count as a column


def test_done_lists_my_completed_tasks_with_my_opinion_and_where_the_case_is(api: ApiClient) -> None:
    case = walk_case(api, steps=4)  # the gatekeeper returned it once, then accepted it
    done, total = listing(api, "/tasks/done", "civil_affairs")
    assert total == 2
    assert [d["comment"] for d in done] == [WALK[3][3], WALK[1][3]]  # newest first
    latest = done[0]
    assert latest["instance_id"] == case.id and latest["business_key"] == case.business_key
    assert latest["case_title"] == "社区安全生产网格巡查" and latest["definition_name"] == "社区事务准入"
    assert latest["name"] == "民政局扎口审核" and latest["case_status"] == "running"
    assert [(s["name"], s["org_name"], s["role_name"]) for s in latest["current_steps"]] == [
        ("领导小组季度会议审批", "沣西新城", "社区建设领导小组")]
    assert listing(api, "/tasks/done", "department")[1] == 2
    assert listing(api, "/tasks/done", "leadership")[1] == 0  # holds the task, has done nothing
    assert listing(api, "/tasks/done", "civil_affairs", q="网格巡查")[1] == 2
    assert listing(api, "/tasks/done", "civil_affairs", q="不存在的事项")[1] == 0
    assert listing(api, "/tasks/done", "civil_affairs", definition_key="housing_handover")[1] == 0
    page, total = listing(api, "/tasks/done", "civil_affairs", limit=1, offset=1)
    assert total == 2 and [d["comment"] for d in page] == [WALK[1][3]]
    oldest_first = listing(api, "/tasks/done", "civil_affairs", sort="completed_at")[0]
    assert [d["comment"] for d in oldest_first] == [WALK[1][3], WALK[3][3]]


def test_done_shows_a_finished_case_with_no_current_step(api: ApiClient) -> None:
    walk_case(api)
    [last] = listing(api, "/tasks/done", "department", limit=1)[0]
    assert last["name"] == "落实经费并配置电子化台账" and last["comment"] == WALK[-1][3]
    assert last["case_status"] == "completed" and last["end_event"] == "已准入" and last["current_steps"] == []


def test_started_by_me_lists_my_cases_with_their_title_and_current_steps(api: ApiClient) -> None:
    mine = start_village(api, "street_a")
    other = start_village(api, "street_b")
    items, total = listing(api, "/process-instances", "street_a", started_by_me="true")
    assert total == 1 and [c["id"] for c in items] == [mine["id"]]
    [case] = items
    assert case["case_title"] == "甲街道东村撤村建居"
    assert case["started_by"] == {"username": "street_a", "display_name": display_name(api, "street_a"),
                                  "org": "street_a", "org_name": "沣西新城甲街道"}
    assert [(s["name"], s["org_name"]) for s in case["current_steps"]] == [("改制条件审查", "沣西新城甲街道")]
    # the same fields in the case list generally, for auditors too
    everything, _ = listing(api, "/process-instances", "auditor")
    assert {c["id"]: c["case_title"] for c in everything} == {mine["id"]: "甲街道东村撤村建居",
                                                              other["id"]: "乙街道西村撤村建居"}
    assert listing(api, "/process-instances", "auditor", started_by_me="true")[1] == 0


def test_the_case_list_searches_by_number_or_title(api: ApiClient) -> None:
    village = start_village(api, "street_a")
    access = start_access(api)
    assert [c["id"] for c in listing(api, "/process-instances", "auditor", q="东村")[0]] == [village["id"]]
    assert [c["id"] for c in listing(api, "/process-instances", "auditor", q=access["business_key"])[0]] == [
        access["id"]]
    assert listing(api, "/process-instances", "street_b", q="东村")[1] == 0  # not visible to the other street
    titles = [c["case_title"] for c in listing(api, "/process-instances", "auditor", sort="case_title",
                                               order="asc")[0]]
    assert titles == sorted(titles)


def test_the_case_title_follows_the_start_data(api: ApiClient) -> None:
    case = start_ok(api, "street_a", "village_to_community", VILLAGE_START)
    assert case["case_title"] == "甲街道东村撤村建居"
    assert case["started_by"]["display_name"] == display_name(api, "street_a")
    assert [t["org_name"] for t in case["active_tasks"]] == ["沣西新城甲街道"]


def test_an_actor_of_several_roles_sees_the_tasks_of_each(api: ApiClient) -> None:
    """Few roles are plain parameters of a statement per role count, many an expanding one
    (engine/identity/access.py, FIXED_ROLES): both ways list the same tasks."""
    from engine.identity.access import FIXED_ROLES
    from engine.store.models import Role
    from tests.test_races import add_user

    applied = walk_case(api, steps=1)  # at the gatekeeper (civil_affairs)
    fresh = walk_case(api, steps=0)  # at the applicant (department)
    with api.engine.db.reader() as session:
        every_role = sorted(session.scalars(select(Role.id)))
    assert len(every_role) > FIXED_ROLES
    add_user(api, "two_roles", "fengxi", ["civil_affairs", "department"])
    add_user(api, "all_roles", "fengxi", every_role)
    mine = {applied.id, fresh.id}
    expected = {t["id"] for user in ("civil_affairs", "department")
                for t in listing(api, "/tasks", user, limit=500)[0] if t["instance_id"] in mine}
    assert len(expected) == 2
    for user in ("two_roles", "all_roles"):
        items, total = listing(api, "/tasks", user, limit=500)
        assert {t["id"] for t in items if t["instance_id"] in mine} == expected, user
        assert total == len(items)
        one_page, _ = listing(api, "/tasks", user, limit=1, sort="-created_at")
        assert one_page[0]["id"] == max(items, key=lambda t: (t["created_at"], t["id"]))["id"]


def test_the_inbox_total_is_counted_on_every_page_and_past_the_last(api: ApiClient) -> None:
    """The count rides on the page's rows; a page past the end (no rows) counts on its own."""
    for _ in range(3):
        walk_case(api, steps=0)
    items, total = listing(api, "/tasks", "department", limit=500)
    assert total == len(items) >= 3
    for offset in (0, 1, total - 1, total, total + 5):
        page, counted = listing(api, "/tasks", "department", limit=2, offset=offset)
        assert counted == total, offset
        assert [t["id"] for t in page] == [t["id"] for t in items[offset:offset + 2]]
    assert listing(api, "/tasks", "department", q="不存在的事项")[1] == 0
