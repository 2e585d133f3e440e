"""Per-address rate limits on the public (no-login) pages and APIs (Flask-Limiter).

Public endpoints register here by endpoint name (:func:`limit_public`); one limiter with its own
key prefix counts them, separately from the login limit. A refused request is a 429 with a
Chinese message and ``Retry-After`` (the handler in :mod:`api.login_limits` answers for both).
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter

from .login_limits import client_address

# endpoints anyone may call without logging in, limited per client address
PUBLIC_ENDPOINTS: list[str] = ["access_list.list_access_list", "access_list.list_access_list_units",
                                "web.access_list_page"]


def register_public_limits(app: Flask, limit: str, storage_uri: str) -> Limiter:
    limiter = Limiter(key_func=client_address, app=app, storage_uri=storage_uri, headers_enabled=False,
                      key_prefix="public", strategy="moving-window")
    for endpoint in PUBLIC_ENDPOINTS:
        view = app.view_functions.get(endpoint)
        if view is not None:
            app.view_functions[endpoint] = limiter.limit(limit)(view)
    app.extensions["public_limiter"] = limiter
    return limiter
