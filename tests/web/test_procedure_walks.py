"""Each of the five procedures from start to end in the browser, through one 退回 (or loop-back) at least.

The clerks switch as the pages say (see walks.py); one walk runs on a phone-sized screen throughout.
After the walk: the case page shows the earlier rounds, prints as the 审批表 and offers its PDF; the
last clerk finds the case in 已办 with their opinion, the starter in 我发起的.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.web.conftest import ARTIFACTS, ConsoleWatch, LiveServer, new_page, shot
from tests.web.walks import Step, Walk, scenario

# (scenario, from which task on) per procedure: together a path from start to an end event with a 退回
WALKS: dict[str, list[tuple[str, str | None]]] = {
    "community_access": [("扎口退回部门补正，领导小组暂缓后于下季度不予批准", None)],
    "village_to_community": [
        ("两村建一社区全程：两村分别审查和表决，复审只退回东村表决票补正，管委会不予批准后修改方案重新报批，两村重新表决后批准，"
         "社区列入组织目录", None)],
    "residents_committee": [("民政部门审核退回修改后通过", None),
                            ("规模适度，审核通过、批准、选举产生，印章与备案同步办结", "district_approval")],
    "housing_handover": [("联合验收不合格整改后复验，协议书有误重新签署，协议书文件补正，移交完成", None)],
    "whistle_report": [("重新吹哨 and 不满意 — a department not concerned, a second whistle, then the resident is not "
                        "satisfied", None)],
}
PHONE = {"community_access"}  # walked at 390 px wide


def fits_the_screen(page: Page) -> None:
    """Nothing wider than the screen, and no list column squeezed to a character per line."""
    width = page.evaluate("() => window.innerWidth")
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= width + 1, f"{page.url}: {overflow}px wide on a {width}px screen"
    narrow = page.evaluate("""() => [...document.querySelectorAll('table.list td, dl.meta dd, table.kv td')]
        .filter((td) => td.offsetParent && td.textContent.trim().length > 4 && td.getBoundingClientRect().width < 60)
        .map((td) => td.textContent.trim().slice(0, 20))""")
    assert not narrow, f"{page.url}: cramped cells {narrow}"


@pytest.fixture
def desk(live_server: LiveServer, browser: Browser, console: ConsoleWatch,
         request: pytest.FixtureRequest) -> Iterator[Callable[[], Page]]:
    """Opens a clerk's browser (a context of the one shared browser), phone-sized for the phone walk."""
    size = {"width": 390, "height": 844} if request.node.callspec.params["key"] in PHONE else {}
    opened: list[tuple[BrowserContext, Page]] = []

    def open_page() -> Page:
        context, page = new_page(browser, console, **size)
        opened.append((context, page))
        return page

    try:
        yield open_page
        assert not console.unexpected(), f"errors on the page: {console.unexpected()}"
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        for i, (context, page) in enumerate(opened):
            if i == len(opened) - 1:
                page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-last.png"), full_page=True)
            context.close()


