"""Walking a procedure's Gherkin scenario through the pages, as the clerks named in it would.

A scenario of features/<key>.feature is read with pytest-bdd's parser; every start and every task is
done in the browser: log in from the login page, find the case in 我的待办 by its number, fill the
task's form field by field (whatever widget the form renderer chose), write the opinion, submit. Who
acts next is read from the pages: the task page says where the case went, the case page's 当前环节
names the unit and role, and the clerk of that unit and role logs in. The scenario's user must agree.
The API is only read, to know the demo users' units and the forms' option titles.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, expect
from pytest_bdd.parser import FeatureParser

from tests.paper_files import pdf
from tests.steps.uploads import file_name, is_file
from tests.web.conftest import LiveServer, log_out, shot

FEATURES = Path(__file__).resolve().parents[2] / "features"
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
Q = r'"([^"]+)"'
START = re.compile(rf'^user {Q} starts a {Q} case with:$')
# "completes their task": the user's own one of several open tasks of the element (a multi-instance task);
# "with papers": "@file:名称.pdf" values are files to upload from the form
COMPLETE = re.compile(rf'^user {Q} completes (?:their )?task {Q} with(?: comment {Q} and| papers)?:$')
REFUSED_422 = re.compile(rf'^user {Q} is refused with 422 at {Q} when completing task {Q} with:$')
OPEN = re.compile(rf'^the case has open tasks {Q}$')
NOT_OPEN = re.compile(rf'^the case has no open task {Q}$')
ENDED = re.compile(rf'^the case is completed at end event {Q}$')
TURN = re.compile(rf'^we turn to the linked case {Q}$')


# resolves after the next two frames: React has committed what the last input scheduled
SETTLED = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


@dataclass
class Step:
    kind: str  # start | complete | refused | open | not_open | ended | turn | other
    user: str = ""
    element: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    comment: str | None = None
    names: list[str] = field(default_factory=list)


def scenario(key: str, name: str, from_element: str | None = None) -> list[Step]:
    """The steps of one scenario; with from_element, only those from that task's first completion on."""
    feature = FeatureParser(str(FEATURES), f"{key}.feature").parse()
    steps: list[Step] = []
    for raw in feature.scenarios[name].steps:
        text, doc = raw.name.strip(), raw.docstring
        data = json.loads(doc) if doc and doc.strip() else {}
        if m := START.match(text):
            steps.append(Step("start", user=m[1], element=m[2], data=data))
        elif m := COMPLETE.match(text):
            steps.append(Step("complete", user=m[1], element=m[2], data=data, comment=m[3]))
        elif m := REFUSED_422.match(text):
            steps.append(Step("refused", user=m[1], element=m[3], data=data, names=[m[2]]))
        elif m := OPEN.match(text):
            steps.append(Step("open", names=[s.strip() for s in m[1].split(",")]))
        elif m := NOT_OPEN.match(text):
            steps.append(Step("not_open", names=[m[1]]))
        elif m := ENDED.match(text):
            steps.append(Step("ended", names=[m[1]]))
        elif m := TURN.match(text):
            steps.append(Step("turn", names=[m[1]]))
        else:
            steps.append(Step("other"))
    if from_element:
        first = next(i for i, s in enumerate(steps) if s.kind == "complete" and s.element == from_element)
        steps = steps[first:]
    return steps


