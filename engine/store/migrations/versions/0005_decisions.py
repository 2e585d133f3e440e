"""DMN decision tables stored with each procedure version.

Revision ID: 0005_decisions
Revises: 0004_timers
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_decisions"
down_revision = "0004_timers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # only what is missing: a database made by create_all with the new models has it already
    if "decisions" in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("process_definitions")}:
        return
    # NULL for every existing version: none of them had decisions
    op.add_column("process_definitions", sa.Column("decisions", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("process_definitions", "decisions")