class CheckedWalk(Walk):
    """The walk with screenshots of the main pages, and the phone checks on a narrow screen."""

    def __init__(self, desk: Callable[[], Page], server: LiveServer, key: str, phone: bool) -> None:
        super().__init__(desk, server, key)
        self.phone = phone
        self.tag = f"walk-{key}{'-phone' if self.phone else ''}"
        self.done_elements: set[tuple[str, str]] = set()  # (element, user): a multi-instance step is one per unit
        self.shot_round_two = False
        self.last_element = ""

    def open_task(self, element: str) -> None:
        super().open_task(element)
        if self.phone:
            fits_the_screen(self.page)

    def start(self, step: Step) -> None:
        super().start(step)
        # the starter finds the new case in 我发起的 with the step it is at
        first = self.page.locator("#active-tasks li a").first.inner_text()
        self.page.click("#nav a[data-nav=started]")
        row = self.page.locator("#started tbody tr", has_text=self.business_key)
        expect(row).to_contain_text("办理中")
        expect(row).to_contain_text(first)
        expect(self.page.locator("#nav a[data-nav=started]")).to_have_class(re.compile("active"))
        shot(self.page, f"{self.tag}-started")

    def complete(self, step: Step) -> None:
        # a multi-instance step done by one clerk for several units in a row (改制条件审查 per village) is one round
        again = (step.element, step.user) in self.done_elements and self.last_element != step.element
        self.last_element = step.element
        if again and not self.shot_round_two:
            # a task back after 退回: marked so, with the round that went back there to read
            self.become(step)
            self.open_task(step.element)
            if self.phone:
                fits_the_screen(self.page)
            expect(self.page.locator("#case-header .tag.returned")).to_have_text("被退回")
            group = self.page.locator(f"#steps li.step-group[data-element='{step.element}']")
            expect(group.locator("article.step")).to_be_visible()
            self.page.goto(f"{self.server.url}/inbox?q={self.business_key}")
            expect(self.page.locator(f"#tasks tr[data-element='{step.element}'] .tag.returned")).to_have_text("被退回")
            shot(self.page, f"{self.tag}-inbox")
            self.page.go_back()
            expect(self.page.locator("#task-form h2")).to_be_visible()
            self.fill_task(step)
            shot(self.page, f"{self.tag}-task-round-2")
            self.page.locator("#task-form").get_by_role("button", name="提交").click()
            expect(self.page.locator("#next-step")).to_be_visible()
            self.shot_round_two = True
        else:
            super().complete(step)
        self.done_elements.add((step.element, step.user))


@pytest.mark.parametrize("key", list(WALKS))
def test_a_case_goes_from_start_to_end_through_the_pages(desk: Callable[[], Page], live_server: LiveServer,
                                                         key: str) -> None:
    steps = [s for name, first in WALKS[key] for s in scenario(key, name, first)]
    walk = CheckedWalk(desk, live_server, key, phone=key in PHONE)
    walk.run(steps)
    page = walk.page
    assert walk.shot_round_two, "the walk went through no 退回"
    last = next(s for s in reversed(steps) if s.kind == "complete")
    ended = next(s for s in reversed(steps) if s.kind == "ended").names[0]

    # the case page: finished, every step in order with the rounds before the 退回 folded
    page.get_by_role("link", name="查看办件").click()
    expect(page.locator("#case-status")).to_have_text(f"已办结：{ended}")
    expect(page.locator("#diagram[data-ready]")).to_be_attached()
    expect(page.locator("#case-steps details.earlier-rounds").first).to_be_attached()
    if walk.phone:
        fits_the_screen(page)
    shot(page, f"{walk.tag}-case")

    # printed, the page is the 审批表: every step's person and opinion
    page.emulate_media(media="print")
    sheet = page.locator("#record-sheet")
    expect(sheet).to_be_visible()
    expect(page.locator("#case-header")).to_be_hidden()
    for step in steps:
        if step.kind == "complete" and step.comment:
            expect(sheet).to_contain_text(step.comment)
    submissions = sum(1 for s in steps if s.kind in ("start", "complete"))
    expect(sheet.locator("table.record-steps tbody tr")).to_have_count(submissions)
    shot(page, f"{walk.tag}-print")
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.click("#record-pdf")
    assert download.value.suggested_filename == f"审批表-{walk.business_key}.pdf"

    # the last clerk finds it in 已办 with their opinion; the starter in 我发起的
    page.goto(f"{live_server.url}/done")
    row = page.locator("#done tbody tr", has_text=walk.business_key).first
    expect(row).to_be_visible()
    if last.comment:
        expect(row).to_contain_text(last.comment)
    if walk.phone:
        fits_the_screen(page)
    shot(page, f"{walk.tag}-done")

    # logging out leaves no error behind (the 204 has no body to parse)
    walk.log_out()
