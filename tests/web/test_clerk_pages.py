"""A clerk starts a case in the browser, meets a validation error on a task's form, then completes it."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Browser, Page, Route, expect

from tests.support import ApiClient
from tests.web.conftest import ConsoleWatch, HeldLoads, LiveServer, dispatch_until, login, new_page, shot
from tests.web.walks import SETTLED


def two_access_cases(api: ApiClient) -> list[dict]:
    """Two 社区事务准入 cases started by the department, each waiting on its 申请 task."""
    start = {"applicant_department": "沣西新城教育局"}
    return [api.start("department", "community_access", {**start, "item_title": title}).get_json()
            for title in ("学生近视筛查台账", "校园安全巡查记录")]


APPLY = {"item_type": "certificate", "item_content": "协助核实辖区高龄老人生存状况并出具年度认证意见",
         "target_group": "辖区80周岁以上户籍老年人", "authority_scope": "受区卫生健康局委托开展入户核实，出具认证意见",
         "time_limit_months": 12, "time_limit_desc": "2027年1月1日至2027年12月31日", "funding_amount": 60000,
         "funding_source": "district_special", "ledger_form": "electronic"}


def test_clerk_meets_a_validation_error_then_completes_the_task(page: Page, live_server: LiveServer,
                                                                console: ConsoleWatch) -> None:
    console.allow(r"status of 422 .*/tasks/\d+/complete")  # the server's refusal, provoked below
    # the department starts a 社区事务准入 case from its inbox with the start event's form
    login(page, live_server, "department")
    expect(page).to_have_url(re.compile(r"/inbox$"))
    page.click("button[data-start=community_access]")
    page.fill("#root_item_title", "学生近视筛查台账")
    page.fill("#root_applicant_department", "沣西新城教育局")
    with page.expect_navigation(url=re.compile(r"/cases/\d+\?started=1$")):
        page.get_by_role("button", name="发起办件").click()
    expect(page.locator(".alert.success")).to_contain_text("已发起办件")
    instance_id = int(re.search(r"/cases/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    case = live_server.api.get(f"/process-instances/{instance_id}", as_user="department").get_json()
    assert case["data"]["item_title"] == "学生近视筛查台账"
    apply = live_server.api.open_task(instance_id, "apply", "department")
    assert live_server.api.complete(apply["id"], "department", APPLY).status_code == 200

    # the district's civil-affairs clerk finds the case in the inbox and opens the task; the inbox
    # names case and procedure from GET /tasks alone (no request per case)
    case_requests: list[str] = []
    page.on("request", lambda r: case_requests.append(r.url) if re.search(r"/process-instances/\d+$", r.url) else None)
    login(page, live_server, "civil_affairs")
    row = page.locator("#tasks tbody tr", has_text=case["business_key"])
    expect(row.locator("td.step")).to_have_text("民政局扎口审核")
    expect(row).to_contain_text("社区事务准入")
    assert case_requests == []
    expect(page.locator("#nav a[data-nav=definitions]")).to_be_hidden()  # a clerk has no procedures to manage
    shot(page, "clerk-1-inbox")
    row.get_by_role("link", name="办理").click()
    expect(page.locator("h1")).to_have_text("办理：民政局扎口审核")

    # accepting without confirming the five elements breaks the form's rule: the errors sit on their fields
    page.get_by_label("受理，报领导小组审批").check()
    page.get_by_role("button", name="提交").click()
    opinion_field = page.locator(".form-group.has-error", has=page.locator("#root_gatekeep_opinion"))
    expect(opinion_field).to_contain_text("此项为必填项")
    expect(page.locator(".form-group.has-error", has=page.locator("#root_elements_complete"))).to_be_visible()
    shot(page, "clerk-2-validation-error")
    assert live_server.api.open_task(instance_id, "gatekeep_review", "civil_affairs")  # nothing was submitted

    # what only the server catches comes back in Chinese, naming the field, without raw paths
    def add_unknown_field(route: Route) -> None:
        body = json.loads(route.request.post_data or "{}")
        body["data"]["surplus"] = 1
        route.continue_(post_data=json.dumps(body))

    page.route(re.compile(r"/api/v1/tasks/\d+/complete$"), add_unknown_field)
    # yes/no questions are answered 是 or 否
    page.locator("#root_elements_complete").get_by_label("是").check()
    page.locator("#root_funding_verified").get_by_label("是").check()
    page.fill("#root_gatekeep_opinion", "五要素齐全，提请领导小组审批")
    page.get_by_role("button", name="提交").click()
    alert = page.locator("#task-form .alert.error")
    expect(alert).to_contain_text("表单数据不符合要求：表单中没有字段「surplus」")
    expect(alert.locator("li")).to_have_text(["表单中没有字段「surplus」"])
    shot(page, "clerk-2b-server-error")
    page.unroute(re.compile(r"/api/v1/tasks/\d+/complete$"))

    page.fill("#opinion", "经费已落实，同意提请审批")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#next-step")).to_contain_text("办件已送往")
    expect(page.locator("#next-step")).to_contain_text("领导小组季度会议审批")
    shot(page, "clerk-3-next-step")

    case = live_server.api.get(f"/process-instances/{instance_id}", as_user="admin").get_json()
    assert [t["element_id"] for t in case["active_tasks"]] == ["group_approval"]
    assert case["data"]["gatekeep_opinion"] == "五要素齐全，提请领导小组审批"

    # the case page shows the case's diagram, its timeline with the opinion, and its data
    page.get_by_role("link", name="查看办件").click()
    expect(page.locator("#case-status")).to_contain_text("办理中")
    expect(page.locator("#active-tasks")).to_contain_text("领导小组季度会议审批")
    # lanes are named by role ids in the BPMN; the diagram shows the roles' Chinese names
    expect(page.locator("#diagram[data-ready]")).to_be_attached()
    lane = page.locator(".djs-element[data-element-id=Lane_civil_affairs] .djs-label")
    expect(lane).to_have_text("区人社民政局")
    # people by name, unit and role; the review's opinion under its step
    review = page.locator("#case-steps li.step-group[data-element=gatekeep_review]")
    expect(review.locator(".actor")).to_contain_text("（沣西新城 · 区人社民政局）")
    expect(review.locator(".actor")).not_to_contain_text("civil_affairs")
    expect(review).to_contain_text("审批意见：经费已落实，同意提请审批")
    expect(review).to_contain_text("五要素齐全，提请领导小组审批")
    # the procedure's working data (rules set by its script) is folded away, form fields carry titles
    page.locator("details.case-data > summary").click()
    expect(page.locator(".data-table > table.kv")).not_to_contain_text("rules")
    expect(page.locator(".data-table > table.kv")).to_contain_text("扎口意见")
    expect(page.locator("details.internal-data summary")).to_have_text("流程内部数据（1 项）")
    shot(page, "clerk-4-case")


def test_login_never_redirects_off_site(page: Page, live_server: LiveServer) -> None:
    # '/\evil.example' passes a naive "starts with one slash" check but resolves to another host
    login(page, live_server, "street_a", then="/%5Cevil.example/")
    assert page.url.startswith(live_server.url + "/"), page.url
    expect(page).to_have_url(re.compile(r"/inbox$"))


def test_a_task_done_meanwhile_leaves_the_form_read_only_with_the_reason(page: Page, live_server: LiveServer,
                                                                         console: ConsoleWatch) -> None:
    console.allow(r"status of 409 .*/tasks/\d+/complete")  # the refusal this test is about
    api = live_server.api
    case = api.start("department", "community_access", {"item_title": "学生近视筛查台账",
                                                         "applicant_department": "沣西新城教育局"}).get_json()
    assert api.complete(api.open_task(case["id"], "apply", "department")["id"], "department", APPLY).status_code == 200
    task = api.open_task(case["id"], "gatekeep_review", "civil_affairs")

    login(page, live_server, "civil_affairs", then=f"/tasks/{task['id']}")
    expect(page.locator("#case-title")).to_have_text("学生近视筛查台账")
    page.get_by_label("退回部门补正").check()
    page.locator("#root_elements_complete").get_by_label("否", exact=True).check()
    page.locator("#root_funding_verified").get_by_label("否", exact=True).check()
    page.fill("#root_gatekeep_opinion", "经费测算依据不清")
    page.fill("#root_supplement_requirements", "补充经费测算依据")
    # a colleague of the same office completes it first, at another desk
    done = api.complete(task["id"], "civil_affairs", {"gatekeep_decision": "return", "elements_complete": False,
                                                      "funding_verified": False, "gatekeep_opinion": "退回补正",
                                                      "supplement_requirements": "补充经费测算依据"})
    assert done.status_code == 200
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#task-closed")).to_contain_text("无法提交")
    expect(page.locator("#task-form button[type=submit]")).to_have_count(0)
    expect(page.locator("#root_gatekeep_opinion")).not_to_be_editable()
    expect(page.locator("#root_gatekeep_opinion")).to_have_value("经费测算依据不清")
    shot(page, "clerk-5-conflict")


# where the field was when it first appeared, recorded in the page as it mounts
FIRST_TOP = """new MutationObserver((_, observer) => {
  const field = document.querySelector('#root_gatekeep_decision');
  if (!field) return;
  window.firstTop = field.getBoundingClientRect().top + window.scrollY;
  observer.disconnect();
}).observe(document, { childList: true, subtree: true });"""


def test_the_task_form_stays_put_on_a_phone_while_the_page_fills_in(live_server: LiveServer, browser: Browser,
                                                                    console: ConsoleWatch) -> None:
    """On a phone the 审批操作 card, the attachments and the diagram sit above the form; the diagram draws only once
    scrolled near and the operations answer late here: a field being tapped must not jump away from under the
    finger once it is there."""
    api = live_server.api
    case = api.start("department", "community_access", {"item_title": "学生近视筛查台账",
                                                         "applicant_department": "沣西新城教育局"}).get_json()
    assert api.complete(api.open_task(case["id"], "apply", "department")["id"], "department", APPLY).status_code == 200
    task = api.open_task(case["id"], "gatekeep_review", "civil_affairs")
    context, page = new_page(browser, console, width=390, height=844)
    try:
        page.add_init_script(FIRST_TOP)
        held = HeldLoads(page, re.compile(r"/api/v1/tasks/\d+/operations$"))
        # the operations answer only after the attachments have
        with page.expect_response(lambda r: r.url.endswith(f"/process-instances/{case['id']}/attachments")):
            login(page, live_server, "civil_affairs", then=f"/tasks/{task['id']}")
        dispatch_until(page, lambda: len(held.routes) == 1)
        held.routes[0].continue_()
        field = page.locator("#root_gatekeep_decision")
        expect(field).to_be_visible()
        expect(page.locator("#task-operations")).to_be_visible()
        top = "(el) => el.getBoundingClientRect().top + window.scrollY"
        expect(page.locator("#diagram[data-ready]")).to_have_count(0)  # not drawn before it is scrolled near
        page.locator("#task-form").scroll_into_view_if_needed()
        page.locator("section.card", has=page.locator("h2", has_text="流程图")).scroll_into_view_if_needed()
        expect(page.locator("#diagram[data-ready]")).to_be_attached()
        page.evaluate(SETTLED)
        assert field.evaluate(top) == page.evaluate("window.firstTop")
    finally:
        context.close()


def test_the_inbox_shows_the_search_asked_last_even_when_the_first_load_answers_later(
        page: Page, live_server: LiveServer) -> None:
    cases = two_access_cases(live_server.api)
    login(page, live_server, "department")
    held = HeldLoads(page, re.compile(r"/api/v1/tasks\?(?!limit=1$)"))  # the list's loads, not the header's count
    page.goto(f"{live_server.url}/inbox")
    page.fill("#list-q", cases[1]["business_key"])
    page.get_by_role("button", name="查询").click()
    first, search = held.load_and_search(lambda url: "q=" in url)
    assert "q=" not in first.request.url

    # the search answers first, the unfiltered load after it: the search's result stays
    with page.expect_response(lambda r: r.request == search.request):
        search.continue_()
    expect(page.locator("#list-total")).to_have_text("共 1 件")
    with page.expect_response(lambda r: r.request == first.request):
        first.continue_()
    # one more round trip through the page, so that a stale answer would have been drawn by now
    page.evaluate("() => fetch('/api/v1/health').then((r) => r.status)")
    expect(page.locator("#tasks tbody tr")).to_have_count(1)
    expect(page.locator(f"#tasks a[href='/cases/{cases[1]['id']}']")).to_be_attached()
    expect(page.locator("#list-total")).to_have_text("共 1 件")
