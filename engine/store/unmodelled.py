"""What migrations make that the models do not describe, left out when Alembic compares the two."""

from __future__ import annotations

from typing import Any

from engine.read.search_index import SQLITE_TABLES
from engine.store.models.cases import BUSINESS_KEY_BYTE_ORDER_INDEX


def model_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """For Alembic's ``include_name``: everything but SQLite's own tables of the FTS5 index and the index of an
    expression (the 办件编号 in byte order on PostgreSQL) that Alembic cannot reflect."""
    if type_ == "table":
        return name not in SQLITE_TABLES
    return not (type_ == "index" and name == BUSINESS_KEY_BYTE_ORDER_INDEX)
