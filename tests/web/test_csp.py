"""Every page works under its Content-Security-Policy: no violation is reported, none is needed.

The policy (api/security_headers.py) allows scripts only from this origin — no
inline script anywhere, no eval except on the pages rendering JSON-Schema forms
(ajv compiles validators), where the form is opened too. Each page is loaded as its user would see it, with a
listener for ``securitypolicyviolation`` installed before any page script runs
and Chromium's console watched for CSP refusals; the control at the start shows
the listener does catch a violation.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import ConsoleWatch, LiveServer, login
from tests.web.test_clerk_pages import APPLY

START = {"item_title": "学生近视筛查台账", "applicant_department": "沣西新城教育局"}

LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def watch(page: Page) -> list[str]:
    console: list[str] = []
    page.add_init_script(LISTEN)
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    return console


def violations(page: Page, console: list[str]) -> list[str]:
    return list(page.evaluate("window.__cspViolations || []")) + console


@pytest.fixture
def case_id(live_server: LiveServer) -> int:
    api = live_server.api
    case = api.start("department", "community_access", START).get_json()
    task = api.open_task(case["id"], "apply", "department")
    assert api.complete(task["id"], "department", APPLY, comment="请审核").status_code == 200
    return int(case["id"])


def test_the_policy_is_on_every_page_and_the_watch_catches_a_violation(page: Page, live_server: LiveServer,
                                                                        console: ConsoleWatch) -> None:
    console.allow(r"Content Security Policy")  # the violation this control provokes on purpose
    csp_lines = watch(page)
    response = page.goto(f"{live_server.url}/login")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    expect(page.locator("form.login")).to_be_visible()
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.injected = 1'; document.body.append(s); }""")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.injected") is None
    assert any("script-src" in v for v in violations(page, csp_lines))


FORM_PAGES = {"inbox", "task", "version", "modeler"}
PAGES: list[tuple[str, str, str, Callable[[int], str]]] = [
    # (id, user, what shows the page has done its work, path)
    ("login", "", "form.login", lambda _: "/login"),
    ("inbox", "department", "button[data-start=community_access]", lambda _: "/inbox"),
    ("task", "civil_affairs", "#tasks tbody tr", lambda _: "/inbox"),  # opened from the inbox below
    ("case", "department", "#diagram[data-ready]", lambda c: f"/cases/{c}"),
    ("done", "department", "#done tbody tr", lambda _: "/done"),
    ("started", "department", "#started tbody tr", lambda _: "/started"),
    ("definitions", "owner", "tr[data-key=community_access]", lambda _: "/definitions"),
    ("version", "owner", "#diagram[data-ready]", lambda _: "/definitions/community_access/versions/1"),
    ("modeler", "owner", "#canvas[data-ready]", lambda _: "/modeler/community_access"),
    ("audit", "auditor", "#app form, #app table", lambda _: "/audit"),
    ("replay", "auditor", "#diagram[data-ready]", lambda c: f"/audit/cases/{c}"),
    ("api-docs", "", ".swagger-ui .info", lambda _: "/api/docs"),
]


def use_the_form(page: Page, name: str) -> None:
    """On a form page, render a JSON-Schema form (that is what needs eval) and let it validate."""
    if name == "inbox":
        page.click("button[data-start=community_access]")
        page.fill("#root_item_title", "学")  # too short: the form's own rule
        expect(page.locator("#root_applicant_department")).to_be_visible()
    elif name == "task":
        page.locator("#tasks tbody tr").first.get_by_role("link", name="办理").click()
        expect(page.locator("h1")).to_contain_text("办理：")
        page.get_by_role("button", name="提交").click()
        expect(page.locator(".form-group.has-error").first).to_be_visible()
    elif name in ("version", "modeler"):
        page.click(".djs-element[data-element-id=apply]")
        expect(page.locator("#form-preview")).to_contain_text("事项类别")


@pytest.mark.parametrize(("name", "user", "ready", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_reports_no_csp_violation(page: Page, live_server: LiveServer, case_id: int, name: str, user: str,
                                       ready: str, path: Callable[[int], str]) -> None:
    console = watch(page)
    if user:
        login(page, live_server, user)
    response = page.goto(live_server.url + path(case_id))
    assert response is not None and response.status == 200
    headers = response.headers
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    scripts = policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "unsafe-inline" not in scripts
    assert ("unsafe-eval" in scripts) == (name in FORM_PAGES)
    expect(page.locator(ready).first).to_be_attached()
    use_the_form(page, name)
    page.wait_for_load_state("networkidle")
    assert violations(page, console) == []
