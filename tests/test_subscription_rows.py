"""The case's event_subscriptions rows after each command are exactly what its stored workflow waits for:
a start and a completion whose stored workflow waited for nothing skip the DELETE, and a completion that
ends the case's waits (a boundary message on the completed step) still removes its rows."""

from __future__ import annotations

from sqlalchemy import select

from engine.store.models import EventSubscription
from tests.case_helpers import complete_ok, start_ok
from tests.support import ApiClient
from tests.test_messages import WAITER, deploy, send


def _waits(api: ApiClient, case_id: int) -> list[str]:
    with api.engine.db.reader() as session:
        return sorted(session.scalars(select(EventSubscription.element_id)
                                      .where(EventSubscription.instance_id == case_id)))


def test_subscription_rows_follow_the_stored_workflow(api: ApiClient) -> None:
    deploy(api, WAITER)
    c = start_ok(api, "street_a", "wait_reply", {})
    assert _waits(api, c["id"]) == []
    complete_ok(api, c["id"], "ask", "street_a", {"n": 1})  # waited for nothing before: rows only added
    assert _waits(api, c["id"]) == ["reply"]
    assert send(api, "civil_affairs", "审核回复", {"business_key": c["business_key"]}).status_code == 200
    assert _waits(api, c["id"]) == ["urge", "withdraw"]  # the review's two boundary messages
    complete_ok(api, c["id"], "review", "civil_affairs", {"n": 2})  # the boundary waits end with the step
    assert _waits(api, c["id"]) == []
