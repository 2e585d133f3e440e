"""A community refuses a work item that is not on the access list, through the pages: the clerk starts the
refusal from 我的待办, the form says the list has no such item, the 拒绝说明函 is uploaded from the form;
the civil-affairs bureau registers it. Then an item on the list is acknowledged instead."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.case_helpers import complete_ok, start_ok
from tests.web.conftest import LiveServer, shot
from tests.web.walks import Step, Walk

UNLISTED = {"subject_org": "community_a1", "work_item_title": "文明养犬达标评比台账",
            "requesting_department": "区城市管理局", "requested_on": "2026-11-30",
            "request_description": "要求社区每月报送文明养犬宣传台账并参加季度达标评比"}




def test_a_community_refuses_an_unlisted_item_through_the_pages(desk: Callable[[], Page],
                                                               live_server: LiveServer) -> None:
    walk = Walk(desk, live_server, "community_refusal")
    walk.run([Step("start", user="community_a1", element="community_refusal", data=UNLISTED)])
    page = walk.page
    expect(page.locator("#active-tasks li[data-element='issue_refusal']")).to_be_visible()
    walk.open_task("issue_refusal")
    # the look-up the system made on the day of the request, shown to the clerk who writes the refusal
    expect(page.locator("#task-form")).to_contain_text("本区社区事务准入清单中没有该事项")
    walk.run([
        Step("refused", user="community_a1", element="issue_refusal",
             data={"refused_scope": ["ledger"], "refusal_reason": "未列入清单"}, names=["refusal_letter"]),
    ])
    walk.run([
        Step("complete", user="community_a1", element="issue_refusal", data={
            "refused_scope": ["ledger", "evaluation"],
            "refusal_reason": "该事项未列入社区事务准入清单，依据002 §四(一)拒绝提供台账和参与评比",
            "refusal_letter": "file:拒绝说明函.pdf"}),
        Step("open", names=["record_refusal"]),
        Step("complete", user="civil_affairs", element="record_refusal", data={
            "department_notified": True, "record_opinion": "已登记社区拒绝，告知区城市管理局如需社区承担须先申请准入"}),
        Step("ended", names=["已拒绝（未列入准入清单）"]),
    ])
    shot(walk.page, "community-refusal-recorded")
    case = live_server.api.get(f"/process-instances/{walk.instance_id}", as_user="admin").get_json()
    assert case["status"] == "completed" and case["data"]["item_listed"] is False
    assert case["data"]["refused_scope"] == ["ledger", "evaluation"]


def test_an_item_on_the_list_is_acknowledged_through_the_pages(desk: Callable[[], Page],
                                                              live_server: LiveServer) -> None:
    api = live_server.api
    item = start_ok(api, "department", "community_access",
                    {"item_title": "高龄老人津贴资格年度认证", "applicant_department": "区卫生健康局"})
    complete_ok(api, item["id"], "apply", "department", {
        "item_type": "certificate", "item_content": "协助核实辖区高龄老人生存状况", "target_group": "辖区高龄老人",
        "authority_scope": "入户核实", "time_limit_months": 12, "time_limit_desc": "一年", "funding_amount": 60000,
        "funding_source": "district_special", "ledger_form": "electronic"})
    complete_ok(api, item["id"], "gatekeep_review", "civil_affairs", {
        "gatekeep_decision": "accept", "elements_complete": True, "funding_verified": True,
        "gatekeep_opinion": "五要素齐全"})
    complete_ok(api, item["id"], "group_approval", "leadership", {
        "meeting_quarter": "2026Q4", "approval_decision": "approve", "approval_opinion": "同意",
        "resolution_no": "沣西社建纪〔2026〕4号"})
    walk = Walk(desk, live_server, "community_refusal")
    walk.run([
        Step("start", user="community_a1", element="community_refusal", data={
            **UNLISTED, "work_item_title": "高龄老人津贴资格年度认证", "requesting_department": "区卫生健康局",
            "request_description": "要求社区入户核实高龄老人生存状况", "cited_entry_no": f"QD-{item['business_key']}"}),
        Step("open", names=["acknowledge_listed"]),
        Step("complete", user="community_a1", element="acknowledge_listed", data={
            "will_undertake": True, "acknowledge_note": "清单内事项，按清单载明的经费和时限承担"}),
        Step("ended", names=["清单内事项，社区承担"]),
    ])
