"""Alembic's environment: runs revisions on the connection :mod:`engine.store.schema` hands over.

:func:`engine.store.schema.upgrade` takes the migration lock on a connection and
passes it in ``config.attributes["connection"]``; ``flask --app api db revision``
(:func:`engine.store.schema.new_revision`) compares the models with a database
the same way.
"""

from __future__ import annotations

from typing import Any

from alembic import context

from engine.store.models import Base, UtcDateTime
from engine.store.unmodelled import model_name


def _render_item(kind: str, obj: Any, autogen_context: Any) -> str | bool:
    """Autogenerate writes our UTC timestamp type as the column type it is in the database."""
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


OPTIONS: dict[str, Any] = {
    "target_metadata": Base.metadata,
    "compare_type": True,
    # SQLite alters a table by copying it; batch operations do that, and are plain ALTERs on PostgreSQL
    "render_as_batch": True,
    "render_item": _render_item,
    # SQLite's own tables of the FTS5 search index are not models: autogenerate must not drop them
    "include_name": model_name,
}

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through engine.store.schema (flask --app api db upgrade)")
context.configure(connection=connection, **OPTIONS)
with context.begin_transaction():
    context.run_migrations()
