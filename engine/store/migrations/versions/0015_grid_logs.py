"""The grids' 民情日志 (engine/grid/).

Revision ID: 0015_grid_logs
Revises: 0008_operations
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_grid_logs"
down_revision = "0014_committee"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # only what is missing: a database made by create_all with the new models has it already
    if "grid_log_entries" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "grid_log_entries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("community_org", sa.String(64), sa.ForeignKey("organisations.id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("grid_name", sa.String(50), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key_group", sa.String(32), nullable=True),
        sa.Column("title", sa.String(60), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("location", sa.String(200), nullable=True),
        sa.Column("person_name", sa.String(50), nullable=True),
        sa.Column("person_phone", sa.String(20), nullable=True),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("whistle_instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), nullable=True),
        sa.UniqueConstraint("community_org", "seq", name="uq_grid_log_entries_seq"),
        sa.UniqueConstraint("whistle_instance_id"),
    )
    op.create_index("ix_grid_log_entries_community", "grid_log_entries", ["community_org", "recorded_on"])


def downgrade() -> None:
    op.drop_table("grid_log_entries")
