"""The command line (``flask --app api …``): set-up commands, and a server that needs an admin.

A database set up without ``seed-demo`` has no demo users; ``serve`` refuses to start on
one without an admin unless ``ADMIN_PASSWORD`` creates the first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from api import create_app
from engine.settings import Settings
from engine.store import schema
from tests.live_server import LiveServer
from tests.support import sqlite_url


def _cli(settings: Settings, *args: str, **env: str) -> Result:
    app = create_app(settings)
    try:
        return app.test_cli_runner().invoke(args=list(args), env=env or None, catch_exceptions=False)
    finally:
        app.extensions["workflow_engine"].db.dispose()


@pytest.fixture
def empty(tmp_path: Path) -> Settings:
    return Settings(database_url=sqlite_url(tmp_path / "fresh.db"), attachments_dir=tmp_path / "attachments")


def test_set_up_commands(empty: Settings) -> None:
    upgraded = _cli(empty, "db", "upgrade")
    assert upgraded.exit_code == 0 and schema.head() in upgraded.output
    assert "已是最新版本" in _cli(empty, "db", "upgrade").output
    assert _cli(empty, "db", "current").output.startswith(schema.head())
    deployed = _cli(empty, "deploy-processes")
    procedures = len(list(empty.processes_dir.glob("*.bpmn")))  # every procedure of processes/
    assert deployed.exit_code == 0 and deployed.output.count("新版本") == procedures
    assert _cli(empty, "deploy-processes").output.count("未变") == procedures
    assert "已载入演示单位和用户" in _cli(empty, "seed-demo").output
    assert "未载入" in _cli(empty, "seed-demo").output


def test_serve_refuses_to_start_without_an_admin(empty: Settings) -> None:
    result = _cli(empty, "serve", "--port", "1")  # refused before anything listens
    assert result.exit_code == 1
    assert "没有管理员账号" in result.output and "ADMIN_PASSWORD" in result.output
    app = create_app(empty)
    engine = app.extensions["workflow_engine"]
    try:
        assert engine.users.roles()  # upgraded and roles loaded, but nobody
        assert not engine.has_admin()
    finally:
        engine.db.dispose()


def test_create_admin_takes_the_password_from_the_environment(empty: Settings) -> None:
    assert _cli(empty, "db", "upgrade").exit_code == 0
    short = _cli(empty, "create-admin", ADMIN_PASSWORD="short")
    assert short.exit_code == 1 and "密码至少 8 位" in short.output
    made = _cli(empty, "create-admin", "--username", "root", ADMIN_PASSWORD="a-long-secret")
    assert made.exit_code == 0, made.output
    again = _cli(empty, "create-admin", "--username", "root", ADMIN_PASSWORD="a-long-secret")
    assert again.exit_code == 1 and "已存在" in again.output


def test_a_server_started_with_admin_password_has_that_admin_and_no_demo_users(tmp_path: Path) -> None:
    server = LiveServer(sqlite_url(tmp_path / "prod.db"), tmp_path / "server.log",
                        env={"ADMIN_PASSWORD": "first-admin-pw", "SEED_DEMO": "0"})
    server.start()
    try:
        status, body = server.request("POST", "/auth/token", {"username": "admin", "password": "first-admin-pw"})
        assert status == 200, body
        me: Any = server.request("GET", "/me", token=body["token"])[1]
        assert me["roles"] == ["admin"] and me["org_name"] == "西咸新区"
        assert server.request("POST", "/auth/token", {"username": "street_a", "password": "demo"})[0] == 401
        assert server.request("POST", "/auth/token", {"username": "admin", "password": "demo"})[0] == 401
    finally:
        server.stop()
