"""Identity through the API: /me, user administration, organisations and roles, token expiry and revocation."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from api import create_app
from engine.clock import FixedClock
from engine.service import WorkflowEngine
from engine.settings import Settings
from tests.support import ApiClient

NEW_USER = {"username": "street_a2", "display_name": "甲街道办 王芳", "password": "correct-horse-1",
            "org": "street_a", "roles": ["street_office"]}


def login(api: ApiClient, username: str, password: str) -> tuple[int, dict[str, str]]:
    response = api.client.post("/api/v1/auth/token", json={"username": username, "password": password})
    return response.status_code, response.get_json()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_me_names_roles_and_organisation(api: ApiClient) -> None:
    me = api.get("/me", as_user="street_a").get_json()
    assert me["username"] == "street_a"
    assert me["roles"] == ["street_office"]
    assert (me["org"], me["org_name"]) == ("street_a", "沣西新城甲街道")
    assert api.get("/me").status_code == 401


def test_organisations_and_roles_are_readable_by_any_user(api: ApiClient) -> None:
    orgs = {o["id"]: o for o in api.get("/organisations", as_user="village_a1").get_json()}
    assert orgs["village_a1"]["parent"] == "street_a" and orgs["xinqu"]["parent"] is None
    roles = {r["id"]: r for r in api.get("/roles", as_user="developer").get_json()}
    assert roles["street_office"]["scope"] == "street" and roles["auditor"]["scope"] == "none"
    assert api.get("/roles").status_code == 401


def test_admin_creates_a_user_who_can_log_in_and_work(api: ApiClient) -> None:
    created = api.post("/users", NEW_USER, as_user="admin")
    assert created.status_code == 201, created.get_json()
    assert "password" not in created.get_json()
    assert created.get_json()["roles"] == ["street_office"]
    status, body = login(api, "street_a2", "correct-horse-1")
    assert status == 200
    me = api.client.get("/api/v1/me", headers=bearer(body["token"])).get_json()
    assert (me["org"], me["roles"]) == ("street_a", ["street_office"])
    # the same username again is a conflict
    again = api.post("/users", NEW_USER, as_user="admin")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"


def test_creating_users_is_for_admins_only_and_checks_references(api: ApiClient) -> None:
    refused = api.post("/users", NEW_USER, as_user="street_a")
    assert refused.status_code == 403 and "管理员" in refused.get_json()["error"]["message"]
    bad = api.post("/users", {**NEW_USER, "org": "nowhere", "roles": ["street_office", "pope"]}, as_user="admin")
    assert bad.status_code == 422
    assert {d["path"] for d in bad.get_json()["error"]["details"]} == {"org", "roles/1"}
    short = api.post("/users", {**NEW_USER, "password": "short"}, as_user="admin")
    assert short.status_code == 422 and short.get_json()["error"]["details"][0]["path"] == "password"
    assert "street_a2" not in [u["username"] for u in api.get("/users?limit=500", as_user="admin").get_json()]


def test_patch_changes_roles_at_once_and_disabling_revokes_tokens(api: ApiClient) -> None:
    token = api.token("street_b")
    changed = api.client.patch("/api/v1/users/street_b", json={"display_name": "乙街道办 李强（兼）",
                                                               "roles": ["street_office", "auditor"]},
                               headers=api.headers("admin"))
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["roles"] == ["auditor", "street_office"]
    # the token already issued sees the new roles at once
    assert api.client.get("/api/v1/me", headers=bearer(token)).get_json()["roles"] == ["auditor", "street_office"]
    disabled = api.client.patch("/api/v1/users/street_b", json={"active": False}, headers=api.headers("admin"))
    assert disabled.status_code == 200 and disabled.get_json()["active"] is False
    assert api.client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert login(api, "street_b", "demo")[0] == 401
    enabled = api.client.patch("/api/v1/users/street_b", json={"active": True}, headers=api.headers("admin"))
    assert enabled.status_code == 200
    assert api.client.get("/api/v1/me", headers=bearer(token)).status_code == 401  # revoked for good
    assert login(api, "street_b", "demo")[0] == 200


def test_password_change_revokes_old_tokens(api: ApiClient) -> None:
    old = api.token("village_a1")
    response = api.client.patch("/api/v1/users/village_a1", json={"password": "new-password-1"},
                                headers=api.headers("admin"))
    assert response.status_code == 200
    assert api.client.get("/api/v1/me", headers=bearer(old)).status_code == 401
    assert login(api, "village_a1", "demo")[0] == 401
    assert login(api, "village_a1", "new-password-1")[0] == 200


def test_patch_refusals(api: ApiClient) -> None:
    admin = api.headers("admin")
    assert api.client.patch("/api/v1/users/nobody", json={"active": False}, headers=admin).status_code == 404
    assert api.client.patch("/api/v1/users/admin", json={"active": False}, headers=admin).status_code == 409
    assert api.client.patch("/api/v1/users/admin", json={"roles": ["auditor"]}, headers=admin).status_code == 409
    refused = api.client.patch("/api/v1/users/street_a", json={"roles": ["admin"]}, headers=api.headers("street_a"))
    assert refused.status_code == 403
    assert api.get("/me", as_user="street_a").get_json()["roles"] == ["street_office"]
    bad = api.client.patch("/api/v1/users/street_a", json={"org": "nowhere"}, headers=admin)
    assert bad.status_code == 422 and bad.get_json()["error"]["details"][0]["path"] == "org"


def test_logout_revokes_the_token(api: ApiClient) -> None:
    status, body = login(api, "auditor", "demo")
    assert status == 200
    headers = bearer(body["token"])
    assert api.client.get("/api/v1/me", headers=headers).status_code == 200
    assert api.client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert api.client.get("/api/v1/me", headers=headers).status_code == 401
    assert api.client.post("/api/v1/auth/logout", headers=headers).status_code == 401


@pytest.fixture
def clocked(settings: Settings) -> Iterator[tuple[ApiClient, FixedClock]]:
    clock = FixedClock(datetime.now(UTC))
    engine = WorkflowEngine(settings, clock=clock)
    app = create_app(settings, engine=engine)
    try:
        yield ApiClient(app, app.test_client()), clock
    finally:
        engine.db.dispose()


def test_tokens_expire(clocked: tuple[ApiClient, FixedClock], settings: Settings) -> None:
    api, clock = clocked
    status, body = login(api, "owner", "demo")
    assert status == 200
    clock.advance(timedelta(seconds=settings.token_ttl_seconds - 1))
    assert api.client.get("/api/v1/me", headers=bearer(body["token"])).status_code == 200
    clock.advance(timedelta(seconds=1))
    expired = api.client.get("/api/v1/me", headers=bearer(body["token"]))
    assert expired.status_code == 401 and "过期" in expired.get_json()["error"]["message"]


def test_swagger_ui_is_served_locally(api: ApiClient) -> None:
    page = api.client.get("/api/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html  # nothing from a CDN
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    for asset in ("/api/docs/swagger-ui-bundle.js", "/api/docs/swagger-ui.css", "/api/docs/init.js"):
        assert asset in html
        response = api.client.get(asset)
        assert response.status_code == 200 and len(response.get_data()) > 100, asset
    assert "/api/v1/openapi.json" in api.client.get("/api/docs/init.js").get_data(as_text=True)


def test_new_password_hashes_meet_owasps_argon2id_minimum_and_older_ones_still_verify() -> None:
    from argon2 import PasswordHasher
    from argon2.low_level import Type

    from engine.identity import tokens

    params = __import__("argon2").extract_parameters(tokens.hash_password("口令-1"))
    assert params.type is Type.ID
    # OWASP: m ≥ 19 MiB with t ≥ 2 (or more memory with fewer passes), p ≥ 1
    assert params.memory_cost >= 19 * 1024 and params.time_cost >= 2 and params.parallelism >= 1
    older = PasswordHasher().hash("口令-1")  # argon2-cffi's default of earlier releases of this project
    assert tokens._hasher.verify(older, "口令-1")
