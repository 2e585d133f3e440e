"""Per-address rate limits on the public (no-login) pages and APIs, with Flask-Limiter.

A public endpoint answers anyone, so it is bounded per client address (``client_address``: IPv4,
or an IPv6 /64), apart from the login limit. Every request counts, successful or not, so an address
cannot walk through numbers or codes. Beyond the limit the answer is 429 with ``Retry-After`` and a
Chinese message. Counters live in each process's memory unless a shared storage URI is given (as
for logins). One limiter serves every public endpoint; each endpoint group has its own limit.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify
from flask_limiter import Limiter, RequestLimit

from .errors import error_body
from .limiter_scope import confine
from .login_limits import client_address, retry_after

MESSAGE = "该地址访问过于频繁，请 {seconds} 秒后再试"


def _too_many(limit: RequestLimit) -> Any:
    seconds = retry_after(limit)
    response = jsonify(error_body("too_many_requests", MESSAGE.format(seconds=seconds)))
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    return response


def limit_public(app: Flask, endpoints: list[str], limit: str, storage_uri: str) -> Limiter:
    """Wrap each endpoint's view in ``limit`` (e.g. ``"10 per minute;100 per hour"``) per client address."""
    limiter = app.extensions.get("public_limiter")
    if limiter is None:
        limiter = Limiter(key_func=client_address, app=app, storage_uri=storage_uri, headers_enabled=False,
                          key_prefix="public", strategy="moving-window")
        app.extensions["public_limiter"] = limiter
        app.extensions["public_limited"] = limited = set()
        confine(app, limiter, limited)
    limited = app.extensions["public_limited"]
    for endpoint in endpoints:
        view = app.view_functions.get(endpoint)
        if view is not None:
            app.view_functions[endpoint] = limiter.limit(limit, on_breach=_too_many)(view)
            limited.add(endpoint)
    return limiter
