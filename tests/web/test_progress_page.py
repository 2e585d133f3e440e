"""办件进度查询 in the browser: the starter prints the receipt from the case page, the applicant (not logged
in) looks the case up on /progress with it, sees steps and dates and nothing personal; a wrong code is refused."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.case_helpers import complete_ok, start_ok
from tests.web.conftest import ConsoleWatch, LiveServer, login, new_page, shot

START = {"subject_org": "community_a1", "problem_title": "王阿姨家门口井盖缺失", "category": "safety",
         "source": "resident", "resident_name": "王阿姨", "resident_phone": "13800000000",
         "location": "和平社区5号楼前", "found_on": "2026-11-30", "description": "井盖缺失，王阿姨反映夜间危险"}


def test_receipt_then_public_lookup(page: Page, live_server: LiveServer, browser: Browser,
                                    console: ConsoleWatch) -> None:
    api = live_server.api
    case = start_ok(api, "grid_a1", "whistle_report", START)
    complete_ok(api, case["id"], "accept_problem", "community_a1", {"accept_decision": "accept"}, comment="同意受理")

    # the grid worker who reported it opens the case page and its receipt
    login(page, live_server, "grid_a1", then=f"/cases/{case['id']}")
    expect(page.locator("#case-header h1")).to_contain_text(case["business_key"])
    with page.expect_navigation(url=re.compile(rf"/cases/{case['id']}/receipt$")):
        page.click("#receipt-link")
    expect(page.locator("#receipt-number")).to_have_text(case["business_key"])
    code = page.locator("#receipt-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code), code
    shot(page, "progress-1-receipt")
    lookup_url = page.locator("#receipt-lookup").get_attribute("href") or ""
    assert lookup_url.endswith(f"/progress?number={case['business_key']}")

    # the applicant, in a browser that never logged in, follows the receipt's address
    console.allow(r"status of 404 .*/api/v1/progress")  # the wrong code below
    context, public = new_page(browser, console, width=390, height=844)
    try:
        public.goto(lookup_url)
        expect(public.locator("#progress-number")).to_have_value(case["business_key"])
        expect(public.locator("#logout")).to_be_hidden()
        public.fill("#progress-code", "2222-2223" if code != "2222-2223" else "3333-3333")
        public.get_by_role("button", name="查询").click()
        expect(public.locator("#progress-message")).to_have_text("办件编号或查询码不正确，请核对回执后重试。")
        expect(public.locator("#progress-result")).to_have_count(0)

        public.fill("#progress-code", code.lower().replace("-", ""))
        public.get_by_role("button", name="查询").click()
        result = public.locator("#progress-result")
        expect(result).to_be_visible()
        expect(public.locator("#progress-procedure")).to_have_text("吹哨报到")
        expect(public.locator("#progress-status")).to_have_text("办理中")
        expect(public.locator("#progress-current li")).to_have_count(1)
        expect(public.locator("#progress-current")).to_contain_text("分析研判")
        expect(public.locator("#progress-current")).to_contain_text("应于")
        expect(public.locator("#progress-done")).to_contain_text("平台受理")
        text = result.inner_text()
        for private in ("王阿姨", "13800000000", "井盖", "同意受理", "杨帆", "陈静", "和平社区"):
            assert private not in text, private
        assert public.evaluate("() => document.documentElement.scrollWidth") <= 391
        shot(public, "progress-2-lookup")

        # once the case is done, the page says so with its outcome
        complete_ok(api, case["id"], "analyse", "community_a1",
                    {"handling_level": "on_spot", "analysis": "当场处置", "on_spot_result": "已设置警示并补装井盖"})
        complete_ok(api, case["id"], "feedback_resident", "grid_a1",
                    {"feedback_method": "visit", "feedback_on": "2026-12-01", "feedback_content": "已补装",
                     "resident_satisfaction": "satisfied"})
        public.get_by_role("button", name="查询").click()
        expect(public.locator("#progress-status")).to_have_text("已办结：已办结")
        expect(public.locator("#progress-current")).to_have_count(0)
        expect(public.locator("#progress-done li")).to_have_count(3)
    finally:
        context.close()

    # someone else's receipt is not shown
    login(page, live_server, "community_a1", then=f"/cases/{case['id']}")
    expect(page.locator("#case-header h1")).to_contain_text(case["business_key"])
    expect(page.locator("#receipt-link")).to_have_count(0)
    console.allow(r"status of 403 .*/receipt")
    page.goto(f"{live_server.url}/cases/{case['id']}/receipt")
    expect(page.locator("#app")).to_contain_text("回执只提供给办件的发起人")
