"""GET /process-instances: visibility, filters, sorting and pagination, through the real API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api import create_app
from engine.clock import FixedClock
from engine.service import WorkflowEngine
from engine.settings import Settings
from tests.case_helpers import ACCESS_APPLY, ELIGIBILITY, complete_ok, start_access, start_village
from tests.support import ApiClient


def listing(api: ApiClient, user: str, **params: Any) -> tuple[list[dict[str, Any]], int]:
    response = api.get("/process-instances", as_user=user, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json(), int(response.headers["X-Total-Count"])


def ids(items: list[dict[str, Any]]) -> set[int]:
    return {item["id"] for item in items}


@pytest.fixture
def cases(api: ApiClient) -> dict[str, int]:
    return {
        "a1": start_village(api, "street_a")["id"],
        "a2": start_village(api, "street_a")["id"],
        "b1": start_village(api, "street_b")["id"],
        "district": start_access(api)["id"],
    }


def test_a_street_office_sees_only_its_own_cases_and_auditors_see_all(api: ApiClient, cases: dict[str, int]) -> None:
    mine, total = listing(api, "street_a")
    assert ids(mine) == {cases["a1"], cases["a2"]} and total == 2
    theirs, _ = listing(api, "street_b")
    assert ids(theirs) == {cases["b1"]}
    for reader in ("auditor", "admin"):
        everything, total = listing(api, reader)
        assert ids(everything) == set(cases.values()) and total == 4
    village, _ = listing(api, "village_a1")  # the village a case concerns sees it
    assert ids(village) == {cases["a1"], cases["a2"]}


def test_org_filter_stays_within_visibility(api: ApiClient, cases: dict[str, int]) -> None:
    district, _ = listing(api, "civil_affairs", org="street_a")
    assert ids(district) == {cases["a1"], cases["a2"]}
    whole_district, _ = listing(api, "civil_affairs", org="fengxi")
    assert ids(whole_district) == set(cases.values())
    nothing, total = listing(api, "street_a", org="street_b")
    assert nothing == [] and total == 0
    unknown = api.get("/process-instances", as_user="admin", query_string={"org": "nowhere"})
    assert unknown.status_code == 400
    assert unknown.get_json()["error"]["details"][0]["path"] == "org"


def test_filters_by_definition_status_and_business_key(api: ApiClient, cases: dict[str, int]) -> None:
    villages, _ = listing(api, "admin", definition_key="village_to_community")
    assert ids(villages) == {cases["a1"], cases["a2"], cases["b1"]}
    running, _ = listing(api, "admin", status="running", definition_key="community_access")
    assert ids(running) == {cases["district"]}
    assert listing(api, "admin", status="completed") == ([], 0)

    a1 = api.get(f"/process-instances/{cases['a1']}", as_user="admin").get_json()
    key = a1["business_key"]
    assert key.startswith(f"CJJ-{datetime.now(UTC).year}-")
    exact, _ = listing(api, "admin", business_key=key)
    assert ids(exact) == {cases["a1"]} and exact[0]["business_key"] == key
    prefix, total = listing(api, "admin", business_key_prefix="CJJ-")
    assert ids(prefix) == {cases["a1"], cases["a2"], cases["b1"]} and total == 3
    assert listing(api, "admin", business_key_prefix="CJJ-%")[1] == 0  # LIKE wildcards are literal
    assert listing(api, "street_b", business_key=key) == ([], 0)  # searching never widens visibility


def test_business_key_is_shown_in_the_inbox_and_the_task(api: ApiClient) -> None:
    case = start_village(api)
    inbox = api.get("/tasks", as_user="street_a").get_json()
    assert [t["business_key"] for t in inbox if t["instance_id"] == case["id"]] == [case["business_key"]]
    task = api.get(f"/tasks/{inbox[0]['id']}", as_user="street_a").get_json()
    assert task["business_key"] == case["business_key"]


def test_acted_by_me_lists_cases_where_i_completed_a_task(api: ApiClient) -> None:
    first, second = start_access(api), start_access(api)
    complete_ok(api, first["id"], "apply", "department", ACCESS_APPLY)
    acted, total = listing(api, "department", acted_by_me="true")
    assert ids(acted) == {first["id"]} and total == 1
    assert second["id"] in ids(listing(api, "department")[0])
    assert listing(api, "civil_affairs", acted_by_me="true") == ([], 0)


def test_pagination_and_sorting(api: ApiClient) -> None:
    started = [start_village(api)["id"] for _ in range(5)]
    page, total = listing(api, "street_a", limit=2, offset=0, sort="business_key", order="asc")
    assert total == 5 and [c["id"] for c in page] == started[:2]
    page, _ = listing(api, "street_a", limit=2, offset=4, sort="business_key", order="asc")
    assert [c["id"] for c in page] == started[4:]
    newest_first, _ = listing(api, "street_a")
    assert [c["id"] for c in newest_first] == started[::-1]
    keys = [c["business_key"] for c in listing(api, "street_a", sort="business_key", order="desc")[0]]
    assert keys == sorted(keys, reverse=True)
    complete_ok(api, started[0], "check_eligibility", "street_a", ELIGIBILITY)
    by_update, _ = listing(api, "street_a", sort="updated_at", order="desc", limit=1)
    assert by_update[0]["id"] == started[0]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"sort": "snapshot"},
                                    {"order": "up"}, {"status": "unknown"}, {"started_from": "yesterday"}])
def test_bad_query_parameters_are_refused(api: ApiClient, params: dict[str, Any]) -> None:
    response = api.get("/process-instances", as_user="admin", query_string=params)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["details"][0]["path"] == next(iter(params))


@pytest.fixture
def clocked(settings: Settings) -> Iterator[tuple[ApiClient, FixedClock]]:
    clock = FixedClock(datetime(2026, 3, 1, 2, 0, tzinfo=UTC))  # 10:00 Beijing time
    app = create_app(settings, engine=WorkflowEngine(settings, clock))
    try:
        yield ApiClient(app, app.test_client()), clock
    finally:
        app.extensions["workflow_engine"].db.dispose()


def test_start_date_range_is_in_beijing_days(clocked: tuple[ApiClient, FixedClock]) -> None:
    api, clock = clocked
    march_1 = start_village(api)["id"]
    clock.set(datetime(2026, 3, 1, 17, 30, tzinfo=UTC))  # already 2 March in Beijing
    march_2 = start_village(api)["id"]
    clock.advance(timedelta(days=3))
    march_5 = start_village(api)["id"]
    assert ids(listing(api, "admin", started_from="2026-03-01", started_to="2026-03-01")[0]) == {march_1}
    assert ids(listing(api, "admin", started_from="2026-03-02")[0]) == {march_2, march_5}
    assert ids(listing(api, "admin", started_to="2026-03-04")[0]) == {march_1, march_2}
    reversed_range = api.get("/process-instances", as_user="admin",
                             query_string={"started_from": "2026-03-05", "started_to": "2026-03-01"})
    assert reversed_range.status_code == 400
    assert reversed_range.get_json()["error"]["details"][0]["path"] == "started_to"


def test_each_page_is_the_slice_of_the_whole_ordering_for_every_sort(api: ApiClient) -> None:
    # the list takes a page's ids first (and on SQLite walks the sort column's index against the visible
    # set): each page must still be exactly that slice of the visible cases in that order
    for user in ("street_a", "street_b", "street_a", "street_a", "street_b"):
        start_village(api, user)
    start_access(api)
    for sort in ("created_at", "updated_at", "business_key", "case_title"):
        for order in ("asc", "desc"):
            whole, total = listing(api, "street_a", sort=sort, order=order, limit=500)
            assert total == len(whole) == 3  # the street office's own three, not street_b's or the district's
            paged = [c["id"] for offset in range(0, total, 2)
                     for c in listing(api, "street_a", sort=sort, order=order, limit=2, offset=offset)[0]]
            assert paged == [c["id"] for c in whole]
    everything, total = listing(api, "auditor", limit=500)
    assert total == len(everything) == 6
