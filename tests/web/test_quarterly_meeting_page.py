"""The leadership group holds its quarterly meeting in the task page: the agenda the system collected,
a decision per item, the 会议纪要 and 签到表 as files; the approved item then shows on /access-list."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine.clock import as_utc
from engine.store.models import Timer
from tests.case_helpers import complete_ok, start_ok
from tests.web.conftest import LiveServer, log_out, login, shot

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ACCEPT = {"gatekeep_decision": "accept", "elements_complete": True, "funding_verified": True,
          "gatekeep_opinion": "五要素齐全"}


def test_the_quarterly_meeting_decides_its_agenda_with_its_papers(page: Page, live_server: LiveServer,
                                                                   tmp_path: Path) -> None:
    api = live_server.api
    case = start_ok(api, "department", "community_access",
                    {"item_title": "高龄老人津贴资格年度认证", "applicant_department": "区卫生健康局"})
    complete_ok(api, case["id"], "apply", "department", {
        "item_type": "certificate", "item_content": "协助核实辖区高龄老人生存状况", "target_group": "辖区高龄老人",
        "authority_scope": "入户核实", "time_limit_months": 12, "time_limit_desc": "一年", "funding_amount": 60000,
        "funding_source": "district_special", "ledger_form": "electronic"})
    complete_ok(api, case["id"], "gatekeep_review", "civil_affairs", ACCEPT)
    # the applicant sees on the case that the item waits for the next meeting, then that it is on its agenda
    login(page, live_server, "department", then=f"/cases/{case['id']}")
    standing = page.locator("#meeting-standing")
    expect(standing).to_have_attribute("data-state", "waiting")
    expect(standing).to_contain_text(re.compile(r"下次季度会议 2027-01-1[45] \d\d:00 召集"))
    with api.engine.db.reader() as session:
        call = session.scalars(select(Timer).where(Timer.kind == "start", Timer.state == "armed")).one()
        call_id, due = call.id, as_utc(call.due_at)
    assert due is not None
    assert api.engine.timers.fire(call_id, due).startswith("fired")  # the quarter's call, at its instant
    meetings = api.get("/process-instances?definition_key=access_quarterly_meeting", as_user="admin").get_json()
    meeting = api.get(f"/process-instances/{meetings[0]['id']}", as_user="admin").get_json()
    task = api.open_task(meeting["id"], "hold_meeting", "leadership")
    page.reload()
    expect(standing).to_have_attribute("data-state", "on_agenda")
    expect(standing).to_contain_text(f"已列入领导小组会议议程（会议办件 {meeting['business_key']}）")
    log_out(page)

    login(page, live_server, "leadership", then=f"/tasks/{task['id']}")
    expect(page.locator("#root_agenda_0_case_no")).to_have_value(case["business_key"])
    expect(page.locator("#root_agenda_0_item_title")).to_have_value("高龄老人津贴资格年度认证")
    meeting_fields = {"meeting_date": "2026-12-20", "meeting_quarter": "2026Q4", "meeting_no": "沣西社建纪〔2026〕5号",
                      "members_total": "9", "attendees": "7"}
    for name, value in meeting_fields.items():
        page.locator(f"#root_{name}").fill(value)
    for name, filename in (("meeting_minutes", "会议纪要.pdf"), ("sign_in_sheet", "签到表.pdf")):
        paper = tmp_path / filename
        paper.write_bytes(PDF)
        page.locator(f"#root_{name}").set_input_files(str(paper))
        expect(page.locator(f"#root_{name}__files li[data-attachment-id]")).to_have_text(
            re.compile(filename))
    page.locator("#root_agenda_0_decision").get_by_label("批准准入", exact=True).check()
    page.locator("#root_agenda_0_opinion").fill("同意纳入社区事务准入清单")
    shot(page, "quarterly-meeting")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#next-step")).to_contain_text("办件已办结")

    item = api.get(f"/process-instances/{case['id']}", as_user="admin").get_json()
    assert sorted(t["element_id"] for t in item["active_tasks"]) == ["publish_list", "setup_ledger"]
    page.goto(f"{live_server.url}/access-list")
    entry = page.locator(f"article.entry[data-entry='QD-{case['business_key']}']")
    expect(entry).to_contain_text("沣西社建纪〔2026〕5号")
    expect(entry.locator(".badge")).to_have_text("有效")


def test_the_groups_office_calls_an_interim_meeting_from_the_inbox(page: Page, live_server: LiveServer,
                                                                   tmp_path: Path) -> None:
    api = live_server.api
    case = start_ok(api, "department", "community_access",
                    {"item_title": "社区安全生产网格巡查", "applicant_department": "区应急管理局"})
    complete_ok(api, case["id"], "apply", "department", {
        "item_type": "work_item", "item_content": "网格员每周巡查沿街商铺安全隐患", "target_group": "辖区沿街商铺",
        "authority_scope": "仅限巡查上报", "time_limit_months": 24, "time_limit_desc": "两年", "funding_amount": 48000,
        "funding_source": "district_special", "ledger_form": "none"})
    complete_ok(api, case["id"], "gatekeep_review", "civil_affairs", ACCEPT)

    login(page, live_server, "leadership")
    page.click("button[data-start=access_interim_meeting]")
    page.locator("#start .form-host #root_call_reason").fill("季度会议召集后报来的安全巡查事项，须在汛期前决定")
    with page.expect_navigation(url=re.compile(r"/cases/\d+\?started=1$")):
        page.get_by_role("button", name="发起办件").click()
    expect(page.locator("#active-tasks li[data-element='hold_meeting']")).to_be_visible()
    page.locator("#active-tasks li[data-element='hold_meeting'] a").click()
    expect(page.locator("#root_agenda_0_case_no")).to_have_value(case["business_key"])
    interim = {"meeting_date": "2026-12-01", "meeting_quarter": "2026Q4", "meeting_no": "沣西社建纪〔2026〕6号",
               "members_total": "9", "attendees": "6"}
    for name, value in interim.items():
        page.locator(f"#root_{name}").fill(value)
    for name, filename in (("meeting_minutes", "临时会议纪要.pdf"), ("sign_in_sheet", "签到表.pdf")):
        paper = tmp_path / filename
        paper.write_bytes(PDF)
        page.locator(f"#root_{name}").set_input_files(str(paper))
        expect(page.locator(f"#root_{name}__files li[data-attachment-id]")).to_have_text(re.compile(filename))
    page.locator("#root_agenda_0_decision").get_by_label("批准准入", exact=True).check()
    page.locator("#root_agenda_0_opinion").fill("同意纳入社区事务准入清单")
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#next-step")).to_contain_text("办件已办结")
    item = api.get(f"/process-instances/{case['id']}", as_user="admin").get_json()
    assert sorted(t["element_id"] for t in item["active_tasks"]) == ["publish_list", "setup_ledger"]
