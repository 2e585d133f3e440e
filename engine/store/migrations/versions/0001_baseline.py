"""Baseline: the schema of the last release made without migrations (commit 38714f3).

Revision ID: 0001_baseline
Revises: -
Created: 2026-12-01

That release built its schema with ``create_all`` and installed the journal's
append-only triggers at every start. This revision creates the same tables,
indexes, constraints and triggers, each only where it is missing: an empty
database gets everything, and a database made by that release (or an earlier
one) is adopted as it stands, with whatever it lacked added, as its own start
would have added it. Later revisions assume exactly this schema.

Frozen: nothing here may import the models, which move on with later revisions.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
APPEND_ONLY = "journal_entries is append-only"

SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS journal_entries_no_update BEFORE UPDATE ON journal_entries
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS journal_entries_no_delete BEFORE DELETE ON journal_entries
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
]
POSTGRESQL_TRIGGERS = [
    f"""CREATE OR REPLACE FUNCTION journal_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$""",
    """DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'journal_entries_no_change'
                        AND tgrelid = 'journal_entries'::regclass) THEN
           CREATE TRIGGER journal_entries_no_change BEFORE UPDATE OR DELETE ON journal_entries
             FOR EACH ROW EXECUTE FUNCTION journal_entries_append_only();
         END IF;
         IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'journal_entries_no_truncate'
                        AND tgrelid = 'journal_entries'::regclass) THEN
           CREATE TRIGGER journal_entries_no_truncate BEFORE TRUNCATE ON journal_entries
             FOR EACH STATEMENT EXECUTE FUNCTION journal_entries_append_only();
         END IF;
       END $$""",
]


def _table(name: str, *items: sa.SchemaItem, indexes: tuple[tuple[str, list[str]], ...] = ()) -> None:
    inspector = sa.inspect(op.get_bind())
    if not inspector.has_table(name):
        op.create_table(name, *items)
        existing: set[str | None] = set()
    else:
        existing = {index["name"] for index in inspector.get_indexes(name)}
    for index_name, columns in indexes:
        if index_name not in existing:
            op.create_index(index_name, name, columns, unique=False)


def upgrade() -> None:
    _table(
        "organisations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    _table(
        "roles",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    _table(
        "login_throttle",
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", TZ, nullable=True),
        sa.Column("locked_until", TZ, nullable=True),
        sa.PrimaryKeyConstraint("username"),
    )
    _table(
        "process_definitions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("bpmn_xml", sa.Text(), nullable=False),
        sa.Column("forms", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("deployed_at", TZ, nullable=False),
        sa.Column("deployed_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "version"),
        indexes=(("ix_process_definitions_key", ["key"]),),
    )
    _table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"]),
    )
    _table(
        "process_instances",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("business_key", sa.String(length=64), nullable=True),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("definition_key", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("org_id", sa.String(length=64), nullable=False),
        sa.Column("subject_org", sa.String(length=64), nullable=True),
        sa.Column("developer_org", sa.String(length=64), nullable=True),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("end_event", sa.String(length=200), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("journal_seq", sa.Integer(), nullable=False),
        sa.Column("journal_hash", sa.String(length=64), nullable=False),
        sa.Column("started_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("business_key"),
        sa.ForeignKeyConstraint(["definition_id"], ["process_definitions.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"]),
        indexes=(("ix_process_instances_created_at", ["created_at"]),
                 ("ix_process_instances_definition_id", ["definition_id"]),
                 ("ix_process_instances_definition_key", ["definition_key"]),
                 ("ix_process_instances_org_id", ["org_id"]),
                 ("ix_process_instances_status", ["status"])),
    )
    _table(
        "user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "role_id"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["role_id"], ["roles.id"]),
    )
    _table(
        "auth_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("revoked_at", TZ, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("token_hash"),
        indexes=(("ix_auth_tokens_user_id", ["user_id"]),),
    )
    _table(
        "attachments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=128), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"]),
        sa.PrimaryKeyConstraint("id"),
        indexes=(("ix_attachments_instance_id", ["instance_id"]),),
    )
    _table(
        "human_tasks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("spiff_task_id", sa.String(length=36), nullable=False),
        sa.Column("element_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=True),
        sa.Column("org_id", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("completed_at", TZ, nullable=True),
        sa.Column("completed_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"]),
        sa.PrimaryKeyConstraint("id"),
        indexes=(("ix_human_tasks_inbox", ["state", "role", "org_id"]),
                 ("ix_human_tasks_instance_id", ["instance_id"])),
    )
    _table(
        "journal_entries",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("command", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("actor_role", sa.String(length=64), nullable=True),
        sa.Column("actor_org", sa.String(length=64), nullable=True),
        sa.Column("element_id", sa.String(length=128), nullable=True),
        sa.Column("element_name", sa.String(length=200), nullable=True),
        sa.Column("element_type", sa.String(length=64), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"]),
        sa.PrimaryKeyConstraint("instance_id", "seq"),
    )
    _table(
        "journal_checkpoints",
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"]),
        sa.PrimaryKeyConstraint("instance_id", "seq"),
    )
    # The journal is append-only in the database itself: UPDATE, DELETE (and TRUNCATE) of its rows fail.
    # This stops mistakes and casual edits through the application's connection; someone who can drop
    # the triggers can still tamper, which verification (engine/audit/verify.py) then detects.
    dialect = op.get_bind().dialect.name
    for statement in {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}.get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    raise NotImplementedError("the baseline is not downgraded: restore a backup instead")
