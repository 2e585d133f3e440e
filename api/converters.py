"""URL converters. ``<int:…>`` ids are bounded to the database's 32-bit integer ids.

An id beyond that range matches no route (404) instead of overflowing the
database driver, and the OpenAPI document states the range.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
