"""决策表: a process owner opens a procedure's DMN table in dmn-js, edits a rule and deploys a new version;
no other page loads dmn-js, and the page keeps its Content-Security-Policy."""

from __future__ import annotations

import re

from playwright.sync_api import Page, Response, expect

from tests.test_decisions import DMN, subsidy_model, upload
from tests.web.conftest import ConsoleWatch, LiveServer, login, shot
from tests.web.test_csp import violations, watch

DMN_MARKER = "dmn-decision-table-container"  # a class only dmn-js's decision table uses


def test_owner_edits_a_decision_table_and_deploys(page: Page, live_server: LiveServer,
                                                   console: ConsoleWatch) -> None:
    assert upload(live_server.api, subsidy_model(), {"grading.dmn": DMN}).status_code == 201
    scripts: list[str] = []

    def keep_script(response: Response) -> None:
        if response.url.endswith(".js") and response.ok:
            scripts.append(response.text())

    page.on("response", keep_script)
    csp = watch(page)
    login(page, live_server, "owner")
    page.goto(f"{live_server.url}/definitions")
    expect(page.locator("tr[data-key=subsidy] a.decisions")).to_have_text("决策表")
    expect(page.locator("tr[data-key=community_access] a.decisions")).to_have_count(0)  # it has no DMN
    assert scripts and not any(DMN_MARKER in s for s in scripts), "a page without decisions loaded dmn-js"

    page.locator("tr[data-key=subsidy] a.decisions").click()
    expect(page.locator("#dmn-canvas")).to_have_attribute("data-ready", "grading.dmn")
    table = page.locator("#dmn-canvas")
    expect(table).to_contain_text("申请金额")
    expect(table).to_contain_text("审批层级")
    expect(table).to_contain_text("命中策略")  # dmn-js in Chinese
    shot(page, "decisions-1-table")

    cell = page.locator("td[data-element-id=Entry_large_amount]")
    expect(cell).to_have_text(re.compile(r">\s*10000"))
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("> 20000")
    page.locator("h1").click()  # leave the cell
    expect(page.locator("#dmn-status")).to_have_text("有未部署的修改。")
    page.click("#dmn-deploy")
    expect(page.locator("#dmn-status")).to_have_text("已部署为第 2 版，新发起的办件将使用此版本。")
    shot(page, "decisions-2-deployed")
    assert violations(page, csp) == []

    stored = live_server.api.get("/process-definitions/subsidy/versions/2/decisions", as_user="owner").get_json()
    assert "&gt; 20000" in stored["grading.dmn"] and "&gt; 10000" not in stored["grading.dmn"]
    # the new version runs the edited table: 15000 is no longer above the first rule's threshold
    case = live_server.api.start("street_a", "subsidy", {}).get_json()
    apply = live_server.api.open_task(case["id"], "apply", "street_a")
    done = live_server.api.complete(apply["id"], "street_a", {"amount": 15000, "kind": "other"}).get_json()
    assert done["data"].get("level") != "district", done["data"]
