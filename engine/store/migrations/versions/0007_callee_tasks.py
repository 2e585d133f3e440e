"""A human task of a called procedure names that procedure's version (engine/runtime/callees.py).

Revision ID: 0007_callee_tasks
Revises: 0006_event_subscriptions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_callee_tasks"
down_revision = "0006_event_subscriptions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # only what is missing: a database made by create_all with the new models has it already
    if "definition_id" in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("human_tasks")}:
        return
    # NULL: the task is an element of the case's own procedure (every existing row)
    op.add_column("human_tasks", sa.Column("definition_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("human_tasks", "definition_id")
