"""Cases waiting for a message or signal (engine/messages/subscriptions.py).

Revision ID: 0006_event_subscriptions
Revises: 0005_decisions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_event_subscriptions"
down_revision = "0005_decisions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # only what is missing: a database made by create_all with the new models has it already
    if "event_subscriptions" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "event_subscriptions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("element_id", sa.String(128), nullable=False),
        sa.Column("spiff_task_id", sa.String(36), nullable=False),
        sa.Column("role", sa.String(64), nullable=True),
        sa.Column("org_id", sa.String(64), nullable=True),
        sa.Column("correlation", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_event_subscriptions_instance_id", "event_subscriptions", ["instance_id"])
    op.create_index("ix_event_subscriptions_name", "event_subscriptions", ["kind", "name"])


def downgrade() -> None:
    op.drop_table("event_subscriptions")
