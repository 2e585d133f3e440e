"""Approval operations: holder columns on human_tasks, case_copies, notifications.

Revision ID: 0002_operations
Revises: 0001_baseline
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_operations"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("human_tasks") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="task"))
        batch.add_column(sa.Column("assignee", sa.String(64), nullable=True))
        batch.add_column(sa.Column("delegated_by", sa.String(64), nullable=True))
        batch.add_column(sa.Column("held", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("note", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("last_urged_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_human_tasks_assignee", ["assignee"])
    op.create_table(
        "case_copies",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("copied_by", sa.String(64), nullable=False),
        sa.Column("element_id", sa.String(128), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("journal_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("instance_id", "username"),
    )
    op.create_index("ix_case_copies_instance_id", "case_copies", ["instance_id"])
    op.create_index("ix_case_copies_username", "case_copies", ["username"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(64), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_notifications_inbox", "notifications", ["username", "read_at"])
    op.create_index("ix_notifications_instance_id", "notifications", ["instance_id"])


def downgrade() -> None:
    op.drop_index("ix_notifications_instance_id", table_name="notifications")
    op.drop_index("ix_notifications_inbox", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index("ix_case_copies_username", table_name="case_copies")
    op.drop_index("ix_case_copies_instance_id", table_name="case_copies")
    op.drop_table("case_copies")
    with op.batch_alter_table("human_tasks") as batch:
        batch.drop_index("ix_human_tasks_assignee")
        for column in ("last_urged_at", "note", "held", "delegated_by", "assignee", "kind"):
            batch.drop_column(column)
