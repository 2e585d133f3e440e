"""``/metrics`` in Prometheus' text format, and the HTTP metrics (requests, latencies).

The engine's metrics (commands, lost races, timers, overdue tasks) are in
engine/metrics.py. With ``PROMETHEUS_MULTIPROC_DIR`` set (several worker
processes; scripts/serve-production sets it), prometheus_client keeps each
process's values in files there and the endpoint adds them up, whichever
worker answers. ``METRICS_TOKEN``, when set, is required as a bearer token.
Requests are labelled by route (``/api/v1/tasks/<int:task_id>``), not path, so
the number of series stays bounded.
"""

from __future__ import annotations

import hmac
import os
import time
from typing import Any

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess

from engine.errors import Unauthorized

REQUESTS = Counter("shequ_http_requests_total", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram("shequ_http_request_duration_seconds", "Time to answer an HTTP request", ["method", "route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))

blp = Blueprint("metrics", __name__)


def _registry() -> CollectorRegistry | None:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return None  # this process's default registry
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


@blp.route("/metrics")
def metrics() -> Response:
    token = os.environ.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise Unauthorized("需要监控令牌（METRICS_TOKEN）")
    registry = _registry()
    body = generate_latest(registry) if registry is not None else generate_latest()
    return Response(body, mimetype=CONTENT_TYPE_LATEST.split(";")[0],
                    headers={"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"})


def register_metrics(app: Flask) -> None:
    app.register_blueprint(blp)

    # the labelled series, looked up once each: ``labels()`` takes a lock and checks its values on every call
    counters: dict[tuple[str, str, int], Any] = {}
    histograms: dict[tuple[str, str], Any] = {}

    @app.before_request
    def _start() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        method, status = request.method, response.status_code
        counter = counters.get((method, route, status))
        if counter is None:
            counter = counters.setdefault((method, route, status), REQUESTS.labels(method, route, str(status)))
        counter.inc()
        started = g.get("metrics_started")
        if started is not None:
            histogram = histograms.get((method, route))
            if histogram is None:
                histogram = histograms.setdefault((method, route), LATENCY.labels(method, route))
            histogram.observe(time.perf_counter() - started)
        return response
