"""The open meetings with their case rows' versions, from one index: an item's standing reads again only
the meetings whose row changed (engine/access_list/agenda_cache.py).

Revision ID: 0025_reads2
Revises: 0023_reads

``ix_process_instances_definition_status_version`` (definition_id, status, version) takes the place of
``ix_process_instances_definition_status`` (0019_task_reads), a prefix of it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025_reads2"
down_revision = "0023_reads"
branch_labels = None
depends_on = None

_NEW = "ix_process_instances_definition_status_version"
_OLD = "ix_process_instances_definition_status"


def _names() -> set[str]:
    return {i["name"] for i in sa.inspect(op.get_bind()).get_indexes("process_instances")}


def upgrade() -> None:
    # only what is missing: a database made by create_all with the new models has the new index already
    names = _names()
    if _NEW not in names:
        op.create_index(_NEW, "process_instances", ["definition_id", "status", "version"])
    if _OLD in names:
        op.drop_index(_OLD, table_name="process_instances")


def downgrade() -> None:
    op.create_index(_OLD, "process_instances", ["definition_id", "status"])
    op.drop_index(_NEW, table_name="process_instances")
