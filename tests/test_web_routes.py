"""The web blueprint serves page shells next to the API (the pages themselves are tested in tests/web/)."""

from __future__ import annotations

from api.web import DIST
from tests.support import ApiClient


def test_home_leads_to_the_inbox_and_pages_carry_their_ids(api: ApiClient) -> None:
    home = api.client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/inbox")
    page = api.client.get("/tasks/7")
    if (DIST / "task.js").is_file():
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert 'data-task-id="7"' in html and "/web-static/dist/task.js" in html
    else:
        assert page.status_code == 503 and "make run" in page.get_data(as_text=True)
    assert api.client.get("/definitions/village_to_community/versions/1").status_code in (200, 503)
    assert api.client.get("/nowhere").status_code == 404
    icon = api.client.get("/favicon.ico")  # every browser asks for it; a 404 is a console error
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.get_data()[:4] == b"\x00\x00\x01\x00"  # an ICO header
    for path in ("/done", "/started"):
        assert api.client.get(path).status_code in (200, 503)


def test_task_page_preloads_its_chunks_and_hashed_files_are_kept_for_good(api: ApiClient) -> None:
    if not (DIST / "preload.json").is_file():
        return  # `make web` not run: the page answers 503 (above)
    import json
    import re

    chunks = json.loads((DIST / "preload.json").read_text(encoding="utf-8"))["task"]
    html = api.client.get("/tasks/7").get_data(as_text=True)
    preloaded = re.findall(r'<link rel="modulepreload" href="/web-static/dist/([^"]+)">', html)
    assert preloaded == chunks and chunks  # the entry's static imports, fetched beside it
    assert not any("modeler" in name for name in preloaded)
    hashed = api.client.get(f"/web-static/dist/{chunks[0]}")
    assert hashed.status_code == 200 and hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    entry = api.client.get("/web-static/dist/task.js")  # named by page, not content: asked again every load
    assert entry.status_code == 200 and "immutable" not in entry.headers.get("Cache-Control", "")
