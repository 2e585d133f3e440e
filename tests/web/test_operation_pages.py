"""Approval operations from the task page: 退回 with a target, 转办 to a colleague, 加签 and the signer's signature."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.paper_files import upload_papers
from tests.support import ApiClient
from tests.web.conftest import LiveServer, login, shot

ELIGIBILITY = {"collective_org_established": True, "assets_inventoried": True, "shares_quantified": True,
               "whole_village_demolished": False}
PLAN = {"plan_title": "甲街道东村撤村建居方案", "conversion_mode": "one_village_one_community",
        "new_committee_name": "沣西新城甲街道东村社区居民委员会", "village_households": 300, "village_population": 1260,
        "plan_summary": "东村整建制改设东村社区居民委员会。", "plan_document": "file:东村撤村建居方案.pdf"}
MEETING = {"meeting_form": "household_representatives", "meeting_date": "2024-03-05", "adult_villagers_total": 1000,
           "households_total": 300, "attendees": 500, "households_represented": 200, "votes_for": 251,
           "votes_against": 249, "minutes_file": "file:东村户代表会议纪要.pdf",
           "sign_in_file": "file:东村签到表.pdf", "ballots_file": "file:东村表决票.pdf"}


def complete(api: ApiClient, case_id: int, element: str, user: str, data: dict[str, Any]) -> None:
    response = api.complete(api.open_task(case_id, element, user)["id"], user,
                            upload_papers(api, case_id, user, data))
    assert response.status_code == 200, response.get_json()


def case_at(api: ApiClient, element: str) -> int:
    """A 撤村建居 case of 甲街道 driven through the API up to ``element``."""
    case_id = api.start("street_a", "village_to_community", {"subject_org": "village_a1", "village_name": "甲街道东村"}
                        ).get_json()["id"]
    steps = [("check_eligibility", "street_a", ELIGIBILITY), ("draft_plan", "street_a", PLAN),
             ("hold_meeting", "village_a1", MEETING)]
    for step, user, data in steps:
        if step == element:
            break
        complete(api, case_id, step, user, data)
    return case_id


def view(api: ApiClient, case_id: int) -> dict[str, Any]:
    return api.get(f"/process-instances/{case_id}", as_user="admin").get_json()


def test_return_to_a_chosen_step(page: Page, live_server: LiveServer) -> None:
    api = live_server.api
    case_id = case_at(api, "civil_review")
    review = api.open_task(case_id, "civil_review", "civil_affairs")
    login(page, live_server, "civil_affairs", then=f"/tasks/{review['id']}")
    expect(page.locator("h1")).to_have_text("办理：人社民政局程序复审")
    page.click("#task-operations button[data-op=return]")
    # the model lets 复审 go back to the meeting or the plan only (returnTargets), nearest first: the meeting,
    # held per village (a multi-instance step), would be held again by every village; 改制条件审查 is not allowed
    expect(page.locator("#return-target option")).to_have_text(["各村户代表会议讨论表决", "研判并拟定撤村建居方案"])
    page.select_option("#return-target", "draft_plan")
    page.fill("#op-comment", "方案户数与台账不符，请核实后重报")
    shot(page, "operations-1-return-form")
    page.get_by_role("button", name="确认退回").click()
    expect(page.locator("#operation-result")).to_contain_text("已退回")
    expect(page.locator("#operation-result")).to_contain_text("研判并拟定撤村建居方案")
    expect(page.locator("#task-form")).to_be_hidden()
    case = view(api, case_id)
    assert [(t["element_id"], t["assignee"]) for t in case["active_tasks"]] == [("draft_plan", "street_a")]

    # the former handler finds the step in the inbox; it says 被退回, by whom, with the opinion
    login(page, live_server, "street_a")
    row = page.locator("#tasks tbody tr", has_text=case["business_key"])
    row.get_by_role("link", name="办理").click()
    expect(page.locator("#task-note")).to_contain_text("被退回")
    expect(page.locator("#task-note")).to_contain_text("沣西新城人社民政局 周华")
    expect(page.locator("#task-note")).to_contain_text("意见：方案户数与台账不符，请核实后重报")
    shot(page, "operations-2-returned")
    # the case page's timeline names the return and its target
    page.goto(f"{live_server.url}/cases/{case_id}")
    expect(page.locator("#timeline")).to_contain_text("退回到「研判并拟定撤村建居方案」")


def test_transfer_to_a_colleague_who_is_notified(page: Page, live_server: LiveServer) -> None:
    api = live_server.api
    case_id = case_at(api, "draft_plan")
    plan = api.open_task(case_id, "draft_plan", "street_a")
    login(page, live_server, "street_a", then=f"/tasks/{plan['id']}")
    page.click("#task-operations button[data-op=transfer]")
    # colleagues of the same role and unit, by name and unit
    expect(page.locator("#op-user option")).to_have_text(["请选择…", "甲街道办 王芳（沣西新城甲街道）"])
    page.select_option("#op-user", "street_a_wang")
    page.fill("#op-comment", "王芳熟悉东村情况，请她拟定方案")
    page.get_by_role("button", name="确认转办").click()
    expect(page.locator("#operation-result")).to_contain_text("已转办")
    case = view(api, case_id)
    assert [(t["element_id"], t["assignee"]) for t in case["active_tasks"]] == [("draft_plan", "street_a_wang")]

    # the colleague's bell counts the notification; opening it leads to the task, now theirs
    login(page, live_server, "street_a_wang")
    expect(page.locator("#bell .count")).to_have_text("1")
    page.click("#bell-button")
    expect(page.locator("#bell-list")).to_contain_text("转办给我")
    shot(page, "operations-3-bell")
    with page.expect_navigation(url=re.compile(r"/tasks/\d+$")):
        page.locator("#bell-list a[data-notification]").first.click()
    expect(page.locator("h1")).to_have_text("办理：研判并拟定撤村建居方案")
    expect(page.locator("#task-note")).to_contain_text("转办")
    expect(page.locator("#bell .count")).to_have_text("0")
    assert api.get("/notifications?unread=true", as_user="street_a_wang").get_json() == []


def test_add_a_signer_who_signs_before_the_holder(page: Page, live_server: LiveServer) -> None:
    api = live_server.api
    case_id = case_at(api, "civil_review")
    review = api.open_task(case_id, "civil_review", "civil_affairs")
    login(page, live_server, "civil_affairs", then=f"/tasks/{review['id']}")
    page.click("#task-operations button[data-op=add-signers]")
    page.get_by_label("沣西新城人社民政局 钱丽（沣西新城）").check()
    page.get_by_label("前加签：加签人先签，再回到我").check()
    page.fill("#op-comment", "请钱丽先行核对表决票")
    page.get_by_role("button", name="确认加签").click()
    # the page shows the signing round: who signs, and that they have not signed yet
    expect(page.locator("#signing")).to_contain_text("前加签")
    expect(page.locator("#signing li[data-signer=civil_affairs_qian]")).to_contain_text("沣西新城人社民政局 钱丽：待签")
    shot(page, "operations-4-signing")
    case = view(api, case_id)
    assert [t["assignee"] for t in case["sign_tasks"]] == ["civil_affairs_qian"]
    assert case["active_tasks"][0]["held"] is True

    # the signer signs from their inbox with the signing form; the step comes back to its holder
    login(page, live_server, "civil_affairs_qian")
    page.locator("#tasks tbody tr", has_text=case["business_key"]).get_by_role("link", name="办理").click()
    page.get_by_label("同意", exact=True).check()
    page.fill("#opinion", "表决票核对无误")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#next-step")).to_contain_text("人社民政局程序复审")
    case = view(api, case_id)
    assert case["sign_tasks"] == [] and case["active_tasks"][0]["held"] is False
    history = api.get(f"/process-instances/{case_id}/history", as_user="admin").get_json()
    assert [(e["command"], e["actor"], e["comment"]) for e in history if e["command"] == "sign"] == [
        ("sign", "civil_affairs_qian", "表决票核对无误")]
    # the signature is in the signer's 已办 with their opinion (nothing to withdraw there)
    page.goto(f"{live_server.url}/done")
    row = page.locator("#done tbody tr", has_text=case["business_key"])
    expect(row.locator("td.step")).to_have_text("人社民政局程序复审（加签）")
    expect(row.locator("td.opinion")).to_have_text("表决票核对无误")
    expect(row.get_by_role("button", name="撤回")).to_have_count(0)


def test_withdraw_a_step_from_my_done_list(page: Page, live_server: LiveServer) -> None:
    api = live_server.api
    case_id = case_at(api, "hold_meeting")  # street_a sent the plan to the village; nobody touched it since
    key = view(api, case_id)["business_key"]
    login(page, live_server, "street_a", then="/done")
    row = page.locator("#done tbody tr", has_text=key).filter(has_text="研判并拟定撤村建居方案")
    row.get_by_role("button", name="撤回").click()
    row.locator("textarea").fill("方案附件漏传，撤回补充")
    row.get_by_role("button", name="确认撤回").click()
    expect(row.locator("#operation-result")).to_contain_text("已撤回")
    expect(row.locator("#operation-result")).to_contain_text("研判并拟定撤村建居方案")
    shot(page, "operations-6-withdraw-from-done")
    case = view(api, case_id)
    assert [(t["element_id"], t["assignee"]) for t in case["active_tasks"]] == [("draft_plan", "street_a")]
    history = api.get(f"/process-instances/{case_id}/history", as_user="admin").get_json()
    assert [(e["command"], e["actor_name"], e["comment"]) for e in history if e["command"] == "withdraw"] == [
        ("withdraw", "甲街道办 张敏", "方案附件漏传，撤回补充")]
    # the step it came back from is not mine to withdraw again: the server says why
    page.goto(f"{live_server.url}/done")
    row = page.locator("#done tbody tr", has_text=key).filter(has_text="改制条件审查")
    row.get_by_role("button", name="撤回").click()
    expect(row.locator(".withdraw-refusal")).to_contain_text("不能撤回")


def test_withdraw_my_last_step_from_the_case_page(page: Page, live_server: LiveServer) -> None:
    api = live_server.api
    case_id = case_at(api, "hold_meeting")  # street_a sent the plan to the village; nobody touched it since
    offered = api.get(f"/process-instances/{case_id}/operations", as_user="street_a").get_json()["withdrawable"]
    assert (offered["element_id"], offered["name"]) == ("draft_plan", "研判并拟定撤村建居方案")
    login(page, live_server, "street_a", then=f"/cases/{case_id}")
    card = page.locator("#case-operations")
    # in place with the page, right under its header card
    expect(page.locator("section.card").nth(1)).to_have_id("case-operations")
    card.get_by_role("button", name="撤回").click()
    expect(card.locator("form.op-form")).to_contain_text("撤回我办理的「研判并拟定撤村建居方案」")
    card.locator("textarea").fill("方案附件漏传，撤回补充")
    card.get_by_role("button", name="确认撤回").click()
    expect(page.locator("#operation-result")).to_contain_text("已撤回")
    active = [(t["element_id"], t["assignee"]) for t in view(api, case_id)["active_tasks"]]
    assert active == [("draft_plan", "street_a")]
    # the village's step was never done: nothing of the village's to withdraw
    assert api.get(f"/process-instances/{case_id}/operations", as_user="village_a1").get_json()["withdrawable"] is None


def test_copies_and_urges_name_the_step_and_the_case_title(page: Page, live_server: LiveServer) -> None:
    api = live_server.api
    case_id = case_at(api, "hold_meeting")
    title = view(api, case_id)["case_title"]
    copied = api.post(f"/process-instances/{case_id}/cc", as_user="village_a1",
                      body={"users": ["street_b"], "comment": "东村改制方案供乙街道参考"})
    assert copied.status_code == 200, copied.get_json()
    urged = api.post(f"/process-instances/{case_id}/urge", as_user="street_a", body={"comment": "请于本周内召开会议"})
    assert urged.status_code == 200, urged.get_json()

    login(page, live_server, "street_b", then="/copies")
    row = page.locator("#copies tbody tr").first
    expect(row.locator("td.case-title")).to_have_text(title)
    expect(row.locator("td.copy-step")).to_have_text("各村户代表会议讨论表决")
    shot(page, "operations-7-copies")
    page.goto(f"{live_server.url}/notifications")
    expect(page.locator("#notifications tbody tr").first).to_contain_text(f"{title} 「各村户代表会议讨论表决」")

    login(page, live_server, "village_a1", then="/notifications")
    urge = page.locator("#notifications tbody tr", has_text="催办").first
    expect(urge).to_contain_text(f"{title} 「各村户代表会议讨论表决」 ：请于本周内召开会议")
