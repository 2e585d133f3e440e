"""Cases started from another case, linked both ways (engine/cases/links.py).

Revision ID: 0012_case_links
Revises: 0011_scale_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_case_links"
down_revision = "0011_scale_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # only what is missing: a database made by create_all with the new models has it already
    if "case_links" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "case_links",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("from_instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), nullable=False),
        sa.Column("to_instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), nullable=False),
        sa.Column("element_id", sa.String(128), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_case_links_from_instance_id", "case_links", ["from_instance_id"])
    op.create_index("ix_case_links_to_instance_id", "case_links", ["to_instance_id"])


def downgrade() -> None:
    op.drop_table("case_links")
