"""Production hardening: idempotency keys; login lockouts per username and client address.

``login_throttle`` is recreated with the address in its primary key: it holds only
counts of recent failures, which may be forgotten.

Revision ID: 0002_hardening
Revises: 0001_baseline
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.store.models import UtcDateTime

revision = "0002_hardening"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("operation", sa.String(200), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])
    op.drop_table("login_throttle")
    _login_throttle(with_address=True)


def _login_throttle(with_address: bool) -> None:
    columns = [sa.Column("username", sa.String(64), primary_key=True)]
    if with_address:
        columns.append(sa.Column("address", sa.String(64), primary_key=True, server_default=""))
    op.create_table(
        "login_throttle", *columns,
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", UtcDateTime(), nullable=True),
        sa.Column("locked_until", UtcDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
    _login_throttle(with_address=False)
    op.drop_index("ix_idempotency_keys_created_at", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
