"""Authenticate every API request before its arguments are parsed (401 comes before 422).

Views still call :func:`api.context.current_actor` (cached per request) for the actor.
Endpoints documented as public (``@blp.doc(**PUBLIC)``) and the OpenAPI document are open.
"""

from __future__ import annotations

from flask import Flask, request

from .context import current_actor
from .openapi import PUBLIC


def _is_public(view: object) -> bool:
    doc = getattr(view, "_apidoc", {}) or {}
    return (doc.get("manual_doc") or {}).get("security") == PUBLIC["security"]


def register_auth_guard(app: Flask, prefix: str) -> None:
    public = {name for name, view in app.view_functions.items() if _is_public(view)}
    public.add("api-docs.openapi_json")

    @app.before_request
    def _authenticate() -> None:
        if request.endpoint is None or request.endpoint in public or not request.path.startswith(prefix + "/"):
            return
        if request.method == "OPTIONS":
            return
        current_actor()
