"""Test support: a fresh database per test, built by copying a template made once per session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from api import create_app
from engine.seed.loader import DEMO_PASSWORD
from engine.service import WorkflowEngine
from engine.settings import Settings
from engine.store.models import User


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


DEMO_TOKENS: dict[str, str] = {}


def set_up(engine: WorkflowEngine) -> None:
    """What ``make run`` does before serving: migrations, demo users, the procedures of processes/."""
    engine.upgrade()
    engine.seed_demo()
    engine.deploy_processes()


def build_template(directory: Path) -> Path:
    """Set up one database (schema by the migrations, roles, demo users, the four procedures).

    Every demo user is logged in once here; copies of the database carry those
    tokens, so tests do not pay for a password hash on each login.
    """
    path = directory / "template.db"
    engine = WorkflowEngine(Settings(database_url=sqlite_url(path)))
    set_up(engine)
    with engine.db.writer() as session, session.begin():
        for username in session.scalars(select(User.username)):
            DEMO_TOKENS[username] = engine.identity.login(session, username, DEMO_PASSWORD)
    engine.db.dispose()
    return path


def fresh_settings(template: Path, tmp_path: Path, **overrides: Any) -> Settings:
    db = tmp_path / "case.db"
    shutil.copyfile(template, db)
    return Settings(database_url=sqlite_url(db), attachments_dir=tmp_path / "attachments", **overrides)


@dataclass
class ApiClient:
    """A thin JSON client over Flask's test client, logging in demo users on demand."""

    app: Flask
    client: FlaskClient
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def engine(self) -> WorkflowEngine:
        return self.app.extensions["workflow_engine"]

    def token(self, username: str, password: str = DEMO_PASSWORD) -> str:
        if username not in self.tokens and password == DEMO_PASSWORD and username in DEMO_TOKENS:
            self.tokens[username] = DEMO_TOKENS[username]
        if username not in self.tokens:
            response = self.client.post("/api/v1/auth/token", json={"username": username, "password": password})
            assert response.status_code == 200, response.get_json()
            self.tokens[username] = response.get_json()["token"]
        return self.tokens[username]

    def headers(self, username: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"} if username else {}

    def get(self, path: str, as_user: str | None = None, **kwargs: Any) -> Any:
        return self.client.get(f"/api/v1{path}", headers=self.headers(as_user), **kwargs)

    def post(self, path: str, body: Any = None, as_user: str | None = None, **kwargs: Any) -> Any:
        return self.client.post(f"/api/v1{path}", json=body, headers=self.headers(as_user), **kwargs)

    def start(self, username: str, key: str, data: dict[str, Any] | None = None, org: str | None = None) -> Any:
        body: dict[str, Any] = {"definition_key": key, "data": data or {}}
        if org:
            body["org"] = org
        return self.post("/process-instances", body, as_user=username)

    def open_task(self, instance_id: int, element_id: str, username: str) -> dict[str, Any]:
        case = self.get(f"/process-instances/{instance_id}", as_user=username)
        if case.status_code != 200:
            case = self.get(f"/process-instances/{instance_id}", as_user="admin")
        tasks = [t for t in case.get_json()["active_tasks"] if t["element_id"] == element_id]
        assert tasks, f"no open task {element_id}; open: {[t['element_id'] for t in case.get_json()['active_tasks']]}"
        return tasks[0]

    def complete(self, task_id: int, username: str, data: dict[str, Any], comment: str | None = None) -> Any:
        body: dict[str, Any] = {"data": data}
        if comment is not None:
            body["comment"] = comment
        return self.post(f"/tasks/{task_id}/complete", body, as_user=username)


def make_client(settings: Settings) -> Iterator[ApiClient]:
    app = create_app(settings)
    try:
        yield ApiClient(app, app.test_client())
    finally:
        app.extensions["workflow_engine"].db.dispose()
