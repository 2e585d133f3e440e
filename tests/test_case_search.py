"""Search by part of the 办件编号 or title (q) on both databases: what the trigram indexes serve (three
characters or more) and what they cannot (one or two characters) give exactly the cases a plain
substring match gives, for an auditor (every case) and for clerks (the cases they may see)."""

from __future__ import annotations

from typing import Any

from tests.case_helpers import start_access, start_village
from tests.support import ApiClient

USERS = ("auditor", "street_a", "street_b", "civil_affairs")


def listing(api: ApiClient, user: str, **params: Any) -> tuple[list[int], int]:
    response = api.get("/process-instances", as_user=user, query_string={"limit": 200, **params})
    assert response.status_code == 200, response.get_json()
    return [c["id"] for c in response.get_json()], int(response.headers["X-Total-Count"])


def everything(api: ApiClient, user: str) -> list[dict[str, Any]]:
    response = api.get("/process-instances", as_user=user, query_string={"limit": 200})
    assert response.status_code == 200, response.get_json()
    return list(response.get_json())


def contains(case: dict[str, Any], q: str) -> bool:
    """The reference: a substring of the 编号 or title, Latin letters in either case."""
    needle = q.strip().lower()
    return any(needle in (case.get(name) or "").lower() for name in ("business_key", "case_title"))


def test_search_gives_the_substring_matches_whatever_the_length_of_the_text(backend_api: ApiClient) -> None:
    api = backend_api
    made = [start_village(api, "street_a"), start_village(api, "street_b"), start_access(api), start_access(api)]
    key = made[2]["business_key"]
    queries = ["东", "东村", "撤村建居", "村撤", "津贴", "高龄老人津贴资格年度认证", "年度认证X", key, key.lower(),
               key[:2].lower(), key[-6:], key[-2:], "2026", "%", "_", '"', "'", "\\", "不存在的事项",
               f"  {made[0]['case_title']}  ", made[1]["business_key"].lower().swapcase()]
    for user in USERS:
        cases = everything(api, user)
        for q in queries:
            found, total = listing(api, user, q=q)
            expected = [c["id"] for c in cases if contains(c, q)]
            assert found == expected, (user, q)
            assert total == len(expected), (user, q)
    # the auditor finds each case by its whole 编号, in lower case too
    for case in made:
        assert listing(api, "auditor", q=case["business_key"].lower())[0] == [case["id"]]
    # a clerk never finds another street's case, however it is searched
    assert listing(api, "street_b", q=made[0]["business_key"])[1] == 0
    assert listing(api, "street_b", q="甲街道东村")[1] == 0


def test_the_search_follows_a_filter_and_the_sort(backend_api: ApiClient) -> None:
    api = backend_api
    first, second = start_access(api), start_access(api)
    village = start_village(api, "street_a")
    assert first["case_title"] == second["case_title"] == "高龄老人津贴资格年度认证"
    newest_first = listing(api, "auditor", q="津贴")[0]
    assert newest_first == [second["id"], first["id"]]
    assert listing(api, "auditor", q="津贴", sort="created_at", order="asc")[0] == [first["id"], second["id"]]
    assert listing(api, "auditor", q="撤村建居", status="running")[0] == [village["id"]]
    assert listing(api, "auditor", q="撤村建居", status="completed")[1] == 0
    assert listing(api, "auditor", q="老人津贴", limit=1, offset=1)[0] == [first["id"]]
    assert listing(api, "civil_affairs", q="老人津贴", limit=1)[0] == [second["id"]]
