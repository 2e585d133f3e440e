"""Row 13: the task page and the inbox in a real browser (Playwright, Debian's chromium).

The app runs under waitress in its own process (bench.server) on a small SQLite database with
open tasks for the clerk. For each page the row loads it ``loads`` times in one logged-in browser
context (its cache warm after the first) and reports: the time until the page is *interactive*
(the task form's 提交 button, the inbox's first 办理 link, visible), the navigation timing's
``domInteractive`` and ``loadEventEnd``, and the JavaScript the page fetched on a cold load (bytes,
and whether any of it is bpmn-js's modeler).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from engine.seed.loader import DEMO_PASSWORD

from .harness import CaseDriver, actors, make_engine, sqlite_url
from .http_rows import running_server
from .stats import summary

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
CLERK = "civil_affairs"
GOAL_MS = 500.0
_TIMING = """() => { const n = performance.getEntriesByType('navigation')[0];
  const js = performance.getEntriesByType('resource').filter(r => r.name.endsWith('.js'));
  return { domInteractive: n.domInteractive, loadEventEnd: n.loadEventEnd,
           js: js.map(r => [r.name, r.encodedBodySize || r.transferSize || 0]) }; }"""
# strings in the modeler's code that the viewer does not carry (bpmn-js's Modeler, its palette)
_MODELER_MARKS = ("djs-palette", "bpmn-js-properties-panel", "PaletteProvider")


def measure_pages(directory: Path, loads: int) -> dict[str, Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        return {"unavailable": f"playwright not installed: {exc}"}
    from api.web import DIST
    if not CHROMIUM.exists() or not (DIST / "task.js").exists():
        return {"unavailable": "chromium or the web bundle is missing (make browser, make web)"}
    url = sqlite_url(directory, "pages.db")
    engine = make_engine(url, directory / "attachments-pages")
    driver = CaseDriver(engine, actors(engine))
    tasks = []
    for _ in range(loads + 2):
        instance_id = driver.start()
        driver.complete_next(instance_id)  # apply → gatekeep_review, the clerk's (民政) task
        tasks.append(driver.open_tasks(instance_id)[0][0])
    engine.db.dispose()
    result: dict[str, Any] = {}
    with running_server(url) as (port, _pid), sync_playwright() as playwright:
        base = f"http://127.0.0.1:{port}"
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            context.set_default_timeout(30_000)
            page = context.new_page()
            page.goto(f"{base}/login")
            page.fill("#username", CLERK)
            page.fill("#password", DEMO_PASSWORD)
            with page.expect_navigation():
                page.click("form.login button[type=submit]")
            page.wait_for_selector("#who:not(:empty)")
            result["task"] = _load(page, [f"{base}/tasks/{t}" for t in tasks],
                                   lambda: page.get_by_role("button", name="提交").wait_for(state="visible"))
            result["inbox"] = _load(page, [f"{base}/inbox"] * len(tasks),
                                    lambda: page.get_by_role("link", name="办理").first.wait_for(state="visible"))
            context.close()
        finally:
            browser.close()
    return result


def _load(page: Any, urls: list[str], ready: Any) -> dict[str, Any]:
    interactive, dom, load = [], [], []
    cold: dict[str, Any] = {}
    for i, target in enumerate(urls):
        began = time.perf_counter()
        page.goto(target)
        ready()
        elapsed = time.perf_counter() - began
        timing = page.evaluate(_TIMING)
        if i == 0:
            names = [name for name, _ in timing["js"]]
            # the files' own sizes (the resource timing says 0 for what the login page had cached)
            bodies = [page.evaluate("u => fetch(u).then(r => r.text())", name) for name in names]
            cold = {"interactive_ms": round(elapsed * 1000, 1), "js_files": len(names),
                    "js_kb": round(sum(len(b.encode()) for b in bodies) / 1024, 1),
                    "loads_modeler": any(mark in b for b in bodies for mark in _MODELER_MARKS)}
            continue
        interactive.append(elapsed)
        dom.append(timing["domInteractive"] / 1000)
        load.append(timing["loadEventEnd"] / 1000)
    return {"cold": cold, "interactive": summary(interactive), "dom_interactive": summary(dom),
            "load_event_end": summary(load)}


def goals(results: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    pages = results.get("pages")
    if not pages or "task" not in pages:
        return []
    task, inbox = pages["task"], pages["inbox"]
    return [
        ("task page interactive ≤ 500 ms (median, warm cache)", f"{task['interactive']['median_ms']:.0f} ms "
         f"(cold {task['cold']['interactive_ms']:.0f} ms)", task["interactive"]["median_ms"] <= GOAL_MS),
        ("inbox and task pages do not load bpmn-js's modeler",
         f"task {task['cold']['js_kb']:.0f} KB JS, inbox {inbox['cold']['js_kb']:.0f} KB JS",
         not task["cold"]["loads_modeler"] and not inbox["cold"]["loads_modeler"]),
    ]


def rows(results: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    pages = results.get("pages")
    if not pages:
        return []
    if "task" not in pages:
        return [("13 pages (Playwright)", "n/a", str(pages.get("unavailable", ""))[:60], "", "")]
    out = []
    for name in ("task", "inbox"):
        p = pages[name]
        out.append((f"13 {name} page (Playwright)", f"interactive {p['interactive']['median_ms']:.0f} ms",
                    f"domInteractive {p['dom_interactive']['median_ms']:.0f} ms, cold "
                    f"{p['cold']['interactive_ms']:.0f} ms", f"{p['cold']['js_files']} JS files, "
                    f"{p['cold']['js_kb']:.0f} KB", "modeler!" if p["cold"]["loads_modeler"] else "no modeler"))
    return out
