"""Search by part of the 办件编号 or case title, served by an index on both databases.

PostgreSQL: ``ix_process_instances_search``, a trigram GIN index (``pg_trgm``) that ``ILIKE '%…%'``
uses directly. SQLite has no such operator class: an FTS5 table with the trigram tokenizer
(``case_search``, external content: it stores only the index, kept by triggers on
``process_instances``, with its own copy of the two columns) finds the candidates of a text of three
characters or more, and the same ``LIKE`` as without it is checked on that copy, so the result is
exactly what ``LIKE`` alone gives (FTS5 folds case at least as widely as SQLite's ``lower``: its
candidates include every ``LIKE`` match).

A clerk sees a bounded set of cases (their unit's, those they took part in): on SQLite their search
checks the ``LIKE`` on the index's copy case by case, by rowid, which does not grow with the city nor
with how common the text is. A search of every case (an auditor) uses the trigrams; a text shorter
than three characters has none and is matched by ``LIKE`` over the narrow ``ix_process_instances_search``.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, column, exists, or_, select, table, text
from sqlalchemy.engine import Connection

from engine.read.paging import like_pattern
from engine.store.models import ProcessInstance

FTS_TABLE = "case_search"
_fts = table(FTS_TABLE, column("rowid"), column("business_key"), column("case_title"))

SQLITE_DDL = (
    # its own narrow copy of the two columns (not external content): the LIKE is checked there, by
    # rowid, without reading the case rows (their snapshot comes first)
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(business_key, case_title, tokenize='trigram')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON process_instances BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, business_key, case_title) VALUES (new.id, new.business_key, new.case_title); "
    "END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON process_instances BEGIN "
    f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id; END",
    # only when a searched column changes (every command rewrites the case row)
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE OF id, business_key, case_title "
    "ON process_instances WHEN old.id IS NOT new.id OR old.business_key IS NOT new.business_key "
    "OR old.case_title IS NOT new.case_title BEGIN "
    f"DELETE FROM {FTS_TABLE} WHERE rowid = old.id; "
    f"INSERT INTO {FTS_TABLE}(rowid, business_key, case_title) VALUES (new.id, new.business_key, new.case_title); "
    "END",
)
SQLITE_DROP = (f"DROP TRIGGER IF EXISTS {FTS_TABLE}_update", f"DROP TRIGGER IF EXISTS {FTS_TABLE}_delete",
               f"DROP TRIGGER IF EXISTS {FTS_TABLE}_insert", f"DROP TABLE IF EXISTS {FTS_TABLE}")
# SQLite's own tables of the FTS5 index: not models (the schema comparison leaves them out)
SQLITE_TABLES = frozenset({FTS_TABLE} | {f"{FTS_TABLE}_{part}" for part in ("data", "idx", "content", "docsize",
                                                                             "config")})


def create_sqlite_index(connection: Connection) -> None:
    """The FTS5 table and its triggers, filled from the cases already there."""
    exists = connection.execute(text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": FTS_TABLE}).first()
    for statement in SQLITE_DDL:
        connection.execute(text(statement))
    if exists is None:
        connection.execute(text(f"INSERT INTO {FTS_TABLE}(rowid, business_key, case_title) "
                                "SELECT id, business_key, case_title FROM process_instances"))


def _like(q: str) -> ColumnElement[bool]:
    pattern = like_pattern(q)
    return or_(_fts.c.business_key.ilike(pattern, escape="\\"), _fts.c.case_title.ilike(pattern, escape="\\"))


def trigram_matches(q: str) -> ColumnElement[bool] | None:
    """On SQLite, the cases whose 办件编号 or title contains ``q``, found by the FTS5 index and checked
    with the same ``LIKE`` as :func:`engine.read.workbench.case_search` on its copy of the two columns
    (None: ``q`` is too short for a trigram). For a search of every case."""
    if len(q) < 3:
        return None
    phrase = '"' + q.replace('"', '""') + '"'  # one phrase of trigrams: the text as a substring
    return ProcessInstance.id.in_(
        select(_fts.c.rowid).where(text(f"{FTS_TABLE} MATCH :case_search_phrase").bindparams(case_search_phrase=phrase),
                                   _like(q)))


def copy_matches(q: str) -> ColumnElement[bool]:
    """On SQLite, the same ``LIKE`` checked case by case on the index's narrow copy (by rowid): for a
    reader who sees a bounded set of cases (a clerk), whatever the length of ``q`` and however common."""
    return exists().where(_fts.c.rowid == ProcessInstance.id, _like(q))
