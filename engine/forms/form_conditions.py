"""Which fields of a form show only under conditions (form-conditions.js renders them so).

A field some ``if``/``then``/``else`` branch (or ``dependentRequired``) requires, and the object
does not always require, is *conditional*: the renderer shows it only while such a branch
applies, unless its UI schema says ``"ui:options": {"alwaysShow": true}``.
"""

from __future__ import annotations

from typing import Any


def always_shown(ui: Any) -> bool:
    """A field the UI schema keeps on the form whatever its conditions (``"ui:options": {"alwaysShow": true}``)."""
    if not isinstance(ui, dict):
        return False
    options = ui.get("ui:options") if isinstance(ui.get("ui:options"), dict) else {}
    return ui.get("ui:alwaysShow") is True or options.get("alwaysShow") is True


def conditional_fields(schema: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(fields some if/then/else branch requires, every field the object's rules mention).

    A branch requires a field by its own ``required``, through its ``allOf`` or a nested
    ``if``; ``dependentRequired`` makes the fields it names conditional too.
    """
    governed: set[str] = set()
    mentioned: set[str] = set()

    def mention(node: Any) -> None:
        if not isinstance(node, dict):
            return
        mentioned.update(_names(node))
        for keyword in ("allOf", "anyOf", "oneOf"):
            for sub in _list(node.get(keyword)):
                mention(sub)
        mention(node.get("not"))
        if "if" in node:
            for keyword in ("if", "then", "else"):
                mention(node.get(keyword))
        dependent = node.get("dependentRequired")
        if isinstance(dependent, dict):
            for name, needed in dependent.items():
                mentioned.add(name)
                mentioned.update(n for n in _list(needed) if isinstance(n, str))

    def govern(node: Any, in_branch: bool) -> None:
        if not isinstance(node, dict):
            return
        if in_branch:
            governed.update(n for n in _list(node.get("required")) if isinstance(n, str))
        for sub in _list(node.get("allOf")):
            govern(sub, in_branch)
        if "if" in node:
            govern(node.get("then"), True)
            govern(node.get("else"), True)
        dependent = node.get("dependentRequired")
        if isinstance(dependent, dict):
            for needed in dependent.values():
                governed.update(n for n in _list(needed) if isinstance(n, str))

    mention({k: v for k, v in schema.items() if k not in ("properties", "required")})
    govern(schema, False)
    return governed, mentioned


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _names(node: dict[str, Any]) -> set[str]:
    names = {n for n in _list(node.get("required")) if isinstance(n, str)}
    if isinstance(node.get("properties"), dict):
        names.update(node["properties"])
    return names
