"""Per-address rate limit on logins (Flask-Limiter), beside the per-account-and-address lockout.

Policy (README, "Identity"):

- a client address may fail ``LOGIN_RATE_LIMIT`` logins (default 30 a minute and
  300 an hour, across all usernames; successful logins do not count): beyond
  that every login from it is 429 with ``Retry-After`` until the window passes.
  This bounds password spraying from one address.
- one username failing 5 times in a row from one address is locked *there*
  (engine/identity/logins.py), so nobody can lock another user out from their own
  address.

An IPv6 client is keyed by its /64 network (one host commonly holds a whole /64).
The address is the peer's, or the one a trusted proxy forwarded (``TRUSTED_PROXIES``).

Storage: the lockout lives in the database (exact across processes); the rate
limit's counters in each process's memory (``memory://``), so with N processes
an address may get up to N times the limit before all refuse it — it is a bound
on guessing, not an exact quota. ``LOGIN_RATE_LIMIT_STORAGE`` takes any storage
URI of the ``limits`` package (e.g. ``redis://…``) to share the counters.
"""

from __future__ import annotations

import ipaddress
import math
import time
from typing import Any

from flask import Flask, jsonify, request
from flask_limiter import Limiter, RequestLimit
from flask_limiter.errors import RateLimitExceeded

from .errors import error_body
from .limiter_scope import confine

LOGIN_ENDPOINT = "auth.login"
MESSAGE = "该地址登录失败次数过多，请 {seconds} 秒后再试"


def retry_after(limit: RequestLimit) -> int:
    """Whole seconds until the window lets a request through: never beyond the window itself
    (the limiter's reset time is a whole second, so rounding up could say one more)."""
    return max(1, min(math.ceil(limit.reset_at - time.time()), limit.limit.get_expiry()))


def client_address() -> str:
    """The client's address for limits and lockouts: IPv4 as is, IPv6 by its /64 network."""
    raw = request.remote_addr or ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return "unknown"  # not an address (a forwarded header's garbage): all such clients share one count
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def register_login_limits(app: Flask, limit: str, storage_uri: str) -> Limiter:
    limiter = Limiter(key_func=client_address, app=app, storage_uri=storage_uri, headers_enabled=False,
                      key_prefix="login", strategy="moving-window")
    view = app.view_functions[LOGIN_ENDPOINT]
    app.view_functions[LOGIN_ENDPOINT] = limiter.limit(
        limit, deduct_when=lambda response: response.status_code != 200)(view)
    confine(app, limiter, {LOGIN_ENDPOINT})

    @app.errorhandler(RateLimitExceeded)
    def _too_many(exc: RateLimitExceeded) -> Any:
        if exc.response is not None:  # another limit's own answer (api/public_limits.py)
            return exc.response
        current = limiter.current_limit
        seconds = retry_after(current) if current is not None else 60
        text = MESSAGE.format(seconds=seconds)
        response = jsonify(error_body("too_many_requests", text))
        response.status_code = 429
        response.headers["Retry-After"] = str(seconds)
        return response

    return limiter
