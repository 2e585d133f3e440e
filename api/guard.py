"""Authenticate every API request before its arguments are parsed (401 comes before 422).

Views still call :func:`api.context.current_actor` (cached per request) for the actor.
Endpoints documented as public (``@blp.doc(**PUBLIC)``) and the OpenAPI document are open.
A read request (GET, HEAD) looks its token up through ``Views.actor_for_view``: on SQLite in the read
transaction its view then reads in (engine/store/handed_read.py), one session and one snapshot instead of
two; on PostgreSQL as one autocommit statement (``UnitOfWork.read_and_hand_over`` says why). The request's
teardown closes a handed session no view read took.
"""

from __future__ import annotations

from flask import Flask, g, request

from engine.store import handed_read

from .context import bearer_token, current_actor, engine
from .openapi import PUBLIC

READS = frozenset(("GET", "HEAD"))


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
        if request.method in READS and g.get("actor") is None:
            g.actor = engine().views.actor_for_view(bearer_token())
            return
        current_actor()

    @app.teardown_request
    def _release_read(_exc: BaseException | None) -> None:
        handed_read.release()
