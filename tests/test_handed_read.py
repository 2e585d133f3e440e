"""A read request's token lookup and its view in one read transaction (engine/store/handed_read.py),
and what must not change with it: refused tokens, no session left open, writes seen by later reads."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import event, select, update

from engine.store.models import AuthToken, User
from tests.support import ApiClient


def _checkouts(api: ApiClient) -> tuple[list[str], Any]:
    """Names of the engines a connection is checked out of, as they happen."""
    db = api.engine.db
    seen: list[str] = []
    listeners = []
    for name, eng in (("read", db.read_engine), ("single", db.single_read_engine), ("write", db.write_engine)):
        def on_checkout(*_args: Any, name: str = name) -> None:
            seen.append(name)
        event.listen(eng.pool, "checkout", on_checkout)
        listeners.append((eng.pool, on_checkout))

    def remove() -> None:
        for pool, listener in listeners:
            event.remove(pool, "checkout", listener)
    return seen, remove


def _checked_out(api: ApiClient) -> int:
    db = api.engine.db
    return sum(eng.pool.checkedout() for eng in {db.read_engine, db.single_read_engine, db.write_engine})


def test_a_read_request_authenticates_in_its_views_transaction(api: ApiClient) -> None:
    api.token("civil_affairs")
    assert api.get("/tasks", as_user="civil_affairs").status_code == 200  # warm: definitions, caches
    seen, remove = _checkouts(api)
    try:
        for path in ("/tasks?limit=20", "/tasks/done", "/process-instances"):
            seen.clear()
            response = api.get(path, as_user="civil_affairs")
            assert response.status_code == 200, response.get_json()
            assert seen == ["read"], (path, seen)  # before: a single-statement read, then the view's
    finally:
        remove()
    assert _checked_out(api) == 0


def test_refused_arguments_and_views_leave_no_session_open(api: ApiClient) -> None:
    assert api.get("/tasks", as_user="civil_affairs", query_string={"limit": 0}).status_code == 422
    assert _checked_out(api) == 0
    assert api.get("/tasks/999999", as_user="civil_affairs").status_code == 404
    assert _checked_out(api) == 0


def test_bad_revoked_and_expired_tokens_are_still_refused_on_reads(api: ApiClient) -> None:
    token = api.token("civil_affairs")
    assert api.client.get("/api/v1/tasks", headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert api.client.get("/api/v1/tasks").status_code == 401
    assert _checked_out(api) == 0
    from engine.identity.tokens import _token_digest

    with api.engine.db.writer() as session, session.begin():
        session.execute(update(AuthToken).where(AuthToken.token_hash == _token_digest(token))
                        .values(expires_at=api.engine.clock.now() - timedelta(seconds=1)))
    response = api.client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and "过期" in response.get_json()["error"]["message"]
    with api.engine.db.writer() as session, session.begin():
        session.execute(update(AuthToken).where(AuthToken.token_hash == _token_digest(token))
                        .values(expires_at=api.engine.clock.now() + timedelta(hours=1),
                                revoked_at=api.engine.clock.now()))
    assert api.client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert _checked_out(api) == 0


def test_a_write_after_a_handed_read_is_seen_by_the_next_read(api: ApiClient) -> None:
    uow = api.engine.views.uow
    token = api.token("civil_affairs")
    actor = uow.read_and_hand_over(lambda s: api.engine.views._identity.authenticate(s, token))
    assert actor.username == "civil_affairs"
    uow.write(lambda s: s.execute(update(User).where(User.username == "civil_affairs")
                                  .values(display_name="改后的名字")))
    # the handed session (its snapshot predates the write) was released by the write
    assert uow.read(lambda s: s.scalar(select(User.display_name).where(User.username == "civil_affairs"))) \
        == "改后的名字"
    assert _checked_out(api) == 0


def test_a_handed_session_serves_one_read_only(api: ApiClient) -> None:
    uow = api.engine.views.uow
    sessions: list[Any] = []
    uow.read_and_hand_over(lambda s: sessions.append(s))
    uow.read(lambda s: sessions.append(s))
    uow.read(lambda s: sessions.append(s))
    assert sessions[0] is sessions[1] and sessions[2] is not sessions[0]
    assert _checked_out(api) == 0
