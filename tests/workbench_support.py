"""A 社区事务准入 case driven to its end through the API, returned once, with an opinion on every step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from engine.store.models import User
from tests.audit_support import ACCEPT, APPLY, RETURN
from tests.support import ApiClient

START = {"item_title": "社区安全生产网格巡查", "applicant_department": "区应急管理局"}
APPROVE = {"meeting_quarter": "2026Q4", "approval_decision": "approve", "approval_opinion": "同意纳入社区事务准入清单",
           "resolution_no": "沣西社建纪〔2026〕4号"}
PUBLISH = {"list_entry_no": "FX-ZR-2026-017", "publish_date": "2026-11-20", "publish_channel": "both",
           "electronic_ledger_flag": True}
LEDGER = {"funding_transfer_doc": "沣西财〔2026〕88号", "ledger_setup": "electronic_configured",
          "communities_notified": True}

# (element, user, data, opinion) in the order the case goes: apply, returned by the gatekeeper, apply again, …
WALK: list[tuple[str, str, dict[str, Any], str]] = [
    ("apply", "department", APPLY, "首次报送准入事项"),
    ("gatekeep_review", "civil_affairs", RETURN, "权限边界不清，退回补正"),
    ("apply", "department", APPLY, "已补充权限说明和经费测算"),
    ("gatekeep_review", "civil_affairs", ACCEPT, "补正后材料齐全，提请审批"),
    ("group_approval", "leadership", APPROVE, "领导小组同意准入"),
    ("publish_list", "civil_affairs", PUBLISH, "已纳入清单并公布"),
    ("setup_ledger", "department", LEDGER, "经费已拨付，电子台账已配置"),
]


@dataclass
class Walked:
    id: int
    business_key: str
    task_ids: list[int] = field(default_factory=list)


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def walk_case(api: ApiClient, steps: int = len(WALK)) -> Walked:
    """Start the case and take the first ``steps`` steps of WALK."""
    case = ok(api.start("department", "community_access", START), 201)
    walked = Walked(case["id"], case["business_key"])
    for element, user, data, opinion in WALK[:steps]:
        task = api.open_task(case["id"], element, user)
        ok(api.complete(task["id"], user, data, opinion))
        walked.task_ids.append(task["id"])
    return walked


def display_name(api: ApiClient, username: str) -> str:
    with api.engine.db.reader() as session:
        name = session.scalar(select(User.display_name).where(User.username == username))
    assert name is not None
    return name
