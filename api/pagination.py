"""List pagination: ``limit``/``offset`` query parameters, the total in an ``X-Total-Count`` header.

Lists keep their JSON array bodies. A list view takes a query schema built by
:func:`list_query` (or :class:`PaginationQuerySchema` or a schema derived from it),
turns the loaded arguments into an :class:`engine.read.paging.PageRequest` with
:func:`page_request`, runs its engine query and returns :func:`with_total_count`
so that the header is set. Document the response with :func:`paginated_response`
(or ``@blp.response(200, S(many=True), headers=TOTAL_COUNT_DOC)``)::

    UserListQuery = list_query("UserListQuery", sorts=("username", "org"), default_sort="username",
                               org=fields.String())

    @blp.route("/users")
    @blp.arguments(UserListQuery, location="query")
    @paginated_response(blp, UserSchema)
    def list_users(args):
        page = eng.users.list_users(actor, filters, page_request(args))
        return with_total_count(page.items, page.total)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.read.paging import PageRequest

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


def list_query(name: str, sorts: Iterable[str], default_sort: str, **filters: fields.Field) -> type[Schema]:
    """A query schema: ``limit``, ``offset``, ``sort`` (one of ``sorts``, ``-`` prefix for descending)
    and the given filter fields."""
    choices = [s for name_ in sorts for s in (name_, f"-{name_}")]
    sort = fields.String(load_default=default_sort, validate=validate.OneOf(choices),
                         metadata={"description": f"排序字段，前加 - 为倒序（默认 {default_sort}）"})
    return PaginationQuerySchema.from_dict({"sort": sort, **filters}, name=name)


def paginate(query_args: Mapping[str, Any]) -> tuple[int, int]:
    """The (limit, offset) of a request's loaded query arguments."""
    return int(query_args.get("limit", DEFAULT_LIMIT)), int(query_args.get("offset", 0))


def page_request(query_args: Mapping[str, Any]) -> PageRequest:
    """The engine's page request (limit, offset, sort) of a request's loaded query arguments."""
    limit, offset = paginate(query_args)
    return PageRequest(limit=limit, offset=offset, sort=query_args.get("sort"))


def with_total_count(body: Any, total: int, status: int = 200) -> tuple[Any, int, dict[str, str]]:
    """A view's return value carrying the ``X-Total-Count`` header."""
    return body, status, {TOTAL_COUNT_HEADER: str(total)}


def paginated_response(blp: Blueprint, schema: type[Schema], description: str | None = None) -> Callable[..., Any]:
    """``@blp.response(200, schema(many=True))`` documenting the ``X-Total-Count`` header."""
    return blp.response(200, schema(many=True), headers=TOTAL_COUNT_DOC, description=description)
