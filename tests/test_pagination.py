"""Lists: limit/offset with the total in X-Total-Count, sort (``-`` for descending) and filters."""

from __future__ import annotations

from typing import Any

from tests.access_cases import demo_users
from tests.support import ApiClient

ACCESS_DATA = {"item_title": "学生近视筛查台账", "applicant_department": "沣西新城教育局"}


def listing(api: ApiClient, path: str, user: str) -> tuple[list[dict[str, Any]], int]:
    response = api.get(path, as_user=user)
    assert response.status_code == 200, response.get_json()
    return response.get_json(), int(response.headers["X-Total-Count"])


def test_users_pages_sorting_and_filters(api: ApiClient) -> None:
    demo = demo_users()
    everyone, total = listing(api, "/users?limit=500", "admin")
    assert total == len(everyone) == len(demo)
    assert [u["username"] for u in everyone] == sorted(u["username"] for u in everyone)
    first, total_again = listing(api, "/users?limit=5&offset=0&sort=-username", "admin")
    second, _ = listing(api, "/users?limit=5&offset=5&sort=-username", "admin")
    names = sorted((u["username"] for u in everyone), reverse=True)
    assert total_again == len(demo)
    assert [u["username"] for u in first + second] == names[:10]
    tail, _ = listing(api, f"/users?limit=5&offset={len(demo) - 2}", "admin")
    assert len(tail) == 2
    by_role, n = listing(api, "/users?role=street_office", "admin")
    assert n == 3 and {u["username"] for u in by_role} == {"street_a", "street_a_wang", "street_b"}
    by_org, n = listing(api, "/users?org=fengxi&sort=display_name", "admin")
    assert n == 7 and all(u["org"] == "fengxi" for u in by_org)
    by_text, n = listing(api, "/users?q=社区", "admin")
    with_text = {u["username"] for u in demo if "社区" in u["display_name"]}
    assert {"community_a1", "community_b1", "leadership"} <= with_text
    assert n == len(with_text) and {u["username"] for u in by_text} == with_text
    wildcard, n = listing(api, "/users?q=%25", "admin")  # LIKE wildcards are matched literally
    assert n == 0 and wildcard == []
    api.client.patch("/api/v1/users/developer", json={"active": False}, headers=api.headers("admin"))
    inactive, n = listing(api, "/users?active=false", "admin")
    assert n == 1 and inactive[0]["username"] == "developer"


def test_bad_list_arguments_are_named(api: ApiClient) -> None:
    for query, path in (("sort=password", "sort"), ("limit=0", "limit"), ("limit=501", "limit"),
                        ("offset=-1", "offset"), ("active=maybe", "active")):
        response = api.get(f"/users?{query}", as_user="admin")
        assert response.status_code == 422, query
        assert [d["path"] for d in response.get_json()["error"]["details"]] == [path]
    assert api.get("/tasks?instance_id=abc", as_user="street_a").status_code == 422


def test_tasks_pages_and_filters(api: ApiClient) -> None:
    started = [api.start("department", "community_access", ACCESS_DATA).get_json()["id"] for _ in range(3)]
    tasks, total = listing(api, "/tasks", "department")
    assert total == 3 and [t["instance_id"] for t in tasks] == started
    newest_first, _ = listing(api, "/tasks?sort=-created_at&limit=2", "department")
    assert [t["instance_id"] for t in newest_first] == started[::-1][:2]
    one, total = listing(api, f"/tasks?instance_id={started[1]}", "department")
    assert total == 1 and one[0]["instance_id"] == started[1]
    assert listing(api, "/tasks?definition_key=housing_handover", "department") == ([], 0)
    assert listing(api, "/tasks?element_id=apply&offset=2", "department")[1] == 3
    assert listing(api, "/tasks", "civil_affairs") == ([], 0)  # not their lane


def test_process_definitions_pages_sorting_and_filters(api: ApiClient) -> None:
    keys = sorted(path.stem for path in api.engine.settings.processes_dir.glob("*.bpmn"))
    assert {"community_access", "housing_handover", "residents_committee", "village_to_community"} < set(keys)
    everything, total = listing(api, "/process-definitions", "street_a")
    assert total == len(keys) and [d["key"] for d in everything] == keys
    page, total = listing(api, "/process-definitions?sort=-key&limit=2&offset=1", "street_a")
    assert total == len(keys) and [d["key"] for d in page] == keys[::-1][1:3]
    found, total = listing(api, "/process-definitions?q=居委会", "street_a")
    assert total == 1 and found[0]["key"] == "residents_committee"
    assert listing(api, "/process-definitions?key=housing_handover", "street_a")[1] == 1
