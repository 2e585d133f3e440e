"""Per-request access to the engine and the authenticated actor."""

from __future__ import annotations

from flask import current_app, g, request

from engine.errors import Unauthorized
from engine.identity.actors import Actor
from engine.service import WorkflowEngine


def engine() -> WorkflowEngine:
    return current_app.extensions["workflow_engine"]


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("缺少 Authorization: Bearer 令牌")
    return token.strip()


def current_actor() -> Actor:
    actor = g.get("actor")
    if actor is None:
        actor = g.actor = engine().views.actor(bearer_token())
    return actor
