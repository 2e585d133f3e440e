"""The command line, in Flask's convention (``flask --app api …``; ``python -m api …`` is the same):

    flask --app api db upgrade          # the schema to the newest revision (under a lock), the roles
    flask --app api db current          # the revision the database is at, and the newest one
    flask --app api db revision -m "…" --rev-id 0002_name [--autogenerate]   # a new revision file
    flask --app api seed-demo           # the demo organisations and users (password demo)
    flask --app api deploy-processes    # processes/*.bpmn with forms/<key>/ (changed ones as new versions)
    flask --app api create-admin        # the first admin (password from ADMIN_PASSWORD, else asked for)
    flask --app api ensure-admin        # fail unless there is an admin (or ADMIN_PASSWORD creates the first)
    flask --app api serve               # upgrade, check there is an admin, serve with waitress (and a timer worker)
    flask --app api worker              # fire due timers until stopped (see api/worker_cli.py)

``DATABASE_URL`` (and the rest of :class:`engine.settings.Settings`) comes from the environment.
"""

from __future__ import annotations

import logging
import os

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from engine.errors import EngineError
from engine.service import WorkflowEngine
from engine.store import schema

from . import request_log
from .worker_cli import start_embedded_worker, worker_command


def _engine() -> WorkflowEngine:
    return current_app.extensions["workflow_engine"]


def _explained(exc: EngineError) -> str:
    return "；".join([exc.message, *(problem.message for problem in exc.details)])


def configure_logging(fmt: str) -> None:
    """A serving process's logs: JSON lines (or text, LOG_FORMAT) with request ids; SpiffWorkflow's warnings only."""
    request_log.configure_logging(fmt)
    logging.getLogger("spiff").setLevel(logging.WARNING)


db = AppGroup("db", help="The database schema (Alembic revisions).")


@db.command("upgrade")
def db_upgrade() -> None:
    """Upgrade the schema to the newest revision (several processes at once are safe), then load missing roles."""
    result = _engine().upgrade()
    if result.changed:
        click.echo(f"数据库已升级：{result.before or '（空库或迁移之前的库）'} → {result.after}")
    else:
        click.echo(f"数据库已是最新版本：{result.after}")


@db.command("current")
def db_current() -> None:
    """The revision the database is at, and the newest revision."""
    click.echo(f"{schema.revision_of(_engine().db) or '（无）'}\t最新：{schema.head()}")


@db.command("revision")
@click.option("-m", "--message", required=True, help="what the revision changes")
@click.option("--rev-id", required=True, help="the revision id and file name, e.g. 0005_name (≤ 32 characters)")
@click.option("--autogenerate", is_flag=True, help="fill it with the differences between the models and head")
def db_revision(message: str, rev_id: str, autogenerate: bool) -> None:
    """Write engine/store/migrations/versions/<rev-id>.py after the newest revision."""
    if len(rev_id) > 32:
        raise click.BadParameter("at most 32 characters (Alembic's version column)", param_hint="--rev-id")
    click.echo(schema.new_revision(message, rev_id, autogenerate))


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load the demo organisations and users (password demo) into a database without users."""
    if _engine().seed_demo():
        click.echo("已载入演示单位和用户（密码 demo）")
    else:
        click.echo("数据库中已有用户，未载入演示数据")


@click.command("deploy-processes")
@with_appcontext
def deploy_processes() -> None:
    """Deploy processes/*.bpmn with their forms; a changed file becomes a new version."""
    for key, version, created in _engine().deploy_processes():
        click.echo(f"{key}\tv{version}\t{'新版本' if created else '未变'}")


@click.command("create-admin")
@with_appcontext
@click.option("--username", default=None, help="default: ADMIN_USERNAME, else admin")
@click.option("--org", default=None, help="organisation id (default: ADMIN_ORG, else xinqu)")
@click.option("--org-name", default=None, help="its name if it is created (default: ADMIN_ORG_NAME, else 西咸新区)")
def create_admin(username: str | None, org: str | None, org_name: str | None) -> None:
    """Create an admin user; the password comes from ADMIN_PASSWORD, else it is asked for."""
    settings = _engine().settings
    password = (os.environ.get("ADMIN_PASSWORD") or settings.admin_password
                or click.prompt("密码", hide_input=True, confirmation_prompt=True))
    try:
        _engine().create_admin(username or settings.admin_username, password, org or settings.admin_org,
                               org_name or settings.admin_org_name)
    except EngineError as exc:
        raise click.ClickException(_explained(exc)) from exc
    click.echo(f"已创建管理员 {username or settings.admin_username}")


def ensure_admin(engine: WorkflowEngine) -> None:
    """A server needs an admin: create the first from ADMIN_PASSWORD, or refuse to start."""
    if engine.has_admin():
        return
    settings = engine.settings
    if not settings.admin_password:
        raise click.ClickException(
            "数据库中没有管理员账号，拒绝启动。请设置 ADMIN_PASSWORD（至少 8 位）以创建第一个管理员"
            f"（用户名 {settings.admin_username}），或先运行 flask --app api create-admin；"
            "演示环境请运行 flask --app api seed-demo。")
    try:
        engine.create_admin(settings.admin_username, settings.admin_password, settings.admin_org,
                            settings.admin_org_name)
    except EngineError as exc:
        raise click.ClickException(f"无法创建管理员：{_explained(exc)}") from exc
    logging.getLogger(__name__).info("created the first admin %s", settings.admin_username)


@click.command("ensure-admin")
@with_appcontext
def ensure_admin_command() -> None:
    """Check there is an admin (creating the first from ADMIN_PASSWORD); fail with how to make one."""
    engine = _engine()
    ensure_admin(engine)
    click.echo("管理员账号已就绪")


@click.command("serve")
@with_appcontext
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"), show_default="HOST or 127.0.0.1")
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT", "5000")), show_default="PORT or 5000")
@click.option("--threads", type=int, default=lambda: int(os.environ.get("THREADS", "8")),
              show_default="THREADS or 8")
def serve(host: str, port: int, threads: int) -> None:
    """Upgrade the schema, make sure there is an admin, start the embedded timer worker, serve with waitress."""
    from waitress import serve as waitress_serve

    engine = _engine()
    configure_logging(engine.settings.log_format)
    engine.upgrade()
    if engine.settings.seed_demo:
        engine.seed_demo()
    ensure_admin(engine)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    start_embedded_worker(app)  # timers fire with nothing else started (EMBEDDED_WORKER=0: off)
    click.echo(f"社区治理审批流程引擎：http://{host}:{port}/  (API: /api/v1)")
    from .heap import freeze_after_start_up

    freeze_after_start_up()
    waitress_serve(app, host=host, port=port, threads=threads)


def register_commands(app: Flask) -> None:
    app.cli.add_command(db)
    for command in (seed_demo, deploy_processes, create_admin, ensure_admin_command, serve, worker_command):
        app.cli.add_command(command)
