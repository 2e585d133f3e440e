"""List pagination: ``limit``/``offset`` query parameters, the total in an ``X-Total-Count`` header.

Lists keep their JSON array bodies; a view takes :class:`PaginationQuerySchema`
(or a schema derived from it), calls :func:`paginate` and returns
:func:`with_total_count` so that the header is set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, fields, validate

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
TOTAL_COUNT_HEADER = "X-Total-Count"

# For ``@blp.response(..., headers=TOTAL_COUNT_DOC)``: documents the header in OpenAPI.
TOTAL_COUNT_DOC = {
    TOTAL_COUNT_HEADER: {
        "description": "符合条件的总条数（不受 limit/offset 影响）",
        "schema": {"type": "integer", "minimum": 0},
    }
}


class PaginationQuerySchema(Schema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"每页条数（1–{MAX_LIMIT}，默认 {DEFAULT_LIMIT}）"})
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000_000),
                            metadata={"description": "跳过的条数（默认 0）"})


def paginate(query_args: Mapping[str, Any]) -> tuple[int, int]:
    """The (limit, offset) of a request's loaded query arguments."""
    return int(query_args.get("limit", DEFAULT_LIMIT)), int(query_args.get("offset", 0))


def with_total_count(body: Any, total: int, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    """A view's return value carrying the ``X-Total-Count`` header."""
    return body, status, {TOTAL_COUNT_HEADER: str(total)}
