"""What one process caches stays correct when another process changes the database.

Users, roles and tokens are read on every request (no cache): a change made
through another process's app applies to this one's next request. The
organisation directory is cached per process: a write this process cannot see
(another process, raw SQL) is picked up once ``DIRECTORY_CACHE_SECONDS`` pass.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, insert

from engine.identity.orgs import DirectoryCache
from engine.settings import Settings
from engine.store.models import Organisation
from tests.support import ApiClient, make_client


@pytest.fixture
def other_process(backend_settings: Settings, backend_api: ApiClient) -> Iterator[ApiClient]:
    """A second app (own engine, pools and caches) on the same database, as another worker would be."""
    yield from make_client(backend_settings)


def test_a_user_disabled_by_another_process_is_refused_at_once(backend_api: ApiClient,
                                                               other_process: ApiClient) -> None:
    assert backend_api.get("/me", as_user="street_b").status_code == 200
    response = other_process.client.patch("/api/v1/users/street_b", json={"active": False},
                                          headers=other_process.headers("admin"))
    assert response.status_code == 200, response.get_json()
    assert backend_api.get("/me", as_user="street_b").status_code == 401


def test_roles_changed_by_another_process_apply_to_the_next_request(backend_api: ApiClient,
                                                                    other_process: ApiClient) -> None:
    assert backend_api.get("/me", as_user="street_b").get_json()["roles"] == ["street_office"]
    response = other_process.client.patch("/api/v1/users/street_b", json={"roles": ["auditor"]},
                                          headers=other_process.headers("admin"))
    assert response.status_code == 200, response.get_json()
    assert backend_api.get("/me", as_user="street_b").get_json()["roles"] == ["auditor"]


def test_the_organisation_directory_expires(backend_settings: Settings, backend_api: ApiClient) -> None:
    now = [1000.0]
    cache = DirectoryCache(max_age=30, monotonic=lambda: now[0])
    db = backend_api.engine.db
    with db.reader() as session:
        first = cache.get(session)
    assert "street_new" not in first.orgs
    outside = create_engine(backend_settings.database_url)  # no ORM session: this process hears nothing
    try:
        with outside.begin() as conn:
            conn.execute(insert(Organisation.__table__).values(id="street_new", name="新设街道", level="street",
                                                              parent_id="fengxi"))
    finally:
        outside.dispose()
    now[0] += 29
    with db.reader() as session:
        assert cache.get(session) is first  # still the cached copy
    now[0] += 2
    with db.reader() as session:
        fresh = cache.get(session)
    assert fresh.orgs["street_new"].name == "新设街道"
