"""A Flask-Limiter's per-request hooks confined to the endpoints it limits.

Each Limiter registers a before-request check, an after-request hook (headers, and the deferred hits
of ``deduct_when`` limits: the login's failures) and a teardown on the whole app, and they run on every
request: for the two limiters here (logins, public pages) ≈ 0.15 ms of every API request, a third of a
cheap one, to find no limit to apply. Our limits are all per endpoint (``limiter.limit`` on a view, no
default or application limits), so off those endpoints the hooks have nothing to do and are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import partial
from typing import Any

from flask import Flask, request
from flask_limiter import Limiter


def confine(app: Flask, limiter: Limiter, endpoints: Collection[str]) -> None:
    """Run ``limiter``'s hooks only for requests to ``endpoints`` (a live collection: may grow later)."""
    def owned(hook: Any) -> bool:
        if isinstance(hook, partial):
            return bool(hook.args) and hook.args[0] is limiter
        return getattr(hook, "__self__", None) is limiter

    for registry in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs):
        hooks = registry.get(None, [])
        for index, hook in enumerate(hooks):
            if owned(hook):
                hooks[index] = _only_for(endpoints, hook)


def _only_for(endpoints: Collection[str], hook: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(*args: Any) -> Any:
        if request.endpoint in endpoints:
            return hook(*args)
        return args[0] if args else None  # an after-request hook hands the response on
    guarded.__wrapped__ = hook  # type: ignore[attr-defined]
    return guarded
