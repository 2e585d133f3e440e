"""One page of a list query: total count, sort column and direction, limit and offset."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine.errors import Problem, ValidationFailed

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    limit: int = 50
    offset: int = 0
    sort: str | None = None  # a column name, "-name" for descending

    @property
    def sort_key(self) -> tuple[str | None, bool]:
        if not self.sort:
            return None, False
        return self.sort.lstrip("-"), self.sort.startswith("-")


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int


def fetch_page(session: Session, stmt: Select[Any], page: PageRequest, columns: Mapping[str, Any],
               default_sort: str, tiebreak: Any, entities: bool = True) -> Page[Any]:
    """Run ``stmt`` for one page, ordered by ``page.sort`` then ``tiebreak``.

    ``entities``: the items are the selected ORM objects; otherwise the result rows.
    """
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    name, descending = PageRequest(sort=page.sort or default_sort).sort_key
    if name not in columns:
        raise ValidationFailed("无法按该字段排序", [Problem("sort", f"可选：{', '.join(sorted(columns))}")])
    column = columns[name]
    ordered = stmt.order_by(None).order_by(column.desc() if descending else column.asc(),
                                           tiebreak.desc() if descending else tiebreak.asc())
    result = session.execute(ordered.limit(page.limit).offset(page.offset))
    items = list(result.scalars() if entities else result)
    return Page(items, total)


def like_pattern(text: str) -> str:
    """A LIKE pattern (escape character backslash) matching ``text`` anywhere."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
