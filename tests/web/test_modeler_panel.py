"""The modeler speaks Chinese throughout and knows the roles and forms of a procedure.

A lane's role is picked by its Chinese name (the lane keeps the role id as its name, which is what
the engine reads); a user task's panel lists its form files and opens them in the form editor; no
tooltip, placeholder or text of the properties panel, palette or context pad is left in English.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from playwright.sync_api import Page, expect

from tests.web.conftest import LiveServer, login, shot
from tests.web.form_samples import PROCEDURES, ROOT, procedure_forms

LATIN_ONLY = re.compile(r"^[^\u4e00-\u9fff]*[A-Za-z]{3,}[^\u4e00-\u9fff]*$")
# what the panel shows as data, not as words: element ids, form file names, role ids in the lane text
DATA = re.compile(r"^[A-Za-z0-9_.-]+(\.json)?$")


def one_of_each_kind(key: str) -> list[str]:
    """An element of each kind the panel shows differently (type, event definition, condition, default)."""
    root = etree.parse(str(ROOT / "processes" / f"{key}.bpmn")).getroot()
    chosen: dict[tuple[Any, ...], str] = {}
    for node in root.iter():
        if not isinstance(node.tag, str) or not node.get("id") or "BPMN/20100524/MODEL" not in node.tag:
            continue
        details = tuple(sorted(etree.QName(c.tag).localname for c in node if isinstance(c.tag, str)
                               and etree.QName(c.tag).localname.endswith(("EventDefinition", "Expression"))))
        chosen.setdefault((etree.QName(node.tag).localname, details, bool(node.get("default"))), node.get("id"))
    return list(chosen.values())


def select(page: Page, element: str) -> None:
    page.locator(f".djs-element[data-element-id={element}] .djs-hit").first.dispatch_event("click")
    expect(page.locator("#bio-properties-panel-id")).to_have_value(element)


def test_a_lane_role_is_chosen_by_its_chinese_name(page: Page, live_server: LiveServer) -> None:
    login(page, live_server, "owner")
    page.goto(f"{live_server.url}/modeler/community_access")
    expect(page.locator("#canvas[data-ready]")).to_be_attached()
    select(page, "Lane_department")
    header = page.locator("#properties .bio-properties-panel-header-label")
    expect(header).to_have_text("区直职能部门")
    role = page.locator("#bio-properties-panel-laneRole")
    expect(role.locator("option:checked")).to_have_text("区直职能部门")
    options = role.locator("option").all_inner_texts()
    assert "街道办事处" in options and "社区建设领导小组" in options
    assert not {"审计督查", "流程管理员", "系统管理员"} & set(options)  # they work no lane
    expect(page.locator("#bio-properties-panel-name")).to_have_count(0)  # no free text for the role id
    shot(page, "modeler-lane-role")

    role.select_option(label="街道办事处")
    lane_label = page.locator(".djs-element[data-element-id=Lane_department] .djs-label")
    expect(lane_label).to_have_text("street_office")  # the id is what is saved
    expect(page.locator(".lane-role[data-role=street_office]")).to_have_text("街道办事处")
    expect(header).to_have_text("街道办事处")
    page.click("#validate")
    expect(page.locator("#modeler-status")).to_contain_text("校验通过")
    role.select_option(label="区直职能部门")
    expect(lane_label).to_have_text("department")


def test_a_user_task_panel_lists_its_form_files_and_opens_them(page: Page, live_server: LiveServer) -> None:
    login(page, live_server, "owner")
    page.goto(f"{live_server.url}/modeler/community_access")
    expect(page.locator("#canvas[data-ready]")).to_be_attached()
    select(page, "gatekeep_review")
    files = page.locator("#properties .form-files")
    expect(files.locator(".form-file-name")).to_have_text(["gatekeep_review.schema.json",
                                                          "gatekeep_review.uischema.json"])
    files.locator("button[data-file='gatekeep_review.uischema.json']").click()
    focused = page.evaluate("() => document.activeElement && document.activeElement.dataset.file")
    assert focused == "gatekeep_review.uischema.json"
    files.locator("button[data-file='gatekeep_review.schema.json']").click()
    assert page.evaluate("() => document.activeElement.dataset.file") == "gatekeep_review.schema.json"
    expect(page.locator("#form-preview")).to_contain_text("扎口意见")  # the same renderer as the task page
    select(page, "start_event")
    expect(page.locator("#properties .form-files .form-file-name")).to_have_text(["start.schema.json",
                                                                                  "start.uischema.json"])


def test_no_english_is_left_in_the_modeler(page: Page, live_server: LiveServer) -> None:
    login(page, live_server, "owner")
    english: dict[str, set[str]] = {}
    for key in PROCEDURES:
        page.goto(f"{live_server.url}/modeler/{key}")
        expect(page.locator("#canvas[data-ready]")).to_be_attached()
        for element in one_of_each_kind(key):
            hit = page.locator(f".djs-element[data-element-id='{element}'] .djs-hit").first
            if not hit.count():
                continue
            hit.dispatch_event("click")
            headers = page.locator("#properties .bio-properties-panel-group-header")
            for index in range(headers.count()):  # by position: opening one changes which match :not(.open)
                header = headers.nth(index)
                if "open" not in (header.get_attribute("class") or "").split():
                    header.click()
            words = page.evaluate("""() => {
              const out = [];
              const panel = document.querySelector('#properties');
              const walk = document.createTreeWalker(panel, NodeFilter.SHOW_TEXT);
              while (walk.nextNode()) out.push(walk.currentNode.textContent.trim());
              const tips = '#properties [title], #properties [placeholder], #properties [aria-label], '
                + '.djs-palette [title], .djs-context-pad [title]';
              for (const el of document.querySelectorAll(tips))
                for (const a of ['title', 'placeholder', 'aria-label'])
                  if (el.getAttribute(a)) out.push(el.getAttribute(a));
              return out.filter(Boolean);
            }""")
            for word in words:
                if LATIN_ONLY.match(word) and not DATA.match(word):
                    english.setdefault(word, set()).add(f"{key}:{element}")
        task = next(f.element for f in procedure_forms(key) if f.element_type == "userTask")
        select(page, task)
        page.locator(".djs-context-pad .entry[data-action=replace]").first.click()
        expect(page.locator(".djs-popup")).to_be_visible()
        popup = page.locator(".djs-popup").inner_text()
        assert not re.search(r"[A-Za-z]{3,}", popup), popup
        page.keyboard.press("Escape")
        untranslated = page.evaluate("() => [...window.untranslatedStrings]")
        assert untranslated == [], f"{key}: asked for without Chinese: {untranslated}"
    assert english == {}, english
