"""Where row 11's requests spend the server's CPU, part by part (not a bench row).

    .venv/bin/python -m bench.request_parts [DIRECTORY] [REQUESTS]

builds row 11's database once in DIRECTORY (default /tmp/request-parts: every case of the city running, the
busy clerk 民政 with 550 tasks in the inbox) and works on a copy of it: it sends ``REQUESTS`` (default 200, at
most 400) of each of ``GET /tasks?limit=20``, ``GET /tasks/{id}`` and the completion (``POST
/tasks/{id}/complete`` with an ``Idempotency-Key``, as the pages send it, answered by the case view) to the app
in this process, and prints each part's CPU time per request exclusive of the parts inside it
(bench/parts.py), with the heap frozen as the servers freeze it. The figures are of ``Flask.wsgi_app``: the
HTTP server around it (waitress in row 11: parsing, a thread hand-off, writing the socket) is not in them, nor
is Werkzeug's test client building the request.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import webargs.core
from flask import Flask

from api import create_app
from api import idempotency as api_idempotency
from api.fast_dump import FastDump
from api.heap import frozen_heap
from api.json_output import FastJSONProvider
from engine.idempotency import keys
from engine.limits.views import DeadlineReader
from engine.read import views
from engine.read.views import Views
from engine.seed.loader import DEMO_PASSWORD
from engine.settings import Settings
from engine.store import handed_read
from engine.store.unit_of_work import UnitOfWork

from .clerk_rows import CLERK, INBOX
from .command_parts import DRIVER
from .command_parts import PARTS as COMMAND_PARTS
from .harness import CaseDriver, actors, make_engine, sqlite_url
from .parts import Part, print_parts, timed_parts
from .scale_data import generate
from .scenario import HAPPY_PATH

REQUEST_PARTS: list[Part] = [
    (Flask, "wsgi_app", "Flask, Werkzeug, flask-smorest: the rest of the request"),
    (webargs.core.Parser, "parse", "webargs: the query or body"),
    (Views, "actor", "authentication: the token's lookup"),
    (Views, "actor_for_view", "authentication: the token's lookup"),
    (UnitOfWork, "read", "read sessions: open, hand on, close"),
    (handed_read, "release", "read sessions: open, hand on, close"),
    (views, "inbox_page", "the inbox's Python: statements' parameters, items with names"),
    (DeadlineReader, "task_fields", "the items' time limits"),
    (Views, "task", "the task view: form, data, operations"),
    (Views, "case", "the case view after a completion"),
    (FastDump, "dump", "the response schema's dump"),
    (FastJSONProvider, "response", "writing the JSON (orjson), the response object"),
    (api_idempotency, "fingerprint", "Idempotency-Key: the body's fingerprint"),
    (keys, "claim", "Idempotency-Key: claim and record"),
    (keys, "record", "Idempotency-Key: claim and record"),
    *((owner, name, label) for owner, name, label in COMMAND_PARTS if label != DRIVER),  # SQL among them
]


def _database(directory: Path) -> Path:
    """Row 11's database, generated once in ``directory``: each run completes tasks in a copy of it."""
    template = directory / "clerk.db"
    if not template.exists():
        directory.mkdir(parents=True, exist_ok=True)
        engine = make_engine(sqlite_url(directory, "clerk.db"), directory / "attachments")
        generate(CaseDriver(engine, actors(engine)), 10_000, busy_inbox=550, busy_done=200, long_entries=0,
                 running_only=True)
        engine.db.dispose()
    return template


def main(directory: Path, requests: int) -> None:
    if requests > 400:
        raise SystemExit("at most 400 requests: the busy clerk has 550 tasks to complete")
    template = _database(directory)
    with tempfile.TemporaryDirectory(prefix="request-parts-") as scratch:
        shutil.copyfile(template, Path(scratch) / "clerk.db")
        _run(Path(scratch), requests)


def _run(directory: Path, requests: int) -> None:
    app = create_app(Settings(database_url=sqlite_url(directory, "clerk.db"),
                              attachments_dir=str(directory / "attachments")))
    client = app.test_client()
    token = client.post("/api/v1/auth/token", json={"username": CLERK, "password": DEMO_PASSWORD}).get_json()
    headers = {"Authorization": f"Bearer {token['token']}"}

    def call(method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        keyed = headers | {"Idempotency-Key": uuid.uuid4().hex} if method == "POST" else headers
        answer = client.open("/api/v1" + path, method=method, json=body, headers=keyed)
        if answer.status_code != 200:
            raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.get_data(as_text=True)[:300]}")
        return answer.get_json()

    first = call("GET", INBOX)[0]["id"]
    shapes = [(f"GET {INBOX}", lambda: call("GET", INBOX)),
              ("GET /tasks/{id}", lambda: call("GET", f"/tasks/{first}"))]
    for title, send in shapes:
        for _ in range(20):
            send()
        _measure(title, send, requests)
    # the clerk's tasks to complete, listed before the clock starts (each case's next task is someone else's)
    todo: list[dict[str, Any]] = []
    while len(todo) < requests + 20:
        todo += call("GET", f"/tasks?limit=100&offset={len(todo)}")
    items = iter(todo)

    def complete() -> None:
        item = next(items)
        call("POST", f"/tasks/{item['id']}/complete", {"data": HAPPY_PATH[item["element_id"]][1]})

    for _ in range(20):
        complete()
    _measure("POST /tasks/{id}/complete (keyed), the case view in its answer", complete, requests)


def _measure(title: str, send: Any, requests: int) -> None:
    with frozen_heap(), timed_parts(REQUEST_PARTS) as totals:  # as the servers run (api/heap.py)
        began = time.thread_time()
        for _ in range(requests):
            send()
        spent = time.thread_time() - began
    inside = sum(totals.values())
    print_parts(title, inside / requests * 1000, totals, requests)
    print(f"  (outside Flask.wsgi_app, Werkzeug's test client: {(spent - inside) / requests * 1000:.2f} ms)\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/request-parts"),
         int(sys.argv[2]) if len(sys.argv) > 2 else 200)
