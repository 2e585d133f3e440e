"""The HTTP entry point: Flask app factory, blueprints per resource, the ``flask --app api`` commands.

``create_app`` only builds the app: it touches no database and configures no
logging. Setting a database up and serving are the CLI's (:mod:`api.cli`).
"""

from __future__ import annotations

# First: Chinese validation messages must be set before any schema (and its fields) is built.
from . import messages_zh  # noqa: F401

# isort: split

from typing import Any

from flask import Flask

from engine.service import WorkflowEngine
from engine.settings import Settings

from . import docs
from .cli import register_commands
from .converters import IdConverter
from .errors import register_error_handlers
from .guard import register_auth_guard
from .json_output import FastJSONProvider
from .limits import register_request_limits
from .login_limits import register_login_limits
from .metrics import register_metrics
from .openapi import DocumentedApi, register_security, spec_kwargs
from .public_limits import limit_public
from .request_log import register_request_log
from .routes import (
    access_list,
    auth,
    definitions,
    health,
    history,
    identity,
    instances,
    progress,
    start_forms,
    tasks,
    users,
)
from .routes.case_blueprints import CASE_BLUEPRINTS
from .routes.operation_blueprints import OPERATION_BLUEPRINTS
from .routes.time_blueprints import TIME_BLUEPRINTS
from .security_headers import register_security_headers, trust_proxies
from .text_input import register_text_checks
from .web import blp as web_pages

API_PREFIX = "/api/v1"


def create_app(settings: Settings | None = None, engine: WorkflowEngine | None = None, **overrides: Any) -> Flask:
    settings = settings or Settings.from_env()
    engine = engine or WorkflowEngine(settings)
    app = Flask(__name__)
    app.json = FastJSONProvider(app)
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
    register_request_log(app)  # first: every later hook, error and log line has the request id
    register_metrics(app)
    api = DocumentedApi(app, spec_kwargs=spec_kwargs())
    register_security(api)
    for module in (health, auth, users, identity, definitions, instances, tasks, history, start_forms, access_list,
                   progress):
        api.register_blueprint(module.blp, url_prefix=API_PREFIX)
    for blueprint in (*CASE_BLUEPRINTS, *TIME_BLUEPRINTS, *OPERATION_BLUEPRINTS):
        api.register_blueprint(blueprint, url_prefix=API_PREFIX)
    app.register_blueprint(docs.blp)
    app.register_blueprint(web_pages)
    register_auth_guard(app, API_PREFIX)
    register_error_handlers(app)
    register_request_limits(app)
    register_text_checks(app)
    register_security_headers(app)
    trust_proxies(app, settings.trusted_proxies)
    register_login_limits(app, settings.login_rate_limit, settings.login_rate_limit_storage)
    limit_public(app, access_list.PUBLIC_ENDPOINTS, settings.public_rate_limit, settings.login_rate_limit_storage)
    limit_public(app, progress.PUBLIC_ENDPOINTS, settings.progress_rate_limit, settings.login_rate_limit_storage)
    register_commands(app)
    return app
