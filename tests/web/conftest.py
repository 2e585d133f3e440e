"""Browser tests: Debian's Chromium driven by Playwright against the app served by waitress.

Each test gets a fresh SQLite database (a copy of the session template) behind a
real HTTP server on 127.0.0.1, and a fresh browser context. Screenshots go to
test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Route, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from waitress.server import create_server

from api import create_app
from api.web import DIST
from engine.settings import Settings
from tests.support import ApiClient

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return "Chromium is not installed (make browser installs Debian's chromium)"
    if not (DIST / "task.js").exists():
        return "web bundle not built (make web runs npm ci and esbuild)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"browser tests cannot run in CI: {reason}")
    for item in items:
        if "tests/web/" in item.nodeid:
            item.add_marker(pytest.mark.skip(reason=reason))


@dataclass
class LiveServer:
    app: Flask
    url: str
    api: ApiClient


@pytest.fixture
def live_server(settings: Settings) -> Iterator[LiveServer]:
    app = create_app(settings)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="waitress", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.effective_port}", ApiClient(app, app.test_client()))
    finally:
        server.close()
        thread.join(timeout=10)
        app.extensions["workflow_engine"].db.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class ConsoleWatch:
    """Errors a page reports (uncaught exceptions and console errors, e.g. a failed resource).

    A test that provokes an error answer on purpose (a 422 it checks) allows its console line.
    """

    errors: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            self.errors.append(f"{message.text} ({where})")

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


@pytest.fixture
def console() -> ConsoleWatch:
    return ConsoleWatch()


def new_page(browser: Browser, console: ConsoleWatch, *, width: int = 1400,
             height: int = 1000) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("pageerror", lambda exc: console.errors.append(f"uncaught: {exc}"))
    page.on("console", console.on_console)
    return context, page


@pytest.fixture
def page(live_server: LiveServer, browser: Browser, console: ConsoleWatch,
         request: pytest.FixtureRequest) -> Iterator[Page]:
    # on live_server so the browser's keep-alive connections close before the server stops
    context, page = new_page(browser, console)
    try:
        yield page
        assert not console.unexpected(), f"errors on the page: {console.unexpected()}"
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-last.png"), full_page=True)
        context.close()


@pytest.fixture
def desk(live_server: LiveServer, browser: Browser, console: ConsoleWatch) -> Iterator[Callable[[], Page]]:
    """Opens one browser context per clerk of a walk; the page errors of all of them fail the test."""
    opened: list[BrowserContext] = []

    def open_page() -> Page:
        context, page = new_page(browser, console)
        opened.append(context)
        return page

    try:
        yield open_page
        assert not console.unexpected(), f"errors on the page: {console.unexpected()}"
    finally:
        for context in opened:
            context.close()


def dispatch_until(page: Page, condition: Callable[[], bool]) -> None:
    """Let Playwright dispatch its events (a held route reaches its handler) until the condition holds: the sync
    API runs handlers only while the test is inside one of its calls."""
    for _ in range(500):
        if condition():
            return
        page.wait_for_timeout(10)
    raise AssertionError("the page never made the expected requests")


class HeldLoads:
    """The page's requests to one route, each held until the test lets it go."""

    def __init__(self, page: Page, pattern: re.Pattern[str]) -> None:
        self.page = page
        self.routes: list[Route] = []

        def hold(route: Route) -> None:
            self.routes.append(route)

        page.route(pattern, hold)

    def load_and_search(self, is_search: Callable[[str], bool]) -> tuple[Route, Route]:
        """Once the search (the request whose URL ``is_search``) is held: the page's load held before it, and the
        search. A load of the page logged in to, still on its way when the test went on to this page, goes on."""
        dispatch_until(self.page, lambda: any(is_search(r.request.url) for r in self.routes))
        search = next(r for r in self.routes if is_search(r.request.url))
        earlier = [r for r in self.routes if r is not search]
        for left in earlier[:-1]:
            with contextlib.suppress(PlaywrightError):  # its page is gone: nothing waits for it
                left.continue_()
        return earlier[-1], search


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_out(page: Page) -> None:
    """Log out from the header once the page's own reads have answered (a read still in flight when the token
    is revoked answers 401, which the console watch counts as an error), and wait for the login page."""
    page.wait_for_load_state("networkidle")
    page.click("#logout")
    page.wait_for_url(re.compile(r"/login$"))


def login(page: Page, server: LiveServer, username: str, then: str | None = None) -> None:
    """Log in through the login page (as a clerk would) and wait for the landing page."""
    target = f"{server.url}/login" + (f"?next={then}" if then else "")
    page.goto(target)
    page.fill("#username", username)
    page.fill("#password", "demo")
    with page.expect_navigation():
        page.click("form.login button[type=submit]")
    page.wait_for_selector("#who:not(:empty)")
