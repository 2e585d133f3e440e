"""社区居委会设立 and 社区用房移交 through the pages: the paths a clerk takes that the full walks do not.

Each test walks a scenario of the feature files in the browser (tests/web/walks.py): 代管 with the
street reporting a new survey early until 50 %, a split whose linked case establishes a new community
(which the directory then offers), the floors exception with its written reason, and the land-transfer
clause sent back for correction. Every form is filled field by field on its page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import ConsoleWatch, LiveServer, shot
from tests.web.walks import Walk, scenario


@pytest.fixture(autouse=True)
def _refusals_expected(console: ConsoleWatch) -> None:
    # the walks submit a form the server refuses on purpose (a 422 naming the field)
    console.allow(r"status of 422 .*/tasks/\d+/complete")


class LabelledWalk(Walk):
    """The walk, checking on the way that each form shows its rule values (not a copy of them)."""

    LABELS: ClassVar[dict[str, list[str]]] = {
        "draft_plan": ["社区党组织配备3-5人", "社区居委会配备5-9人", "社区监委会配备3人", "社区服务站配备5-9人"],
        "hold_election": ["居委会5-9人"],
        "resurvey_occupancy": ["达到50%（含本数）", "随时填报"],
        "handover_due": ["限60天内", "15天黄色预警", "5天红色预警"],
    }

    def open_task(self, element: str) -> None:
        super().open_task(element)
        for text in self.LABELS.get(element, []):
            expect(self.page.locator("#task-form")).to_contain_text(text)


def test_interim_management_then_an_early_survey_reaches_50_percent(desk: Callable[[], Page],
                                                                    live_server: LiveServer) -> None:
    walk = LabelledWalk(desk, live_server, "residents_committee")
    walk.run(scenario("residents_committee", "入住率49.975%不四舍五入，未达到50%，指导成立居民小组；"
                                             "街道提前填报仍未达到的复核周期重新计算，再次提前填报达到50%"))
    assert walk.open_elements() == ["draft_plan"]
    shot(walk.page, "committee-early-survey")


def test_a_split_off_area_is_established_and_joins_the_directory(desk: Callable[[], Page],
                                                                 live_server: LiveServer) -> None:
    walk = LabelledWalk(desk, live_server, "residents_committee")
    walk.run(scenario("residents_committee",
                      "拆分出的区域作为新设社区办理设立，居委会设立完成时纳入组织名录（日志记载、可重放核验）"))
    page = walk.page
    page.goto(f"{live_server.url}/cases/{walk.instance_id}")
    expect(page.locator("#case-status")).to_have_text("已办结：已设立")
    expect(page.locator("#linked-cases li[data-direction=from]")).to_contain_text("拆分设立（发起本件）")
    page.locator("details.case-log > summary").click()  # 办理日志: the system's entry that added the community
    expect(page.locator("details.case-log")).to_contain_text("新设社区纳入组织名录")
    shot(page, "committee-split-established")
    # the new community is a unit like any other: the street's next start form offers it
    walk.log_in("street_a")
    page = walk.page
    page.goto(f"{live_server.url}/inbox")
    page.click("button[data-start=residents_committee]")
    expect(page.locator("#start [id='root_subject_org'] option", has_text="甲街道和平北社区")).to_have_count(1)


def test_floors_outside_one_to_three_need_a_written_reason(desk: Callable[[], Page], live_server: LiveServer) -> None:
    walk = LabelledWalk(desk, live_server, "housing_handover")
    walk.run(scenario("housing_handover", "社区用房面积不足每百户30平方米，民政同意亦退回修改"))
    shot(walk.page, "housing-floors-exception")


def test_a_missing_land_clause_goes_back_for_correction(desk: Callable[[], Page], live_server: LiveServer) -> None:
    walk = LabelledWalk(desk, live_server, "housing_handover")
    walk.run(scenario("housing_handover", "出让合同未约定社区用房，退回自然资源局补签补充条款后继续"))
    shot(walk.page, "housing-clause-corrected")


def test_the_handover_period_the_form_shows_comes_from_the_rules(desk: Callable[[], Page],
                                                                 live_server: LiveServer) -> None:
    walk = LabelledWalk(desk, live_server, "housing_handover")
    walk.run(scenario("housing_handover",
                      "预售剔除面积不足重新核定；分期建设未达30%继续建设，恰好30%时移交到期，限期移交超期催办"))
    assert walk.open_elements() == ["commitment_confirmation"]
