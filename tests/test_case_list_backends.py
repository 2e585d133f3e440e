"""The case list gives the same pages and totals on SQLite and PostgreSQL.

On PostgreSQL a reader bounded by a visibility set gets the page and the count from one statement
(``count(*) OVER ()``, engine/read/case_list.py); past the last page the count is read alone. The same
cases are started on each backend and every page of a clerk, a street office and an auditor is compared
with what the whole list says, in each sort and with filters.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.case_helpers import start_access, start_village
from tests.support import ApiClient

READERS = ("civil_affairs", "street_a", "street_b", "auditor")
QUERIES: list[dict[str, Any]] = [
    {}, {"sort": "created_at", "order": "asc"}, {"sort": "business_key", "order": "desc"}, {"sort": "case_title"},
    {"status": "running"}, {"definition_key": "village_to_community"}, {"org": "street_a"},
    {"q": "SW"}, {"started_by_me": "true"},
]


def listing(api: ApiClient, user: str, **params: Any) -> tuple[list[int], int]:
    response = api.get("/process-instances", as_user=user, query_string=params)
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()], int(response.headers["X-Total-Count"])


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
def test_pages_and_totals_agree_with_the_whole_list(backend_api: ApiClient) -> None:
    api = backend_api
    started = [start_village(api, "street_a")["id"], start_village(api, "street_b")["id"],
               start_village(api, "street_a")["id"], start_access(api)["id"], start_village(api, "street_b")["id"]]
    assert len(set(started)) == 5
    seen_nonempty = 0
    for user in READERS:
        for query in QUERIES:
            whole, total = listing(api, user, limit=100, **query)
            assert total == len(whole), (user, query)
            seen_nonempty += bool(whole)
            pages: list[int] = []
            for offset in range(0, len(whole) + 2, 2):
                page, page_total = listing(api, user, limit=2, offset=offset, **query)
                assert page_total == total, (user, query, offset)  # past the end too
                pages += page
            assert pages == whole, (user, query)
    assert seen_nonempty >= 20  # the readers see cases: the comparison is not of empty lists
    everything, total = listing(api, "auditor")
    assert set(everything) == set(started) and total == 5
    street_a, total = listing(api, "street_a")
    assert set(street_a) == {started[0], started[2]} and total == 2
