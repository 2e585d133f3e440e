"""Security headers on every answer: pages, API, downloads and the API documentation.

- ``Content-Security-Policy``: pages load scripts only from this origin (the
  esbuild bundles; no inline script), and nothing may frame any answer
  (``frame-ancestors 'none'``, with ``X-Frame-Options: DENY`` for old browsers).
  ``eval`` is refused too, except on the pages that render JSON-Schema forms
  (:data:`FORM_PAGE_CSP`): rjsf validates with ajv, which compiles each schema
  into a function (``new Function``). Ajv's standalone code (validators compiled
  at build time) cannot serve here: the forms are uploaded by process owners at
  run time and the modeler previews a form while it is edited. What would lift it
  is an interpreting validator (e.g. @cfworker/json-schema) behind rjsf's
  validator interface, with our Chinese messages mapped from its errors; until
  then the four form pages (inbox, task, version, modeler) keep ``'unsafe-eval'``
  and every other page refuses eval.
  Styles allow ``'unsafe-inline'``: bpmn-js, the properties panel and React set
  style attributes; styles cannot run code. JSON and file answers
  get ``default-src 'none'``: nothing in them is ever meant to run or load.
  A view that sets its own policy (``/api/docs``) keeps it.
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``.
- ``Strict-Transport-Security`` when the request came over HTTPS — directly, or
  through a proxy trusted with ``TRUSTED_PROXIES`` (see :func:`trust_proxies`).
"""

from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

PAGE_CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# pages rendering task forms with rjsf + ajv (ajv compiles validators with new Function)
FORM_PAGE_CSP = PAGE_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'")
DATA_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"


def _policy(response: Response) -> str:
    return PAGE_CSP if response.mimetype == "text/html" else DATA_CSP


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def _secure(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", _policy(response))
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response


def trust_proxies(app: Flask, hops: int) -> None:
    """Believe ``X-Forwarded-For``/``-Proto``/``-Host`` from ``hops`` proxies in front (0: believe none).

    Only then do ``request.is_secure`` (HSTS) and ``request.remote_addr`` (login limits) see through the
    proxy; set it only when every request really comes through that many proxies.
    """
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
