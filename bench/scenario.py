"""The procedure every benchmark row drives: 社区事务准入 (processes/community_access.bpmn).

One case of the happy path is five task completions (apply, gatekeep_review,
group_approval, then publish_list and setup_ledger in parallel) ending at
"已准入"; the loop used for "return for correction" is apply → gatekeep_review
with ``gatekeep_decision = "return"``. The bodies are those of
features/community_access.feature, so they pass the forms' JSON Schemas.
"""

from __future__ import annotations

from typing import Any

KEY = "community_access"
END_ADMITTED = "已准入"
STARTER = "department"

START_DATA: dict[str, Any] = {"item_title": "高龄老人津贴资格年度认证", "applicant_department": "区卫生健康局"}

APPLY: dict[str, Any] = {
    "item_type": "certificate", "item_content": "协助核实辖区高龄老人生存状况并出具年度认证意见",
    "target_group": "辖区80周岁以上户籍老年人", "authority_scope": "受区卫生健康局委托开展入户核实，出具认证意见",
    "time_limit_months": 12, "time_limit_desc": "2027年1月1日至2027年12月31日", "funding_amount": 60000,
    "funding_source": "district_special", "funding_note": "按每户每年100元拨付社区", "ledger_form": "electronic",
}
ACCEPT: dict[str, Any] = {"gatekeep_decision": "accept", "elements_complete": True, "funding_verified": True,
                          "gatekeep_opinion": "符合准入条件，提请领导小组审批"}
RETURN: dict[str, Any] = {"gatekeep_decision": "return", "elements_complete": False, "funding_verified": False,
                          "gatekeep_opinion": "权限及经费测算依据不清",
                          "supplement_requirements": "补充执法权限边界说明和经费测算依据"}
APPROVE: dict[str, Any] = {"meeting_quarter": "2026Q4", "approval_decision": "approve",
                           "approval_opinion": "同意纳入社区事务准入清单", "resolution_no": "沣西社建纪〔2026〕4号"}
PUBLISH: dict[str, Any] = {"list_entry_no": "FX-ZR-2026-017", "publish_date": "2026-11-20", "publish_channel": "both",
                           "electronic_ledger_flag": True}
LEDGER: dict[str, Any] = {"funding_transfer_doc": "沣西财〔2026〕88号", "ledger_setup": "electronic_configured",
                          "communities_notified": True}

# element id -> (user who completes it, form data)
HAPPY_PATH: dict[str, tuple[str, dict[str, Any]]] = {
    "apply": ("department", APPLY),
    "gatekeep_review": ("civil_affairs", ACCEPT),
    "group_approval": ("leadership", APPROVE),
    "publish_list": ("civil_affairs", PUBLISH),
    "setup_ledger": ("department", LEDGER),
}
COMPLETIONS_PER_CASE = len(HAPPY_PATH)
USERS = sorted({STARTER, *(user for user, _ in HAPPY_PATH.values())})


def next_step(element_id: str, returns_left: int) -> tuple[str, dict[str, Any]]:
    """Who completes ``element_id`` with what; gatekeep_review returns while ``returns_left`` > 0."""
    if element_id == "gatekeep_review" and returns_left > 0:
        return "civil_affairs", RETURN
    return HAPPY_PATH[element_id]
