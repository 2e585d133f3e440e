"""The public 社区事务准入清单 page: read without logging in, filtered, an expired item marked as such."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.case_helpers import complete_ok, start_ok
from tests.support import ApiClient
from tests.web.conftest import LiveServer, shot

ACCEPT = {"gatekeep_decision": "accept", "elements_complete": True, "funding_verified": True,
          "gatekeep_opinion": "五要素齐全"}
APPROVE = {"meeting_quarter": "2026Q4", "approval_decision": "approve", "approval_opinion": "同意",
           "resolution_no": "沣西社建纪〔2026〕4号"}


def _approve(api: ApiClient, title: str, extra: dict[str, Any]) -> str:
    start = {"item_title": title, "applicant_department": "区卫生健康局"}
    case = start_ok(api, "department", "community_access", start)
    apply = {"item_type": "work_item", "item_content": f"{title}：社区协助开展入户核实", "target_group": "辖区居民",
             "authority_scope": "入户核实", "time_limit_months": 12, "time_limit_desc": "一年",
             "funding_amount": 6000, "funding_source": "district_special", "ledger_form": "electronic", **extra}
    complete_ok(api, case["id"], "apply", "department", apply)
    complete_ok(api, case["id"], "gatekeep_review", "civil_affairs", ACCEPT)
    complete_ok(api, case["id"], "group_approval", "leadership", APPROVE)
    return f"QD-{case['business_key']}"


def test_anyone_reads_the_list_and_filters_it(api: ApiClient, live_server: LiveServer, page: Page) -> None:
    current = _approve(api, "高龄老人津贴资格年度认证", {})
    expired = _approve(api, "社区消防宣传", {"start_date": "2020-01-01"})
    page.goto(f"{live_server.url}/access-list")  # no login
    expect(page.locator("#app[data-ready]")).to_be_attached()
    expect(page).to_have_url(f"{live_server.url}/access-list")
    expect(page.locator("h1")).to_have_text("社区事务准入清单")
    expect(page.locator("#summary")).to_have_text("共 2 项")
    active_card = page.locator(f"article.entry[data-entry='{current}']")
    expect(active_card.locator(".badge")).to_have_text("有效")
    expect(active_card).to_contain_text("沣西社建纪〔2026〕4号")
    expect(active_card).to_contain_text("6000 元（区级财政专项资金）")
    expired_card = page.locator(f"article.entry[data-entry='{expired}']")
    expect(expired_card.locator(".badge")).to_have_text("已过期")
    expect(expired_card).to_contain_text("2020-01-01 至 2020-12-31")
    shot(page, "access-list")

    page.select_option("#filter-status", "active")
    page.select_option("#filter-org", "community_a1")
    page.click("#filters button[type=submit]")
    expect(page.locator("#summary")).to_have_text("共 1 项")
    expect(page.locator("article.entry")).to_have_count(1)
    expect(page.locator(f"article.entry[data-entry='{current}']")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/access-list?org=community_a1&status=active")

    page.select_option("#filter-status", "")
    page.fill("#filter-q", "消防")
    page.click("#filters button[type=submit]")
    expect(page.locator("article.entry")).to_have_count(1)
    expect(page.locator(f"article.entry[data-entry='{expired}']")).to_be_visible()

    page.fill("#filter-q", "没有这个事项")
    page.click("#filters button[type=submit]")
    expect(page.locator("#summary")).to_have_text("没有符合条件的清单事项。")
