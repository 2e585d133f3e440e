"""Production hardening: idempotency keys; login lockouts per username and client address.

Revision ID: 0003_hardening
Revises: 0002_workbench

Only what is missing: a database that a development build made with ``create_all``
may have either already. ``login_throttle`` without an ``address`` column is
recreated with the address in its primary key: it holds only counts of recent
failures, which may be forgotten.

Frozen: nothing here may import the models, which move on with later revisions.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_hardening"
down_revision = "0002_workbench"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    tables = set(inspector.get_table_names())
    if "idempotency_keys" not in tables:
        op.create_table(
            "idempotency_keys",
            sa.Column("username", sa.String(64), nullable=False),
            sa.Column("key", sa.String(255), nullable=False),
            sa.Column("operation", sa.String(200), nullable=False),
            sa.Column("fingerprint", sa.String(64), nullable=False),
            sa.Column("result", sa.JSON(), nullable=True),
            sa.Column("created_at", TZ, nullable=False),
            sa.PrimaryKeyConstraint("username", "key", name="idempotency_keys_pkey"),
        )
    if "ix_idempotency_keys_created_at" not in {i["name"] for i in inspector.get_indexes("idempotency_keys")}:
        op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])
    if "address" not in {c["name"] for c in inspector.get_columns("login_throttle")}:
        op.drop_table("login_throttle")
        _login_throttle(with_address=True)


def _login_throttle(with_address: bool) -> None:
    columns = [sa.Column("username", sa.String(64), nullable=False)]
    key = ["username"]
    if with_address:
        columns.append(sa.Column("address", sa.String(64), nullable=False, server_default=""))
        key.append("address")
    op.create_table(
        "login_throttle", *columns,
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", TZ, nullable=True),
        sa.Column("locked_until", TZ, nullable=True),
        sa.PrimaryKeyConstraint(*key, name="login_throttle_pkey"),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
    _login_throttle(with_address=False)
    op.drop_index("ix_idempotency_keys_created_at", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
