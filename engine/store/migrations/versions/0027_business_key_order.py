"""The 办件编号 of a prefix and year in byte order on PostgreSQL, so a start finds the last one from an index.

Revision ID: 0027_business_key_order
Revises: 0025_reads2

``ix_process_instances_business_key_c`` on ``(business_key COLLATE "C")``, PostgreSQL only. A start read the
highest key with ``LIKE 'SWZR-2026-%'``: the unique index sorts in the database's collation, where a LIKE prefix
is no range, so PostgreSQL walked it backwards filtering every key that sorts after the stem (1 ms at 10,000
cases, growing with the city).
SQLite compares bytes and walks its unique index already.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027_business_key_order"
down_revision = "0025_reads2"
branch_labels = None
depends_on = None

_NAME = "ix_process_instances_business_key_c"  # engine.store.models.cases.BUSINESS_KEY_BYTE_ORDER_INDEX


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    if _NAME not in {i["name"] for i in sa.inspect(op.get_bind()).get_indexes("process_instances")}:
        op.execute(f'CREATE INDEX {_NAME} ON process_instances ((business_key COLLATE "C"))')


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {_NAME}")
