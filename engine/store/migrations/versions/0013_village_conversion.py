"""撤村建居 changes the directory: converted villages and the communities a conversion created.

Revision ID: 0013_village_conversion
Revises: 0008_operations

``organisations`` gains ``converted_into`` (the community a village became part of),
``converted_on`` (the approval date), ``converted_by`` (the case that converted it) and
``established_by`` (the case that created a community). Written only by the journalled
``village_convert`` command (engine/villages/). Adds only what is missing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_village_conversion"
down_revision = "0008_operations"
branch_labels = None
depends_on = None

FK_NAME = "fk_organisations_converted_into"


def upgrade() -> None:
    # plain ADD COLUMN (SQLite accepts a REFERENCES clause on a nullable new column): a batch copy of
    # ``organisations`` would have to drop a table every other table refers to
    existing = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("organisations")}
    if "converted_into" not in existing:
        if op.get_bind().dialect.name == "sqlite":
            op.execute("ALTER TABLE organisations ADD COLUMN converted_into VARCHAR(64) "
                       f"CONSTRAINT {FK_NAME} REFERENCES organisations (id)")
        else:
            op.add_column("organisations", sa.Column("converted_into", sa.String(64), nullable=True))
            op.create_foreign_key(FK_NAME, "organisations", "organisations", ["converted_into"], ["id"])
    if "converted_on" not in existing:
        op.add_column("organisations", sa.Column("converted_on", sa.Date(), nullable=True))
    if "converted_by" not in existing:
        op.add_column("organisations", sa.Column("converted_by", sa.Integer(), nullable=True))
    if "established_by" not in existing:
        op.add_column("organisations", sa.Column("established_by", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.drop_constraint(FK_NAME, type_="foreignkey")
        for name in ("established_by", "converted_by", "converted_on", "converted_into"):
            batch.drop_column(name)
