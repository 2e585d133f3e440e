"""The HTTP entry point: Flask app factory, blueprints per resource."""

from __future__ import annotations

# First: Chinese validation messages must be set before any schema (and its fields) is built.
from . import messages_zh  # noqa: F401

# isort: split

import logging
from typing import Any

from flask import Flask

from engine.service import WorkflowEngine
from engine.settings import Settings

from . import docs
from .converters import IdConverter
from .errors import register_error_handlers
from .guard import register_auth_guard
from .limits import register_request_limits
from .openapi import DocumentedApi, register_security, spec_kwargs
from .routes import auth, definitions, health, history, identity, instances, start_forms, tasks, users
from .routes.case_blueprints import CASE_BLUEPRINTS
from .routes.operation_blueprints import OPERATION_BLUEPRINTS
from .web import blp as web_pages

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None, engine: WorkflowEngine | None = None,
               bootstrap: bool = True, **overrides: Any) -> Flask:
    settings = settings or Settings.from_env()
    engine = engine or WorkflowEngine(settings)
    if bootstrap:
        engine.bootstrap()
    app = Flask(__name__)
    app.url_map.converters["int"] = IdConverter
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
    api = DocumentedApi(app, spec_kwargs=spec_kwargs())
    register_security(api)
    for module in (health, auth, users, identity, definitions, instances, tasks, history, start_forms):
        api.register_blueprint(module.blp, url_prefix=API_PREFIX)
    for blueprint in (*CASE_BLUEPRINTS, *OPERATION_BLUEPRINTS):
        api.register_blueprint(blueprint, url_prefix=API_PREFIX)
    app.register_blueprint(docs.blp)
    app.register_blueprint(web_pages)
    register_auth_guard(app, API_PREFIX)
    register_error_handlers(app)
    register_request_limits(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("spiff").setLevel(logging.WARNING)
    return app
