"""DMN decision tables stored with each procedure version.

Revision ID: 0002_decisions
Revises: 0001_baseline
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_decisions"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL for every existing version: none of them had decisions
    op.add_column("process_definitions", sa.Column("decisions", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("process_definitions", "decisions")
