from __future__ import annotations

import logging

from flask_smorest import Blueprint
from sqlalchemy.exc import SQLAlchemyError

from engine.errors import Unavailable
from engine.store.faults import translate

from ..context import engine
from ..openapi import PUBLIC
from ..schemas import ApiErrorSchema, HealthSchema, ReadySchema

blp = Blueprint("health", __name__, description="服务状态")


@blp.route("/health")
@blp.doc(**PUBLIC)
@blp.response(200, HealthSchema)
def health() -> dict[str, str]:
    """Liveness check (no authentication): the process answers."""
    return {"status": "ok"}


@blp.route("/ready")
@blp.doc(**PUBLIC)
@blp.response(200, ReadySchema)
@blp.alt_response(503, schema=ApiErrorSchema, description="数据库不可用，暂不能处理请求")
def ready() -> dict[str, str]:
    """Readiness check (no authentication): the database answers a query on the schema."""
    try:
        engine().views.ready()
    except (SQLAlchemyError, OSError) as exc:
        fault = translate(exc)
        logging.getLogger("api.faults").error("not ready: %s", fault.cause if fault else repr(exc)[:300])
        raise Unavailable("数据库不可用，服务暂不能处理请求", 5) from exc
    return {"status": "ready"}
