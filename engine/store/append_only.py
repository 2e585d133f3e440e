"""The journal is append-only in the database itself: UPDATE, DELETE (and TRUNCATE) of journal rows fail.

Installed with the schema (:meth:`engine.store.db.Database.create_schema`), idempotently,
so databases created before also get it at the next start. This stops mistakes and
casual edits through the application's own connection; someone who can drop the
triggers can still tamper, which :mod:`engine.audit.verify` then detects.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine

MESSAGE = "journal_entries is append-only"

SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS journal_entries_no_update BEFORE UPDATE ON journal_entries
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS journal_entries_no_delete BEFORE DELETE ON journal_entries
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]

POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION journal_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$""",
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


def install(engine: Engine) -> None:
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(engine.dialect.name, [])
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
