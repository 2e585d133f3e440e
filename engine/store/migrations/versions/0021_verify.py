"""Verification seals: the verifier's keyed record of how far each case's history is proven (engine/audit/seals.py).

Revision ID: 0021_verify
Revises: 0017_read_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021_verify"
down_revision = "0019_task_reads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # only what is missing: a database made by create_all with the new models has it already
    if "verification_seals" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "verification_seals",
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.Column("rows_digest", sa.String(64), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("definition_hash", sa.String(64), nullable=False),
        sa.Column("verifier", sa.String(32), nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("verification_seals")
