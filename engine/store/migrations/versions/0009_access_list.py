"""The 社区事务准入清单 as a registry (engine/access_list/).

Revision ID: 0009_access_list
Revises: 0007_callee_tasks
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_access_list"
down_revision = "0007_callee_tasks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # only what is missing: a database made by create_all with the new models has it already
    if "access_list_entries" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "access_list_entries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), nullable=False),
        sa.Column("journal_seq", sa.Integer(), nullable=False),
        sa.Column("entry_no", sa.String(40), nullable=False),
        sa.Column("district_org", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("item_type", sa.String(32), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("target_group", sa.Text(), nullable=False),
        sa.Column("authority_scope", sa.Text(), nullable=False),
        sa.Column("time_limit_months", sa.Integer(), nullable=False),
        sa.Column("time_limit_desc", sa.Text(), nullable=False),
        sa.Column("funding_amount", sa.String(40), nullable=False),
        sa.Column("funding_source", sa.String(40), nullable=False),
        sa.Column("applicant_department", sa.String(100), nullable=False),
        sa.Column("meeting_no", sa.String(100), nullable=True),
        sa.Column("meeting_quarter", sa.String(16), nullable=True),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("instance_id"),
        sa.UniqueConstraint("entry_no"),
    )
    op.create_index("ix_access_list_entries_district", "access_list_entries", ["district_org", "valid_until"])


def downgrade() -> None:
    op.drop_table("access_list_entries")
