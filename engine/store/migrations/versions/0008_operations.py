"""Approval operations: holder columns on human_tasks, case_copies, notifications to one reader.

Revision ID: 0008_operations
Revises: 0012_case_links

The notifications of time limits (0004_timers) were sent to the holders' role at a unit;
they now have one reader each, with read/unread, like those of the operations (催办,
被退回, 转办给我, 加签给我, 抄送). Existing rows are given to each user who held the role
at the unit. Creates only what is missing (a database made by create_all has it all).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.store.models import UtcDateTime

revision = "0008_operations"
down_revision = "0012_case_links"
branch_labels = None
depends_on = None

TASK_COLUMNS = ("kind", "assignee", "delegated_by", "held", "note", "last_urged_at")
NOTIFICATION_COLUMNS = ("username", "actor", "comment", "read_at")


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    tables = set(inspector.get_table_names())

    def columns(table: str) -> set[str]:
        return {c["name"] for c in inspector.get_columns(table)}

    def indexes(table: str) -> set[str]:
        return {i["name"] for i in inspector.get_indexes(table)}

    task_columns = columns("human_tasks")
    for column in (sa.Column("kind", sa.String(16), nullable=False, server_default="task"),
                   sa.Column("assignee", sa.String(64), nullable=True),
                   sa.Column("delegated_by", sa.String(64), nullable=True),
                   sa.Column("held", sa.Boolean(), nullable=False, server_default=sa.false()),
                   sa.Column("note", sa.JSON(), nullable=True),
                   sa.Column("last_urged_at", UtcDateTime(), nullable=True)):
        if column.name not in task_columns:
            op.add_column("human_tasks", column)
    if "ix_human_tasks_assignee" not in indexes("human_tasks"):
        op.create_index("ix_human_tasks_assignee", "human_tasks", ["assignee"])

    if "case_copies" not in tables:
        op.create_table(
            "case_copies",
            sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
            sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), nullable=False),
            sa.Column("username", sa.String(64), nullable=False),
            sa.Column("copied_by", sa.String(64), nullable=False),
            sa.Column("element_id", sa.String(128), nullable=True),
            sa.Column("comment", sa.Text(), nullable=True),
            sa.Column("journal_seq", sa.Integer(), nullable=False),
            sa.Column("created_at", UtcDateTime(), nullable=False),
            sa.Column("read_at", UtcDateTime(), nullable=True),
            sa.UniqueConstraint("instance_id", "username"),
        )
        op.create_index("ix_case_copies_instance_id", "case_copies", ["instance_id"])
        op.create_index("ix_case_copies_username", "case_copies", ["username"])

    note_columns = columns("notifications")
    for column in (sa.Column("username", sa.String(64), nullable=True),
                   sa.Column("actor", sa.String(64), nullable=True),
                   sa.Column("comment", sa.Text(), nullable=True),
                   sa.Column("read_at", UtcDateTime(), nullable=True)):
        if column.name not in note_columns:
            op.add_column("notifications", column)
    if "ix_notifications_inbox" not in indexes("notifications"):
        op.create_index("ix_notifications_inbox", "notifications", ["username", "read_at"])
    # a notification of the holders' role at a unit becomes one for each user holding it there
    op.execute(
        "INSERT INTO notifications (instance_id, human_task_id, role, org_id, kind, message, created_at, username) "
        "SELECT n.instance_id, n.human_task_id, n.role, n.org_id, n.kind, n.message, n.created_at, u.username "
        "FROM notifications n JOIN users u ON u.org_id = n.org_id "
        "JOIN user_roles r ON r.user_id = u.id AND r.role_id = n.role WHERE n.username IS NULL")
    op.execute("DELETE FROM notifications WHERE username IS NULL")


def downgrade() -> None:
    op.drop_index("ix_notifications_inbox", table_name="notifications")
    for name in NOTIFICATION_COLUMNS:
        op.drop_column("notifications", name)
    op.drop_index("ix_case_copies_username", table_name="case_copies")
    op.drop_index("ix_case_copies_instance_id", table_name="case_copies")
    op.drop_table("case_copies")
    op.drop_index("ix_human_tasks_assignee", table_name="human_tasks")
    for name in TASK_COLUMNS:
        op.drop_column("human_tasks", name)
