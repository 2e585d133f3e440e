"""Gherkin steps of 撤村建居's directory change and of a village nobody holds yet (features/README.md)."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, then, when

from engine.identity.orgs import invalidate_directories
from engine.store.models import Organisation
from tests.support import ApiClient

NEW_PASSWORD = "beicun-2024"

def _orgs(api: ApiClient) -> dict[str, dict[str, Any]]:
    response = api.get("/organisations", as_user="admin")
    assert response.status_code == 200, response.get_json()
    return {o["id"]: o for o in response.get_json()}


def _names(text: str) -> list[str]:
    return [v.strip() for v in text.split(",") if v.strip()]


@given(parsers.re(r'^a village "(?P<org>[^"]+)" named "(?P<name>[^"]+)" of "(?P<parent>[^"]+)" that no user holds$'))
def new_village(api: ApiClient, org: str, name: str, parent: str) -> None:
    # the directory has no endpoint to add units: an administrator's database load, as seed-demo does it
    with api.engine.db.writer() as session, session.begin():
        session.add(Organisation(id=org, name=name, level="village", parent_id=parent))
    invalidate_directories()


@then(parsers.re(r'^the directory lists "(?P<villages>[^"]+)" as converted into the new community '
                 r'"(?P<name>[^"]+)" under "(?P<parent>[^"]+)" on "(?P<day>[^"]+)"$'))
def converted_into_new(api: ApiClient, case: dict[str, Any], villages: str, name: str, parent: str,
                       day: str) -> None:
    orgs = _orgs(api)
    made = [o for o in orgs.values() if o["established_by"] == case["id"]]
    assert len(made) == 1, made
    community = made[0]
    assert (community["name"], community["level"], community["parent"]) == (name, "community", parent), community
    for village in _names(villages):
        row = orgs[village]
        assert (row["converted_into"], row["converted_on"], row["converted_by"]) == (community["id"], day, case["id"])


@then(parsers.re(r'^the directory lists "(?P<villages>[^"]+)" as converted into "(?P<community>[^"]+)" '
                 r'on "(?P<day>[^"]+)"$'))
def converted_into_existing(api: ApiClient, case: dict[str, Any], villages: str, community: str, day: str) -> None:
    orgs = _orgs(api)
    assert not [o for o in orgs.values() if o["established_by"] == case["id"]]  # no new community
    for village in _names(villages):
        row = orgs[village]
        assert (row["converted_into"], row["converted_on"], row["converted_by"]) == (community, day, case["id"])


def _choices(api: ApiClient, user: str, key: str, field: str) -> list[dict[str, Any]]:
    response = api.get(f"/process-definitions/{key}/start-form", as_user=user)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["org_choices"][field]


@then(parsers.re(r'^the start form of "(?P<key>[^"]+)" offers user "(?P<user>[^"]+)" no "(?P<org>[^"]+)" '
                 r'at "(?P<field>[^"]+)"$'))
def start_form_lacks(api: ApiClient, key: str, user: str, org: str, field: str) -> None:
    offered = _choices(api, user, key, field)
    assert org not in [c["id"] for c in offered], offered


@then(parsers.re(r'^the start form of "(?P<key>[^"]+)" offers user "(?P<user>[^"]+)" the community '
                 r'"(?P<name>[^"]+)" at "(?P<field>[^"]+)"$'))
def start_form_offers(api: ApiClient, key: str, user: str, name: str, field: str) -> None:
    assert name in [c["name"] for c in _choices(api, user, key, field)]


def _stuck(api: ApiClient, case: dict[str, Any]) -> list[dict[str, Any]]:
    response = api.get("/admin/stuck-cases", as_user="admin")
    assert response.status_code == 200, response.get_json()
    return [t for t in response.get_json() if t["instance_id"] == case["id"]]


@then(parsers.re(r'^the stuck-cases list shows task "(?P<element>[^"]+)" at "(?P<name>[^"]+)" '
                 r'with the reason "(?P<reason>[^"]+)"$'))
def stuck_shows(api: ApiClient, case: dict[str, Any], element: str, name: str, reason: str) -> None:
    found = _stuck(api, case)
    assert [(t["element_id"], t["org_name"], t["reason"]) for t in found] == [(element, name, reason)], found


@then("the stuck-cases list shows no task of the case")
def stuck_clear(api: ApiClient, case: dict[str, Any]) -> None:
    assert _stuck(api, case) == []


@when(parsers.re(r'^the admin adds user "(?P<user>[^"]+)" named "(?P<name>[^"]+)" with role "(?P<role>[^"]+)" '
                 r'at "(?P<org>[^"]+)"$'))
def admin_adds_user(api: ApiClient, user: str, name: str, role: str, org: str) -> None:
    response = api.post("/users", {"username": user, "display_name": name, "password": NEW_PASSWORD,
                                   "org": org, "roles": [role]}, as_user="admin")
    assert response.status_code == 201, response.get_json()
    api.token(user, NEW_PASSWORD)  # logged in once: the steps after this act as that user