class FormFiller:
    """Fills an rjsf form by field name: it looks at the widget the page shows for each field."""

    DETECT = """(name) => {
      const el = document.getElementById('root_' + name);
      if (!el) return null;
      if (el.tagName === 'SELECT') return 'select';
      if (el.tagName === 'TEXTAREA') return 'text';
      if (el.tagName === 'INPUT') return el.type === 'checkbox' ? 'checkbox' : el.type === 'file' ? 'file' : 'text';
      if (el.querySelector('input[type=radio]')) return 'radio';
      if (el.querySelector('input[type=checkbox]')) return 'checkboxes';
      if (el.querySelector('select')) return 'select-inside';
      return 'array';
    }"""

    def __init__(self, page: Page, schema: dict[str, Any], org_names: dict[str, str]) -> None:
        self.page = page
        self.props: dict[str, Any] = schema.get("properties", {})
        self.org_names = org_names

    def title_of(self, name: str, value: Any) -> str:
        prop = self.props.get(name, {})
        options = prop.get("oneOf") or (prop.get("items") or {}).get("oneOf") or []
        for option in options:
            if option.get("const") == value:
                return str(option["title"])
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, str) and value in self.org_names:
            return self.org_names[value]
        return str(value)

    def fill(self, data: dict[str, Any], form: Locator) -> None:
        """Fields in passes: one that shows only under a condition appears once its trigger is set."""
        pending = dict(data)
        for _ in range(4):
            for name in list(pending):
                kind = self.page.evaluate(self.DETECT, name)
                if kind is None:
                    continue
                self.set(name, kind, pending.pop(name))
            if not pending:
                return
            self.page.wait_for_timeout(50)  # let React render the fields a condition shows
        raise AssertionError(f"fields not on the form: {sorted(pending)}")

    def set(self, name: str, kind: str, value: Any) -> None:
        field_el = self.page.locator(f"[id='root_{name}']")
        if kind == "checkbox":
            field_el.set_checked(bool(value))
        elif kind == "radio":
            field_el.get_by_label(self.title_of(name, value), exact=True).check()
        elif kind in ("select", "select-inside"):
            target = field_el if kind == "select" else field_el.locator("select")
            if isinstance(value, list):  # a multi-select (several organisations)
                target.select_option(label=[self.title_of(name, v) for v in value])
            else:
                target.select_option(label=self.title_of(name, value))
        elif kind == "file" and is_file(value):  # a paper ("file:NAME"): the page uploads it to the case
            filename = file_name(value)
            field_el.set_input_files(files=[{"name": filename, "mimeType": "application/pdf", "buffer": pdf(filename)}])
            expect(self.page.locator(f"[id='root_{name}__files'] li[data-attachment-id]")).to_have_text(
                re.compile(re.escape(filename)))
        elif kind == "file":  # "@file:…" papers of the whistle walk
            self.upload(name, field_el, value if isinstance(value, list) else [value])
        elif kind == "checkboxes":
            wanted = {self.title_of(name, v) for v in value}
            for box in field_el.locator("input[type=checkbox]").all():
                label = box.locator("xpath=ancestor::label[1]").inner_text().strip()
                box.set_checked(label in wanted)
        elif kind == "array":
            self.fill_list(name, field_el, list(value))
        else:
            field_el.fill(str(value))

    def upload(self, name: str, field_el: Locator, values: list[Any]) -> None:
        """Each "@file:名称.pdf" chosen in the field's file input (the form uploads it to the case at once)."""
        files = self.page.locator(f"[id='root_{name}__files'] li[data-attachment-id]")
        for i, value in enumerate(values):
            filename = str(value).removeprefix("@file:")
            field_el.set_input_files({"name": filename, "mimeType": "application/pdf", "buffer": PDF})
            expect(files).to_have_count(i + 1)

    def fill_list(self, name: str, field_el: Locator, values: list[Any]) -> None:
        items = self.page.locator(f"[id^='root_{name}_']:is(input, textarea)")
        while items.count() < len(values):
            field_el.get_by_role("button", name=re.compile("添加")).last.click()
        while items.count() > len(values):
            field_el.get_by_role("button", name=re.compile("删除")).last.click()
        for i, value in enumerate(values):
            self.page.locator(f"[id='root_{name}_{i}']").fill(str(value))


