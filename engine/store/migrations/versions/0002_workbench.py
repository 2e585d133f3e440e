"""The clerk's workbench: a case's title (事项名称), who sent a task, and the 已办 index.

Revision ID: 0002_workbench
Revises: 0001_baseline

``case_title`` of cases stored before this revision is filled in by
:func:`engine.cases.title_backfill.backfill_case_titles` (it needs the procedure's
compiled title template, which a migration must not import); ``previous_task_id``
stays empty for tasks created before, so their 送达人 is unknown.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_workbench"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Only what is missing: a database that a development build made with create_all may have them.
    inspector = sa.inspect(op.get_bind())
    if "case_title" not in {c["name"] for c in inspector.get_columns("process_instances")}:
        with op.batch_alter_table("process_instances") as batch:
            batch.add_column(sa.Column("case_title", sa.String(200), nullable=True))
    if "previous_task_id" not in {c["name"] for c in inspector.get_columns("human_tasks")}:
        with op.batch_alter_table("human_tasks") as batch:
            batch.add_column(sa.Column("previous_task_id", sa.Integer(), nullable=True))
    if "ix_human_tasks_done" not in {i["name"] for i in inspector.get_indexes("human_tasks")}:
        op.create_index("ix_human_tasks_done", "human_tasks", ["completed_by", "completed_at"])


def downgrade() -> None:
    op.drop_index("ix_human_tasks_done", table_name="human_tasks")
    with op.batch_alter_table("human_tasks") as batch:
        batch.drop_column("previous_task_id")
    with op.batch_alter_table("process_instances") as batch:
        batch.drop_column("case_title")
