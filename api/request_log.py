"""Request ids and structured (JSON) logs.

Every request gets an id: the caller's ``X-Request-Id`` when it is a plain
token (letters, digits, ``._:-``, at most 128), else a fresh one. It is sent
back in ``X-Request-Id``, put in every error body (``error.request_id``), and
added to every log record written while the request runs, so one id ties a
user's report, the answer and the operator's log together.

Each request ends with one access line (logger ``api.access``: method, path,
route, status, duration, user, client). Logs are JSON lines on standard error
(python-json-logger), ``LOG_FORMAT=text`` for plain lines; this is set up once
per process and only if nothing configured logging before (gunicorn's own
logs, a test's capture, an embedding application keep theirs).
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-Id"
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
access_log = logging.getLogger("api.access")
_CONFIGURED = False


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (or None outside a request) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


def json_formatter() -> logging.Formatter:
    return JsonFormatter("{asctime}{levelname}{name}{message}{request_id}", style="{",
                         rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                         json_ensure_ascii=False)


def configure_logging(fmt: str = "json") -> None:
    """JSON (or text) lines on stderr with request ids, once per process, unless logging is set up already."""
    global _CONFIGURED
    root = logging.getLogger()
    if _CONFIGURED or root.handlers:
        return
    _CONFIGURED = True
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(json_formatter() if fmt != "text" else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def register_request_log(app: Flask) -> None:
    """Call first in create_app: the id must exist before any other hook can fail."""

    @app.before_request
    def _begin() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def _end(response: Response) -> Response:
        request_id = g.get("request_id")
        if request_id is not None:
            response.headers[REQUEST_ID_HEADER] = request_id
        started = g.get("request_started")
        duration_ms = round((time.perf_counter() - started) * 1000, 2) if started is not None else None
        actor = g.get("actor")
        extra: dict[str, Any] = {
            "method": request.method, "path": request.path,
            "route": request.url_rule.rule if request.url_rule is not None else None,
            "status": response.status_code, "duration_ms": duration_ms,
            "user": getattr(actor, "username", None), "client": request.remote_addr,
        }
        access_log.info("%s %s %s", request.method, request.path, response.status_code, extra=extra)
        return response
