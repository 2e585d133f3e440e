"""Interactive API documentation at ``/api/docs``: Swagger UI served from this server.

The Swagger UI files come from the ``swagger-ui-bundle`` package (installed with
the project), so the page loads nothing from elsewhere; a Content-Security-Policy
header holds it to this origin (Swagger UI's online validator badge is off).
"""

from __future__ import annotations

from flask import Blueprint, Response, send_from_directory
from swagger_ui_bundle import swagger_ui_path

blp = Blueprint("api_docs", __name__)

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'")

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="UTF-8">
  <title>社区治理审批流程引擎 API 文档</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/swagger-ui-bundle.js" charset="UTF-8"></script>
  <script src="/api/docs/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
  <script src="/api/docs/init.js" charset="UTF-8"></script>
</body>
</html>
"""

INIT = """window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout"
  });
};
"""


def _secured(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blp.route("/api/docs")
@blp.route("/api/docs/")
def page() -> Response:
    return _secured(Response(PAGE, mimetype="text/html"))


@blp.route("/api/docs/init.js")
def init_script() -> Response:
    return _secured(Response(INIT, mimetype="text/javascript"))


@blp.route("/api/docs/<path:filename>")
def asset(filename: str) -> Response:
    return _secured(send_from_directory(str(swagger_ui_path), filename, max_age=3600))
