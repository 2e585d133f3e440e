"""Indexes for the clerk's reads: the open meetings and the next meeting's call of an item's case view.

Revision ID: 0019_task_reads
Revises: 0017_read_indexes

``ix_process_instances_definition_status``: the running cases of the meeting procedures' versions (an
item's standing with the leadership group), without reading every meeting ever held.
``ix_timers_kind_due``: the armed start timers in due order (when the next quarterly meeting is called),
without walking the armed timers of every time limit of the city.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_task_reads"
down_revision = "0017_read_indexes"
branch_labels = None
depends_on = None

_INDEXES = (("ix_process_instances_definition_status", "process_instances", ["definition_id", "status"]),
            ("ix_timers_kind_due", "timers", ["kind", "state", "due_at"]))


def upgrade() -> None:
    # only what is missing: a database made by create_all with the new models has them already
    inspector = sa.inspect(op.get_bind())
    for name, table, columns in _INDEXES:
        if name not in {i["name"] for i in inspector.get_indexes(table)}:
            op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in _INDEXES:
        op.drop_index(name, table_name=table)
