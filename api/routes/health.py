from __future__ import annotations

from flask_smorest import Blueprint

from ..openapi import PUBLIC
from ..schemas import HealthSchema

blp = Blueprint("health", __name__, description="服务状态")


@blp.route("/health")
@blp.doc(**PUBLIC)
@blp.response(200, HealthSchema)
def health() -> dict[str, str]:
    """Liveness check (no authentication)."""
    return {"status": "ok"}
