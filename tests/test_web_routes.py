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
