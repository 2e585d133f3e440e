"""An item's standing with the leadership group stays exact when another process changes a meeting.

Each process keeps the open meetings' agendas with their case rows' versions
(engine/access_list/agenda_cache.py); a meeting row written by another app on the same database (own
engine, pools and caches) must show in this app's next case view.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from engine.settings import Settings
from engine.store.case_store import update_instance
from engine.store.models import ProcessInstance
from tests.support import ApiClient, make_client
from tests.test_access_list_feature import ACCEPT

APPLY = {"item_type": "work_item", "item_content": "社区网格员每周巡查沿街商铺安全隐患并通过平台上报",
         "target_group": "辖区沿街商铺", "authority_scope": "仅限巡查发现和上报，不承担执法", "time_limit_months": 24,
         "time_limit_desc": "2027年至2028年", "funding_amount": 48000, "funding_source": "district_special",
         "ledger_form": "none"}


@pytest.fixture
def other_process(backend_settings: Settings, backend_api: ApiClient) -> Iterator[ApiClient]:
    yield from make_client(backend_settings)


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def _standing(api: ApiClient, instance_id: int) -> dict[str, Any]:
    return _ok(api.get(f"/process-instances/{instance_id}", as_user="department"))["meeting_standing"]


def test_a_meeting_changed_by_another_process_shows_in_the_next_case_view(backend_api: ApiClient,
                                                                          other_process: ApiClient) -> None:
    item = _ok(backend_api.start("department", "community_access",
                                 {"item_title": "社区安全生产网格巡查", "applicant_department": "区应急管理局"}), 201)
    for element, user, data in (("apply", "department", APPLY), ("gatekeep_review", "civil_affairs", ACCEPT)):
        task = backend_api.open_task(item["id"], element, user)
        _ok(backend_api.complete(task["id"], user, data))
    assert _standing(backend_api, item["id"])["state"] == "waiting"

    meeting = _ok(other_process.start("leadership", "access_interim_meeting", {"call_reason": "汛期前须作出决定"}),
                  201)
    assert _standing(backend_api, item["id"]) == {
        "state": "on_agenda", "meeting_instance_id": meeting["id"], "meeting_business_key": meeting["business_key"]}

    # the other process takes the item off the meeting's agenda, the meeting still open: a row this
    # process read before, same id, a new version
    with other_process.engine.db.writer() as session, session.begin():
        row = session.scalars(select(ProcessInstance).where(ProcessInstance.id == meeting["id"])).one()
        assert item["business_key"] in row.data["agenda_case_nos"]
        update_instance(session, row, data=row.data | {"agenda_case_nos": []})
    assert _standing(backend_api, item["id"])["state"] == "waiting"

    with other_process.engine.db.writer() as session, session.begin():
        row = session.scalars(select(ProcessInstance).where(ProcessInstance.id == meeting["id"])).one()
        update_instance(session, row, data=row.data | {"agenda_case_nos": [item["business_key"]]})
    assert _standing(backend_api, item["id"])["meeting_instance_id"] == meeting["id"]
