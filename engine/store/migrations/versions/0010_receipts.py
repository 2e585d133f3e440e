"""Receipts (回执) with a check code for the public progress lookup (engine/cases/receipts.py).

Revision ID: 0010_receipts
Revises: 0009_access_list

Every case that exists already gets a receipt (a random salt), so its starter can print one too.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from engine.store.models import UtcDateTime

revision = "0010_receipts"
down_revision = "0009_access_list"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # only what is missing: a database made by create_all with the new models has it already
    tables = set(sa.inspect(op.get_bind()).get_table_names())
    if "receipt_keys" not in tables:
        op.create_table(
            "receipt_keys",
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("secret", sa.String(128), nullable=False),
            sa.Column("created_at", UtcDateTime(), nullable=False),
        )
    bind = op.get_bind()
    keys = sa.table("receipt_keys", sa.column("id", sa.Integer()), sa.column("secret", sa.String(128)),
                    sa.column("created_at", UtcDateTime()))
    if bind.execute(sa.select(sa.func.count()).select_from(keys)).scalar() == 0:
        # the key of the check codes unless RECEIPT_SECRET is set (engine/cases/receipts.py)
        op.bulk_insert(keys, [{"id": 1, "secret": secrets.token_hex(32), "created_at": datetime.now(UTC)}])
    if "case_receipts" in tables:
        return
    receipts = op.create_table(
        "case_receipts",
        sa.Column("instance_id", sa.Integer(), sa.ForeignKey("process_instances.id"), primary_key=True),
        sa.Column("salt", sa.String(64), nullable=False),
        sa.Column("issued_at", UtcDateTime(), nullable=False),
    )
    ids = [row[0] for row in bind.execute(sa.text("SELECT id FROM process_instances"))]
    now = datetime.now(UTC)
    for start in range(0, len(ids), 1000):
        op.bulk_insert(receipts, [{"instance_id": i, "salt": secrets.token_hex(16), "issued_at": now}
                                  for i in ids[start:start + 1000]])


def downgrade() -> None:
    op.drop_table("case_receipts")
    op.drop_table("receipt_keys")
