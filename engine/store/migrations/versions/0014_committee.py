"""Organisations a case brought into the directory (engine/directory/additions.py).

Revision ID: 0014_committee
Revises: 0008_operations
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_committee"
down_revision = "0013_village_conversion"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # only what is missing: a database made by create_all with the new models has it already
    if "directory_additions" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "directory_additions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), nullable=False, unique=True),
        sa.Column("journal_seq", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.String(64), sa.ForeignKey("organisations.id"), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("directory_additions")
