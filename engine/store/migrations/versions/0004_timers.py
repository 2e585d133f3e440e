"""Timers, time limits, the working-day calendar's overrides and notifications.

Revision ID: 0004_timers
Revises: 0003_hardening

Creates only what is missing: a database that a development build of the timers made
with create_all keeps its tables and indexes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.store.models import UtcDateTime

revision = "0004_timers"
down_revision = "0003_hardening"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    tables = set(inspector.get_table_names())

    def create_table(name: str, *columns: sa.Column) -> None:
        if name not in tables:
            op.create_table(name, *columns)

    def create_index(name: str, table: str, columns: list[str]) -> None:
        if table not in tables or name not in {i["name"] for i in inspector.get_indexes(table)}:
            op.create_index(name, table, columns)

    create_table(
        "timers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), nullable=True),
        sa.Column("definition_id", sa.Integer(), sa.ForeignKey("process_definitions.id"), nullable=False),
        sa.Column("spiff_task_id", sa.String(36), nullable=True),
        sa.Column("element_id", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("expression", sa.String(500), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=True),
        sa.Column("deadline_id", sa.Integer(), nullable=True),
        sa.Column("due_at", UtcDateTime(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_until", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("fired_at", UtcDateTime(), nullable=True),
        sa.Column("cancelled_at", UtcDateTime(), nullable=True),
    )
    create_index("ix_timers_due", "timers", ["state", "due_at"])
    create_index("ix_timers_instance_id", "timers", ["instance_id"])
    create_table(
        "deadlines",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), nullable=False),
        sa.Column("human_task_id", sa.Integer(), nullable=True),
        sa.Column("element_id", sa.String(128), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(16), nullable=False),
        sa.Column("yellow_before", sa.Integer(), nullable=False),
        sa.Column("red_before", sa.Integer(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("paused_units", sa.Integer(), nullable=False),
        sa.Column("extension_days", sa.Integer(), nullable=False),
        sa.Column("paused_since", UtcDateTime(), nullable=True),
        sa.Column("due_at", UtcDateTime(), nullable=True),
        sa.Column("yellow_at", UtcDateTime(), nullable=True),
        sa.Column("red_at", UtcDateTime(), nullable=True),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
    )
    create_index("ix_deadlines_instance_id", "deadlines", ["instance_id"])
    create_index("ix_deadlines_human_task_id", "deadlines", ["human_task_id"])
    create_index("ix_deadlines_due_at", "deadlines", ["due_at"])
    create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("workday", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(200), nullable=True),
        sa.Column("updated_by", sa.String(64), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    create_table(
        "calendar_years",
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("note", sa.String(200), nullable=True),
        sa.Column("declared_by", sa.String(64), nullable=True),
        sa.Column("declared_at", UtcDateTime(), nullable=False),
    )
    create_table(
        "notifications",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), nullable=False),
        sa.Column("human_task_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(64), nullable=True),
        sa.Column("org_id", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    create_index("ix_notifications_holder", "notifications", ["role", "org_id"])
    create_index("ix_notifications_instance_id", "notifications", ["instance_id"])


def downgrade() -> None:
    for index, table in (("ix_notifications_instance_id", "notifications"),
                         ("ix_notifications_holder", "notifications"), ("ix_deadlines_due_at", "deadlines"),
                         ("ix_deadlines_human_task_id", "deadlines"),
                         ("ix_deadlines_instance_id", "deadlines"), ("ix_timers_instance_id", "timers"),
                         ("ix_timers_due", "timers")):
        op.drop_index(index, table_name=table)
    for table in ("notifications", "calendar_years", "calendar_days", "deadlines", "timers"):
        op.drop_table(table)