class Walk:
    """One case through the pages; who is logged in, and what the demo users are (unit, role → user).

    Each clerk works in their own browser (a context from desk()), logged in once: a clerk's second
    turn reloads 我的待办 in their browser, as a clerk at their desk would.
    """

    def __init__(self, desk: Callable[[], Page], server: LiveServer, key: str) -> None:
        self.desk, self.server, self.key = desk, server, key
        self.pages: dict[str, Page] = {}
        api = server.api
        orgs = api.get("/organisations", as_user="admin").get_json()
        roles = api.get("/roles", as_user="admin").get_json()
        self.org_names = {o["id"]: o["name"] for o in orgs}
        role_names = {r["id"]: r["name"] for r in roles}
        self.holders: dict[str, str] = {}
        for user in api.get("/users?limit=500", as_user="admin").get_json():
            unit = self.org_names.get(user["org"], user["org"])
            for role in user["roles"]:  # a unit's first clerk of a role (by username) walks the case
                self.holders.setdefault(f"{unit} · {role_names.get(role, role)}", user["username"])
        version = api.get(f"/process-definitions/{key}/versions", as_user="admin").get_json()[-1]["version"]
        self.forms = api.get(f"/process-definitions/{key}/versions/{version}/forms", as_user="admin").get_json()
        self.user: str | None = None
        self.wanted: str | None = None  # of several holders of one element, the one the scenario names
        self.instance_id = 0
        self.business_key = ""
        self.steps_done = 0

    # -- people -------------------------------------------------------------------------------
    @property
    def page(self) -> Page:
        assert self.user is not None, "nobody has logged in yet"
        return self.pages[self.user]

    def log_in(self, username: str) -> None:
        """The clerk's browser: opened and logged in on the login page (landing in 我的待办) the first time."""
        if username in self.pages:
            self.user = username
            return
        page = self.desk()
        page.goto(f"{self.server.url}/login")
        page.fill("#username", username)
        page.fill("#password", "demo")
        with page.expect_navigation():
            page.click("form.login button[type=submit]")
        page.wait_for_selector("#who:not(:empty)")
        self.pages[username] = page
        self.user = username

    def log_out(self) -> None:
        """From the header: back on the login page, the token revoked."""
        log_out(self.page)
        expect(self.page.locator("#username")).to_be_visible()
        del self.pages[self.user or ""]
        self.user = None

    def holder_on_case_page(self, element: str, user: str = "") -> str:
        """The demo user of the unit and role that the case page's 当前环节 names for element."""
        if not self.page.url.split("?")[0].endswith(f"/cases/{self.instance_id}"):
            self.page.goto(f"{self.server.url}/cases/{self.instance_id}")
        holder = self.page.locator(f"#active-tasks li[data-element='{element}'] .holder")
        expect(holder.first).not_to_be_empty()
        # a multi-instance step is open at several units (one task per village): the scenario's user's one
        found = [self.holders.get(text.strip(), text.strip()) for text in holder.all_inner_texts()]
        wanted = user if user in found else found[0]
        assert wanted in self.holders.values(), f"no demo user is {wanted}"
        return wanted

    def become(self, step: Step) -> None:
        """Switch to whoever holds the step now, as the pages name them (the scenario must agree)."""
        if self.user is None:
            self.log_in(step.user)
            return
        going = self.page.locator(f"#next-holders li[data-element='{step.element}']")
        if going.count():
            text = " ".join(going.all_inner_texts())
            said = [u for h, u in self.holders.items() if h in text]
            if self.user in said and self.user == step.user:
                return
        self.wanted = step.user
        who = self.holder_on_case_page(step.element, step.user)
        assert who == step.user, f"the case page sends {step.element} to {who}, the scenario to {step.user}"
        if who != self.user:
            self.log_in(who)

    # -- actions ------------------------------------------------------------------------------
    def start(self, step: Step) -> None:
        self.log_in(step.user)
        page = self.page
        if not page.url.endswith("/inbox"):
            page.goto(f"{self.server.url}/inbox")
        page.click(f"button[data-start={step.element}]")
        form = page.locator("#start .form-host")
        FormFiller(page, self.forms["start.schema.json"], self.org_names).fill(step.data, form)
        with page.expect_navigation(url=re.compile(r"/cases/\d+\?started=1$")):
            page.get_by_role("button", name="发起办件").click()
        expect(page.locator(".alert.success")).to_contain_text("已发起办件")
        self.instance_id = int(re.search(r"/cases/(\d+)", page.url)[1])  # type: ignore[index]
        self.business_key = page.locator("#case-header h1").inner_text().removeprefix("办件 ").strip()

    def open_task(self, element: str) -> None:
        """From 我的待办 searched for the case's number, open the row of the element's step."""
        page = self.page
        if page.url.endswith("/inbox"):  # just logged in: search the case's number
            expect(page.locator(".list-view[data-total]")).to_be_attached()
            page.fill("#list-q", self.business_key)
            page.press("#list-q", "Enter")
        else:  # the search kept in the address
            page.goto(f"{self.server.url}/inbox?q={self.business_key}")
        expect(page.locator(f".list-view[data-q='{self.business_key}']")).to_be_attached()
        # several open tasks of one multi-instance step for this clerk (one per village): any one of them
        row = page.locator(f"#tasks tbody tr[data-element='{element}']", has_text=self.business_key).first
        with page.expect_navigation(url=re.compile(r"/tasks/\d+$")):
            row.get_by_role("link", name="办理").click()
        title = self.forms[f"{element}.schema.json"].get("title", "")
        expect(page.locator("#task-form h2")).to_contain_text(title)

    def fill_task(self, step: Step) -> None:
        page = self.page
        form = page.locator("#task-form .form-host")
        # the heading shows before the form is mounted (after the attachments load), and the form's first
        # renders (rjsf's defaults) replace its data: a field set in between is lost
        form.locator(":scope > *").first.wait_for(state="attached")
        page.evaluate(SETTLED)
        FormFiller(page, self.forms[f"{step.element}.schema.json"], self.org_names).fill(step.data, form)
        page.fill("#opinion", step.comment or "")

    def complete(self, step: Step) -> None:
        self.become(step)
        self.open_task(step.element)
        self.fill_task(step)
        self.page.locator("#task-form").get_by_role("button", name="提交").click()
        expect(self.page.locator("#next-step")).to_be_visible()
        self.steps_done += 1

    def refused(self, step: Step) -> None:
        """A 422 the scenario expects: the form names the field, nothing is submitted."""
        self.become(step)
        self.open_task(step.element)
        self.fill_task(step)
        self.page.locator("#task-form").get_by_role("button", name="提交").click()
        path = step.names[0]
        bad = self.page.locator(".form-group.has-error", has=self.page.locator(f"[id='root_{path}']"))
        expect(bad.or_(self.page.locator("#task-form .alert.error")).first).to_be_visible()
        expect(self.page.locator("#next-step")).to_have_count(0)

    def turn_to_linked(self, label: str) -> None:
        """From this case's page, follow its link to the case it started (as 关联办件 shows it)."""
        page = self.page
        page.goto(f"{self.server.url}/cases/{self.instance_id}")
        link = page.locator("#linked-cases li[data-direction=to]", has_text=label).locator("a")
        expect(link).to_have_count(1)
        with page.expect_navigation(url=re.compile(r"/cases/\d+$")):
            link.click()
        self.instance_id = int(re.search(r"/cases/(\d+)", page.url)[1])  # type: ignore[index]
        expect(page.locator("#linked-cases li[data-direction=from]")).to_contain_text(self.business_key)
        self.business_key = page.locator("#case-header h1").inner_text().removeprefix("办件 ").strip()

    def open_elements(self) -> list[str]:
        """The case's open steps as the page shows them (the task page after submitting, else the case page)."""
        page = self.page
        if page.locator("#next-step").count():
            items = page.locator("#next-holders li")
        else:
            page.goto(f"{self.server.url}/cases/{self.instance_id}")
            expect(page.locator("#case-status")).not_to_be_empty()
            items = page.locator("#active-tasks li")
        return sorted(items.evaluate_all("els => els.map((e) => e.dataset.element)"))

    def run(self, steps: list[Step], shots: str | None = None) -> None:
        for step in steps:
            if step.kind == "start":
                self.start(step)
            elif step.kind == "complete":
                self.complete(step)
                if shots and self.steps_done == 1:
                    shot(self.page, f"{shots}-next-step")
            elif step.kind == "refused":
                self.refused(step)
            elif step.kind == "open":
                assert self.open_elements() == sorted(step.names)
            elif step.kind == "not_open":
                assert step.names[0] not in self.open_elements()
            elif step.kind == "ended":
                expect(self.page.locator("#next-step")).to_contain_text(f"办件已办结：{step.names[0]}")
            elif step.kind == "turn":
                self.turn_to_linked(step.names[0])
