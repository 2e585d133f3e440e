"""The inbox's pool of unassigned ready tasks, and whether a task's case is running: two covering indexes.

Revision ID: 0023_reads
Revises: 0021_verify

``ix_human_tasks_pool`` (org, role, state, assignee, held, created_at, instance_id): a clerk's inbox counts
and pages the unassigned ready tasks of their role at their unit from it alone, in created_at order,
reading only each task's case for its status (before: every task of the union of the two ways of holding
one, looked up again by id, then sorted).
``ix_process_instances_id_status``: whether each of those tasks' case is running, from the index (SQLite's
planner otherwise often read the case's row, several pages with its snapshot).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023_reads"
down_revision = "0021_verify"
branch_labels = None
depends_on = None

_INDEXES = (("ix_human_tasks_pool", "human_tasks",
             ["org_id", "role", "state", "assignee", "held", "created_at", "instance_id"]),
            ("ix_process_instances_id_status", "process_instances", ["id", "status"]))


def upgrade() -> None:
    # only what is missing: a database made by create_all with the new models has them already
    inspector = sa.inspect(op.get_bind())
    for name, table, columns in _INDEXES:
        if name not in {i["name"] for i in inspector.get_indexes(table)}:
            op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in _INDEXES:
        op.drop_index(name, table_name=table)
