"""Text the database can store: no NUL characters, in any backend.

PostgreSQL refuses U+0000 in text (and in ``jsonb``) while SQLite keeps it, so a
NUL that slipped through would be a 500 on one backend and stored data on the
other. Everything that reaches a text column or a JSON document is checked with
these helpers first (the API for request bodies, query and path arguments and
form fields; deployment for form files), so both backends answer the same 422.
"""

from __future__ import annotations

from typing import Any

NUL = "\x00"
NUL_MESSAGE = "不能包含空字符（NUL，\\u0000）"


def has_nul(text: str) -> bool:
    return NUL in text


def nul_path(value: Any, path: str = "") -> str | None:
    """The path (``a/b/0``) of the first string or key in a JSON value that holds a NUL, else None."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            if NUL in node:
                return where or "/"
        elif isinstance(node, dict):
            for key, child in node.items():
                child_path = f"{where}/{key}" if where else str(key)
                if isinstance(key, str) and NUL in key:
                    return printable(child_path)
                stack.append((child, child_path))
        elif isinstance(node, list | tuple):
            stack.extend((child, f"{where}/{i}" if where else str(i)) for i, child in enumerate(node))
    return None


def printable(path: str) -> str:
    """A path for an error message: NUL shown as ``\\u0000`` (the message itself must be storable text)."""
    return path.replace(NUL, "\\u0000")[:200]
