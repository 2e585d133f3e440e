"""A completed or terminated case takes no new attachments (409); an admin may add one with a reason."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from engine.store.models import Attachment, JournalEntry
from tests.consistency import check_all_cases
from tests.hostile_support import complete_step, deploy, drive_to_signing, start_loop_case
from tests.support import ApiClient

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def upload(api: ApiClient, case_id: int, user: str, reason: str | None = None) -> Any:
    import io
    data: dict[str, Any] = {"file": (io.BytesIO(PDF), "补充材料.pdf")}
    if reason is not None:
        data["reason"] = reason
    return api.client.post(f"/api/v1/process-instances/{case_id}/attachments", data=data,
                           headers=api.headers(user), content_type="multipart/form-data")


def completed_case(api: ApiClient) -> int:
    case_id, sign_a, sign_b = drive_to_signing(api)
    assert api.complete(sign_a, "street_a", {"agree": True}).status_code == 200
    final = api.complete(sign_b, "civil_affairs", {"agree": True})
    assert final.get_json()["status"] == "completed", final.get_json()
    return case_id


def terminated_case(api: ApiClient) -> int:
    case_id = start_loop_case(api)
    response = api.post(f"/process-instances/{case_id}/terminate", {"reason": "申请撤回"}, as_user="admin")
    assert response.get_json()["status"] == "terminated"
    return case_id


def attachments_of(api: ApiClient, case_id: int) -> int:
    with api.engine.db.reader() as session:
        return len(list(session.scalars(select(Attachment.id).where(Attachment.instance_id == case_id))))


@pytest.mark.parametrize("closing", [completed_case, terminated_case], ids=["completed", "terminated"])
def test_a_closed_case_refuses_attachments_but_an_admin_with_a_reason(backend_api: ApiClient, closing: Any) -> None:
    api = backend_api
    deploy(api.engine)
    case_id = closing(api)
    for user in ("street_a", "civil_affairs"):
        refused = upload(api, case_id, user, reason="想补一份")
        assert refused.status_code == 409, refused.get_json()
        assert "不能再添加附件" in refused.get_json()["error"]["message"]
    without_reason = upload(api, case_id, "admin")
    assert without_reason.status_code == 409
    assert "须填写原因" in without_reason.get_json()["error"]["message"]
    assert attachments_of(api, case_id) == 0

    added = upload(api, case_id, "admin", reason="归档时补充会议纪要")
    assert added.status_code == 201, added.get_json()
    assert attachments_of(api, case_id) == 1
    with api.engine.db.reader() as session:
        last = session.scalars(select(JournalEntry).where(JournalEntry.instance_id == case_id)
                               .order_by(JournalEntry.seq.desc())).first()
        assert last is not None and (last.command, last.comment) == ("attach", "归档时补充会议纪要")
        check_all_cases(session, api.engine.registry)
    verdict = api.post(f"/process-instances/{case_id}/verify", as_user="auditor").get_json()
    assert verdict["ok"], verdict


def test_open_cases_take_attachments_as_before(api: ApiClient) -> None:
    deploy(api.engine)
    case_id = start_loop_case(api)
    assert upload(api, case_id, "street_a").status_code == 201
    assert complete_step(api, case_id, "submit", "street_a", {"title": "材料", "amount": 1}).status_code == 200
    suspended = api.post(f"/process-instances/{case_id}/suspend", {"reason": "核查"}, as_user="admin")
    assert suspended.get_json()["status"] == "suspended"
    assert upload(api, case_id, "civil_affairs").status_code == 201  # suspended is not closed
    assert attachments_of(api, case_id) == 2
