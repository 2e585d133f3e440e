"""The 民情日志 page: a grid worker records entries of their grid from the form, sees them listed, starts a
吹哨报到 case from a problem; the street reads the log of its communities, a grid worker of another
community does not see it."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import ConsoleWatch, LiveServer, login, new_page, shot


def _fill(page: Page, values: dict[str, str]) -> None:
    form = page.locator("#grid-log-form")
    for name, value in values.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)


def test_a_grid_worker_keeps_the_log_and_starts_a_whistle_report_from_a_problem(
        page: Page, live_server: LiveServer, browser: Browser, console: ConsoleWatch) -> None:
    console.allow(r"status of 422")  # the refused entry below
    login(page, live_server, "grid_a1")
    page.click("#nav a[data-nav=grid-log]")
    expect(page.locator("h1")).to_have_text("民情日志")
    expect(page.locator("#grid-log-empty")).to_be_visible()

    # 重点人员 needs its group: the field shows once the kind is chosen, the server names it if left empty
    _fill(page, {"grid_name": "第三网格", "kind": "重点人员", "title": "3号楼独居老人李大爷",
                 "content": "82岁独居，子女在外地，需每周上门探访", "person_name": "李大爷",
                 "person_phone": "13900000001",
                 "recorded_on": "2026-11-28"})
    expect(page.locator("#grid-log-form [name=key_group]")).to_be_visible()
    page.locator("#grid-log-form").get_by_role("button", name="记录").click()
    expect(page.locator("#grid-log-form .alert.error")).to_contain_text("重点人员类别")
    _fill(page, {"key_group": "高龄独居空巢老人"})
    page.locator("#grid-log-form").get_by_role("button", name="记录").click()
    expect(page.locator("#grid-log-form .alert.success")).to_have_text("已记录。")
    expect(page.locator("#grid-log-list tbody tr")).to_have_count(1)

    _fill(page, {"grid_name": "第三网格", "kind": "社区环境突出问题", "title": "5号楼下水道堵塞污水外溢",
                 "content": "5号楼东侧下水道堵塞，污水外溢至人行道", "location": "和平社区5号楼东侧",
                 "recorded_on": "2026-11-30"})
    expect(page.locator("#grid-log-form [name=key_group]")).to_be_hidden()
    page.locator("#grid-log-form").get_by_role("button", name="记录").click()
    rows = page.locator("#grid-log-list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("5号楼下水道堵塞污水外溢")
    expect(rows.nth(1)).to_contain_text("重点人员（高龄独居空巢老人）")
    expect(rows.nth(1)).to_contain_text("李大爷 13900000001")
    expect(rows.nth(1).get_by_role("button", name="发起吹哨报到")).to_have_count(0)  # not a problem
    shot(page, "grid-log")

    rows.first.get_by_role("button", name="发起吹哨报到").click()
    rows.first.locator("select[name=category]").select_option(label="公共设施")
    with page.expect_navigation(url=re.compile(r"/cases/\d+$")):
        rows.first.get_by_role("button", name="发起").click()
    expect(page.locator("#case-header h1")).to_contain_text("CSBD-")
    business_key = page.locator("#case-header h1").inner_text().removeprefix("办件 ").strip()
    expect(page.locator("#active-tasks li[data-element='accept_problem']")).to_be_visible()
    expect(page.locator("#grid-log-entry")).to_contain_text("5号楼下水道堵塞污水外溢")
    expect(page.locator("#grid-log-entry")).to_contain_text("甲街道和平社区·第三网格，2026-11-30")
    page.goto(f"{live_server.url}/grid-log")
    expect(page.locator("#grid-log-list tbody tr").first.get_by_role("link")).to_have_text(business_key)

    # the street above reads the log with its personal data; another community's grid worker sees none of it
    context, street = new_page(browser, console)
    try:
        login(street, live_server, "street_a", then="/grid-log")
        expect(street.locator("#grid-log-list tbody tr")).to_have_count(2)
        expect(street.locator("#grid-log-form")).to_have_count(0)
        expect(street.locator("#grid-log-list")).to_contain_text("甲街道和平社区·第三网格")
        other_context, other = new_page(browser, console)
        try:
            login(other, live_server, "grid_b1", then="/grid-log")
            expect(other.locator("#grid-log-empty")).to_be_visible()
        finally:
            other_context.close()
    finally:
        context.close()
