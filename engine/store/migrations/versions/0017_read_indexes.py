"""Indexes for reads at a city's scale: search by part of the 办件编号 or title, the tasks held by name.

Revision ID: 0017_read_indexes
Revises: 0008_operations

``ix_process_instances_search``: on PostgreSQL a trigram GIN index over the 办件编号 and the title
(``pg_trgm``), which serves ``ILIKE '%…%'`` of three characters or more; on SQLite a plain index of
the two columns, covering a search of every case without reading the case rows (their snapshots),
and an FTS5 trigram table ``case_search`` kept by triggers (engine/read/search_index.py).
``ix_human_tasks_named``: a partial index of the rows held by one user by name.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.read.search_index import SQLITE_DROP, create_sqlite_index

revision = "0017_read_indexes"
down_revision = "0015_grid_logs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # only what is missing: a database made by create_all with the new models has them already
    inspector = sa.inspect(op.get_bind())
    postgres = op.get_bind().dialect.name == "postgresql"
    existing = {table: {i["name"] for i in inspector.get_indexes(table)}
                for table in ("process_instances", "human_tasks")}
    if "ix_process_instances_search" not in existing["process_instances"]:
        if postgres:
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index("ix_process_instances_search", "process_instances", ["business_key", "case_title"],
                        postgresql_using="gin",
                        postgresql_ops={"business_key": "gin_trgm_ops", "case_title": "gin_trgm_ops"})
    if not postgres:
        create_sqlite_index(op.get_bind())
    if "ix_human_tasks_named" not in existing["human_tasks"]:
        op.create_index("ix_human_tasks_named", "human_tasks", ["assignee", "state"],
                        sqlite_where=sa.text("assignee IS NOT NULL"),
                        postgresql_where=sa.text("assignee IS NOT NULL"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for statement in SQLITE_DROP:
            op.execute(statement)
    op.drop_index("ix_human_tasks_named", table_name="human_tasks")
    op.drop_index("ix_process_instances_search", table_name="process_instances")
