"""Request ids (header, error bodies, log lines), JSON access logs, /metrics and the readiness check."""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from api.request_log import RequestIdFilter, json_formatter
from tests.hostile_support import deploy, start_loop_case
from tests.support import ApiClient


class Lines(logging.Handler):
    """Formats records as the JSON log would and keeps the lines."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[dict[str, Any]] = []
        self.addFilter(RequestIdFilter())
        self.setFormatter(json_formatter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def json_log() -> Iterator[Lines]:
    handler = Lines()
    logger = logging.getLogger("api")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_every_answer_has_a_request_id_and_errors_carry_it(api: ApiClient) -> None:
    ok = api.get("/health")
    generated = ok.headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert api.get("/health").headers["X-Request-Id"] != generated
    for response in (api.get("/me"), api.get("/process-instances/999999", as_user="admin"),
                     api.post("/process-instances", {"definition_key": ""}, as_user="street_a"),
                     api.client.get("/nowhere")):
        assert response.status_code >= 400
        assert response.get_json()["error"]["request_id"] == response.headers["X-Request-Id"]


def test_a_callers_request_id_is_kept_if_it_is_a_plain_token(api: ApiClient) -> None:
    mine = api.client.get("/api/v1/me", headers={"X-Request-Id": "lb-7f3a.2026:01"})
    assert mine.headers["X-Request-Id"] == "lb-7f3a.2026:01"
    assert mine.get_json()["error"]["request_id"] == "lb-7f3a.2026:01"
    for hostile in ("has space", "x" * 129, "<script>", "a\tb"):
        answer = api.client.get("/api/v1/health", headers={"X-Request-Id": hostile})
        assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-Id"])


def test_each_request_writes_one_json_access_line_with_its_id(api: ApiClient, json_log: Lines) -> None:
    response = api.get("/tasks", as_user="street_a")
    lines = [line for line in json_log.lines if line["logger"] == "api.access"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert (line["method"], line["path"], line["route"], line["status"], line["user"]) == \
        ("GET", "/api/v1/tasks", "/api/v1/tasks", 200, "street_a")
    assert line["level"] == "INFO" and line["duration_ms"] >= 0 and "time" in line


def samples(api: ApiClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = api.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_metrics_count_requests_latencies_and_commands(api: ApiClient) -> None:
    deploy(api.engine)
    before = samples(api)
    case_id = start_loop_case(api)
    task = api.open_task(case_id, "submit", "street_a")
    assert api.complete(task["id"], "street_a", {"title": "指标", "amount": 1}).status_code == 200
    assert api.complete(task["id"], "street_a", {"title": "指标", "amount": 1}).status_code == 409
    after = samples(api)

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert delta("shequ_commands_total", command="start") == 1
    assert delta("shequ_commands_total", command="complete") == 1
    route = "/api/v1/tasks/<int:task_id>/complete"
    assert delta("shequ_http_requests_total", method="POST", route=route, status="200") == 1
    assert delta("shequ_http_requests_total", method="POST", route=route, status="409") == 1
    assert delta("shequ_http_request_duration_seconds_count", method="POST", route=route) == 2
    names = {name for name, _ in after}
    assert {"shequ_timers_due", "shequ_timers_fired_total", "shequ_tasks_overdue",
            "shequ_command_conflicts_total"} <= names


def test_metrics_may_require_a_token(api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METRICS_TOKEN", "scrape-secret")
    assert api.client.get("/metrics").status_code == 401
    assert api.client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert api.client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"}).status_code == 200


def test_ready_touches_the_database(backend_api: ApiClient, backend: str, request: pytest.FixtureRequest) -> None:
    assert backend_api.get("/ready").get_json() == {"status": "ready"}
    db = backend_api.engine.db
    if backend == "sqlite":
        db.dispose()
        path = Path(db.url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.mkdir(path)  # not a database any more
    else:
        server, _ = request.getfixturevalue("pg_template")
        db.dispose()
        server.drop(db.write_engine.url.database)
    response = backend_api.get("/ready")
    assert response.status_code == 503, response.get_json()
    assert response.get_json()["error"]["code"] == "service_unavailable"
    assert "Retry-After" in response.headers
    assert backend_api.get("/health").status_code == 200  # alive, not ready
