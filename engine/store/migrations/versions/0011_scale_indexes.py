"""Indexes for a city's worth of cases: the case list's filters and sorts, the inbox's order, a task's entries.

Revision ID: 0011_scale_indexes
Revises: 0010_receipts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_scale_indexes"
down_revision = "0010_receipts"
branch_labels = None
depends_on = None

INDEXES: list[tuple[str, str, list[str]]] = [
    ("ix_process_instances_updated_at", "process_instances", ["updated_at"]),
    ("ix_process_instances_case_title", "process_instances", ["case_title"]),
    ("ix_process_instances_started_by", "process_instances", ["started_by"]),
    ("ix_process_instances_developer_org", "process_instances", ["developer_org"]),
    ("ix_process_instances_subject_org", "process_instances", ["subject_org"]),
    ("ix_process_instances_status_created", "process_instances", ["status", "created_at"]),
    ("ix_process_instances_definition_created", "process_instances", ["definition_key", "created_at"]),
    ("ix_human_tasks_queue", "human_tasks", ["org_id", "role", "state", "created_at", "instance_id"]),
    ("ix_human_tasks_done_cases", "human_tasks", ["completed_by", "instance_id"]),
    ("ix_journal_entries_task", "journal_entries", ["instance_id", "task_id"]),
]


def upgrade() -> None:
    # only what is missing: a database made by create_all with the new models has them already
    inspector = sa.inspect(op.get_bind())
    existing = {table: {i["name"] for i in inspector.get_indexes(table)} for table in {t for _, t, _ in INDEXES}}
    for name, table, columns in INDEXES:
        if name not in existing[table]:
            op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
