"""Web pages for clerks, process owners and auditors.

Each page is a small Jinja shell (header, navigation, a mount point) around one
esbuild bundle from ``static/dist`` (built by ``make web``). The pages talk to
the JSON API under /api/v1 with the bearer token kept in sessionStorage, so they
act with exactly the same identities and rights as any other API client.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from flask import Blueprint, make_response, redirect, render_template, request, send_from_directory, url_for
from werkzeug.wrappers import Response

from ..security_headers import FORM_PAGE_CSP

STATIC = Path(__file__).resolve().parent / "static"
DIST = STATIC / "dist"

blp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
                static_url_path="/web-static")


# esbuild names shared chunks, lazily imported parts and fonts by a hash of their content (chunk-34MAWAUN.js):
# such a name never changes its bytes, so a browser keeps it without asking again. The pages' entry bundles
# (task.js) keep their names and are revalidated (ETag) on every load.
_HASHED = re.compile(r"^dist/[^/]+-[A-Z0-9]{8}\.[a-z0-9]+$")
IMMUTABLE = "public, max-age=31536000, immutable"


@blp.after_request
def _cache_hashed(response: Response) -> Response:
    if (request.endpoint == "web.static" and response.status_code in (200, 304)
            and _HASHED.match((request.view_args or {}).get("filename", ""))):
        response.headers["Cache-Control"] = IMMUTABLE
    return response


Page = Response | tuple[str, int]
# bundles that render JSON-Schema forms (rjsf + ajv, which compiles validators with eval)
FORM_PAGES = frozenset({"inbox", "task", "version", "modeler"})


_preload: tuple[float, dict[str, list[str]]] = (0.0, {})


def _preloads(bundle: str) -> list[str]:
    """The chunks the page's entry imports statically (written by build.mjs), read again when rebuilt."""
    global _preload
    path = DIST / "preload.json"
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return []
    if mtime != _preload[0]:
        _preload = (mtime, json.loads(path.read_text(encoding="utf-8")))
    return _preload[1].get(bundle, [])


def _page(bundle: str, title: str, **mount: Any) -> Page:
    """The shell of one page: header, navigation and a mount point carrying the page's ids."""
    if not (DIST / f"{bundle}.js").is_file():
        return render_template("unbuilt.html", title=title), 503
    response = make_response(render_template("page.html", bundle=bundle, title=title,
                                             has_css=(DIST / f"{bundle}.css").is_file(), mount=mount,
                                             preloads=_preloads(bundle)))
    if bundle in FORM_PAGES:
        response.headers["Content-Security-Policy"] = FORM_PAGE_CSP
    return response


@blp.route("/")
def home() -> Response:
    return redirect(url_for("web.inbox"))


@blp.route("/favicon.ico")
def favicon() -> Response:
    # browsers ask for it on every page (also the API docs); a 404 there is a console error
    return send_from_directory(STATIC, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86400)


@blp.route("/login")
def login() -> Page:
    return _page("login", "登录")


@blp.route("/access-list")
def access_list_page() -> Page:
    # public: no login (the page reads GET /api/v1/access-list), rate-limited like the API (api/public_limits.py)
    return _page("access-list", "社区事务准入清单")


@blp.route("/inbox")
def inbox() -> Page:
    return _page("inbox", "我的待办")


@blp.route("/done")
def done() -> Page:
    return _page("done", "已办")


@blp.route("/started")
def started() -> Page:
    return _page("started", "我发起的")


@blp.route("/tasks/<int:task_id>")
def task(task_id: int) -> Page:
    return _page("task", "办理任务", task_id=task_id)


@blp.route("/cases/<int:instance_id>")
def case(instance_id: int) -> Page:
    return _page("case", "办件详情", instance_id=instance_id)


@blp.route("/definitions")
def definitions() -> Page:
    return _page("definitions", "流程定义")


@blp.route("/definitions/<key>/versions/<int:version>")
def version(key: str, version: int) -> Page:
    return _page("version", "流程版本", key=key, version=version)


@blp.route("/modeler/<key>")
def modeler(key: str) -> Page:
    return _page("modeler", "流程建模", key=key)


@blp.route("/decisions/<key>")
def decisions(key: str) -> Page:
    return _page("decisions", "决策表", key=key)


@blp.route("/audit")
def audit() -> Page:
    return _page("audit", "办件查询")


@blp.route("/audit/cases/<int:instance_id>")
def replay(instance_id: int) -> Page:
    return _page("replay", "办件回放", instance_id=instance_id)


@blp.route("/progress")
def progress() -> Page:
    """办件进度查询: public, no login (the API it calls is rate-limited)."""
    return _page("progress", "办件进度查询")


@blp.route("/cases/<int:instance_id>/receipt")
def receipt(instance_id: int) -> Page:
    return _page("receipt", "办件回执", instance_id=instance_id)


@blp.route("/grid-log")
def grid_log() -> Page:
    return _page("grid-log", "民情日志")


@blp.route("/copies")
def copies() -> Page:
    return _page("copies", "抄送我的")


@blp.route("/notifications")
def notifications() -> Page:
    return _page("notifications", "消息")
