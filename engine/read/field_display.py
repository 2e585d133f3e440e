"""Submitted form values as a reader sees them: labelled by the form's titles, choices by their titles,
organisations by name, attachments by file name, booleans as 是/否.

Reads a form's JSON Schema (and UI schema for the order) the way the pages render it;
nothing here evaluates the schema.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from engine.identity.orgs import OrgDirectory

# A file field holds attachment ids of the case: {"type": "integer", "format": "attachment"}
# (or an array of such items).
ATTACHMENT_FORMAT = "attachment"
_SUBSCHEMA_KEYS = ("allOf", "anyOf", "oneOf")
_BRANCH_KEYS = ("then", "else")
# fields named like these hold the step's conclusion (审核意见, 复审结论, 选举结果 …)
_DECISION_HINTS = ("decision", "result", "conclusion")


def _branches(schema: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """``schema`` and the subschemas whose properties a form shows (allOf, if/then/else, …)."""
    yield schema
    for key in _SUBSCHEMA_KEYS:
        for sub in schema.get(key) or []:
            if isinstance(sub, Mapping):
                yield from _branches(sub)
    for key in _BRANCH_KEYS:
        sub = schema.get(key)
        if isinstance(sub, Mapping):
            yield from _branches(sub)
    for sub in (schema.get("dependentSchemas") or {}).values():
        if isinstance(sub, Mapping):
            yield from _branches(sub)


def form_properties(schema: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    """Every property a form declares, the top-level declaration first (it carries the title)."""
    found: dict[str, Mapping[str, Any]] = {}
    if not isinstance(schema, Mapping):
        return found
    for branch in _branches(schema):
        props = branch.get("properties")
        if not isinstance(props, Mapping):
            continue
        for name, prop in props.items():
            if isinstance(prop, Mapping):
                found.setdefault(name, prop)
    return found


def field_order(schema: Mapping[str, Any] | None, ui_schema: Mapping[str, Any] | None) -> list[str]:
    """The fields in the order the form shows them (``ui:order``, ``*`` standing for the rest)."""
    names = list(form_properties(schema))
    order = (ui_schema or {}).get("ui:order") if isinstance(ui_schema, Mapping) else None
    if not isinstance(order, list):
        return names
    listed = [n for n in order if isinstance(n, str) and n in names]
    rest = [n for n in names if n not in listed]
    if "*" in order:
        at = order.index("*")
        before = [n for n in order[:at] if n in listed]
        after = [n for n in order[at + 1:] if n in listed]
        return before + rest + after
    return listed + rest


def _choices(prop: Mapping[str, Any]) -> dict[Any, str]:
    titles: dict[Any, str] = {}
    for key in ("oneOf", "anyOf"):
        for option in prop.get(key) or []:
            if isinstance(option, Mapping) and "const" in option:
                titles[_key(option["const"])] = str(option.get("title", option["const"]))
    enum = prop.get("enum")
    names = prop.get("enumNames")
    if isinstance(enum, list):
        for index, value in enumerate(enum):
            title = names[index] if isinstance(names, list) and index < len(names) else value
            titles.setdefault(_key(value), str(title))
    return titles


def _key(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else repr(value)


def is_choice(prop: Mapping[str, Any]) -> bool:
    return bool(_choices(prop))


def is_attachment(prop: Mapping[str, Any]) -> bool:
    items = prop.get("items")
    return prop.get("format") == ATTACHMENT_FORMAT or (
        isinstance(items, Mapping) and items.get("format") == ATTACHMENT_FORMAT)


def attachment_ids(prop: Mapping[str, Any], value: Any) -> list[int]:
    """The attachment ids a file field's value names."""
    if not is_attachment(prop):
        return []
    values = value if isinstance(value, list) else [value]
    ids = []
    for item in values:
        if isinstance(item, Mapping):
            item = item.get("id")
        if isinstance(item, bool):
            continue
        if isinstance(item, int):
            ids.append(item)
        elif isinstance(item, str) and item.isdigit():
            ids.append(int(item))
    return ids


def display_value(name: str, prop: Mapping[str, Any], value: Any, directory: OrgDirectory | None,
                  attachment_names: Mapping[int, str]) -> str:
    """How a reader sees ``value`` of field ``name``."""
    if value is None:
        return ""
    if is_attachment(prop):
        return "、".join(attachment_names.get(i, f"附件 {i}") for i in attachment_ids(prop, value))
    choices = _choices(prop)
    if choices and not isinstance(value, list | dict):
        return choices.get(_key(value), str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        if directory is not None and (name.endswith("_org") or prop.get("format") == "organisation"
                                  or "x-org-level" in prop) \
                and value in directory.orgs:
            return directory.orgs[value].name
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        items = prop.get("items") if isinstance(prop.get("items"), Mapping) else {}
        return "、".join(display_value(name, items, v, directory, attachment_names) for v in value)
    if isinstance(value, dict):
        inner = form_properties(prop)
        parts = []
        for key, sub in value.items():
            sub_prop = inner.get(key, {})
            shown = display_value(key, sub_prop, sub, directory, attachment_names)
            parts.append(f"{sub_prop.get('title', key)}：{shown}")
        return "；".join(parts)
    return str(value)


def decision_field(schema: Mapping[str, Any] | None) -> str | None:
    """The field holding a step's conclusion: the first choice named like a decision (else None)."""
    for name, prop in form_properties(schema).items():
        if is_choice(prop) and any(hint in name for hint in _DECISION_HINTS):
            return name
    return None
