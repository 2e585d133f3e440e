"""An auditor finds a case, steps through its replay, and verifies it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.web.conftest import HeldLoads, LiveServer, login, shot
from tests.web.test_clerk_pages import APPLY, two_access_cases

GATEKEEP = {"gatekeep_decision": "accept", "elements_complete": True, "funding_verified": True,
            "gatekeep_opinion": "符合准入条件，提请领导小组审批"}


def _seq(entries: list[dict], command: str, element_id: str) -> int:
    return next(e["seq"] for e in entries if e["command"] == command and e["element_id"] == element_id)


def test_auditor_steps_through_a_replay_and_verifies(page: Page, live_server: LiveServer) -> None:
    api = live_server.api
    start = {"item_title": "学生近视筛查台账", "applicant_department": "沣西新城教育局"}
    case = api.start("department", "community_access", start).get_json()
    case_id = case["id"]
    assert api.complete(api.open_task(case_id, "apply", "department")["id"], "department", APPLY).status_code == 200
    gatekeep = api.open_task(case_id, "gatekeep_review", "civil_affairs")
    reviewed = api.complete(gatekeep["id"], "civil_affairs", GATEKEEP, comment="五要素齐全，同意提请审批")
    assert reviewed.status_code == 200
    entries = api.get(f"/process-instances/{case_id}/history", as_user="auditor").get_json()

    login(page, live_server, "auditor")
    page.goto(f"{live_server.url}/audit")
    page.fill("#business-key", case["business_key"])
    page.get_by_role("button", name="查询").click()
    page.locator(f"#cases tr[data-id='{case_id}']").get_by_role("link", name="回放").click()
    expect(page.locator("#diagram[data-ready]")).to_be_attached()
    expect(page.locator("#entry")).to_have_attribute("data-seq", str(entries[-1]["seq"]))
    expect(page.locator(".djs-element[data-element-id=group_approval].state-active")).to_be_attached()
    expect(page.locator(".djs-element[data-element-id=Lane_department] .djs-label")).to_have_text("区直职能部门")
    expect(page.locator("#nav a[data-nav=inbox]")).to_be_hidden()  # an auditor works no lane

    # back to the step where the apply task became ready: nothing after it is done
    ready = next(e["seq"] for e in entries if e["command"] == "engine_step" and e["element_id"] == "set_rules")
    page.locator("#step").evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", ready)
    expect(page.locator("#entry")).to_have_attribute("data-seq", str(ready))
    expect(page.locator(".djs-element[data-element-id=apply].state-active")).to_be_attached()
    expect(page.locator(".djs-element[data-element-id=gatekeep_review].state-completed")).to_have_count(0)
    expect(page.locator("#entry-actor")).to_contain_text("系统")

    # the civil-affairs review: who, the opinion, the data it changed; the task is now done
    review = _seq(entries, "complete", "gatekeep_review")
    page.locator("#step").evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", review)
    expect(page.locator("#entry")).to_have_attribute("data-seq", str(review))
    expect(page.locator("#entry-actor")).to_contain_text("周华")  # by name, never the login id
    expect(page.locator("#entry-actor")).not_to_contain_text("civil_affairs")
    expect(page.locator("#entry")).to_contain_text("五要素齐全，同意提请审批")
    expect(page.locator("#changes")).to_contain_text("符合准入条件，提请领导小组审批")
    expect(page.locator(".djs-element[data-element-id=gatekeep_review].state-completed")).to_be_attached()
    page.click("#next")
    expect(page.locator("#entry")).to_have_attribute("data-seq", str(review + 1))
    shot(page, "auditor-1-replay")

    page.click("#verify")
    expect(page.locator("#verify-result")).to_contain_text("校验通过")
    expect(page.locator("#verify-result")).to_contain_text(f"{len(entries)} 条记录")
    shot(page, "auditor-2-verified")


def test_a_slow_first_load_neither_adds_to_nor_replaces_the_search_asked_after_it(
        page: Page, live_server: LiveServer) -> None:
    cases = two_access_cases(live_server.api)
    login(page, live_server, "auditor")
    held = HeldLoads(page, re.compile(r"/api/v1/process-instances\?"))
    page.goto(f"{live_server.url}/audit")
    page.fill("#business-key", cases[0]["business_key"])
    page.get_by_role("button", name="查询").click()
    first, search = held.load_and_search(lambda url: "business_key=" in url)
    assert "business_key=" not in first.request.url

    # the unfiltered first load answers first, then the search: only the search's one case shows
    with page.expect_response(lambda r: r.request == first.request):
        first.continue_()
    search.continue_()
    expect(page.locator("#results")).to_contain_text("共 1 件")
    expect(page.locator("#results")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("#cases")).to_have_count(1)
    expect(page.locator("#cases tbody tr")).to_have_count(1)
    expect(page.locator(f"#cases tr[data-id='{cases[0]['id']}']")).to_be_attached()
