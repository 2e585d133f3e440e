"""The HTTP entry point: Flask app factory, blueprints per resource."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from flask_smorest import Api

from engine.service import WorkflowEngine
from engine.settings import Settings

from .errors import register_error_handlers
from .routes import auth, definitions, health, instances, start_forms, tasks, users
from .web import blp as web_pages

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None, engine: WorkflowEngine | None = None,
               bootstrap: bool = True, **overrides: Any) -> Flask:
    settings = settings or Settings.from_env()
    engine = engine or WorkflowEngine(settings)
    if bootstrap:
        engine.bootstrap()
    app = Flask(__name__)
    app.config.update(
        API_TITLE="社区治理审批流程引擎 API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        JSON_AS_ASCII=False,
    )
    app.config.update(overrides)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["workflow_engine"] = engine
    api = Api(app, spec_kwargs={"info": {"description": "街道、民政、区政府与开发单位之间的法定审批流程。"}})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for module in (health, auth, users, definitions, instances, tasks, start_forms):
        api.register_blueprint(module.blp, url_prefix=API_PREFIX)
    app.register_blueprint(web_pages)
    register_error_handlers(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("spiff").setLevel(logging.WARNING)
    return app
