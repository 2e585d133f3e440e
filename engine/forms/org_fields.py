"""Form fields that name an organisation of a declared level (``x-org-level``).

A form property, or the ``items`` of an array property, may carry
``"x-org-level": ["village"]``: its value is the id of an organisation of one of
those levels (an array: several). The form read offers the organisations of those
levels that the caller may name (:func:`org_choices`: below the caller's own unit;
external units and departments are open to everyone), the pages show them by name
in a select (a multi-select for an array), and a submission naming an organisation
of another level or outside the caller's unit, or a village 撤村建居 converted, is refused
naming the field (:func:`check_org_fields`). Deployment refuses unknown levels (:func:`level_problems`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.errors import Problem, ValidationFailed
from engine.identity.orgs import OrgDirectory

KEYWORD = "x-org-level"
LEVEL_NAMES = {"city": "市（新区）", "district": "区（新城）", "street": "街道", "community": "社区", "village": "村",
               "external": "外部单位", "department": "职能部门"}
# levels anyone may name: they sit outside the administrative tree of the caller
OPEN_LEVELS = frozenset({"external", "department"})


@dataclass(frozen=True)
class OrgField:
    name: str
    title: str
    levels: tuple[str, ...]
    multiple: bool  # an array of organisation ids


def _levels(node: Any) -> tuple[str, ...] | None:
    raw = node.get(KEYWORD) if isinstance(node, dict) else None
    if isinstance(raw, str):
        raw = [raw]
    return tuple(x for x in raw if isinstance(x, str)) if isinstance(raw, list) else None


def org_fields(schema: Any) -> list[OrgField]:
    """The form's top-level organisation fields, in the order of ``properties``."""
    props = schema.get("properties") if isinstance(schema, dict) else None
    found: list[OrgField] = []
    for name, prop in (props or {}).items() if isinstance(props, dict) else ():
        if not isinstance(prop, dict):
            continue
        levels = _levels(prop)
        if levels is not None:
            found.append(OrgField(name, str(prop.get("title") or name), levels, False))
        elif (levels := _levels(prop.get("items"))) is not None:
            found.append(OrgField(name, str(prop.get("title") or name), levels, True))
    return found


def level_problems(name: str, schema: Any) -> list[Problem]:
    """Unknown levels, or a level on a field that cannot hold an organisation id."""
    problems: list[Problem] = []
    props = schema.get("properties") if isinstance(schema, dict) else None
    for field_name, prop in (props or {}).items() if isinstance(props, dict) else ():
        if not isinstance(prop, dict):
            continue
        for node, path in ((prop, field_name), (prop.get("items"), f"{field_name}[]")):
            if not isinstance(node, dict) or KEYWORD not in node:
                continue
            raw = node[KEYWORD]
            levels = raw if isinstance(raw, list) else [raw]
            unknown = [str(x) for x in levels if x not in LEVEL_NAMES]
            if not levels or unknown:
                named = f"，不认识 {'、'.join(unknown)}" if unknown else ""
                problems.append(Problem(name, f"字段 {path}：{KEYWORD} 须列出单位层级（可用："
                                              f"{'、'.join(LEVEL_NAMES)}）{named}"))
            if node.get("type") != "string":
                problems.append(Problem(name, f"字段 {path}：{KEYWORD} 只能用于文字字段（单位编号）"))
    return problems


def may_name(directory: OrgDirectory, unit: str | None, org_id: str) -> bool:
    """Whether a user of ``unit`` may name ``org_id``: it is below the unit, or open to all."""
    node = directory.orgs.get(org_id)
    if node is None:
        return False
    return node.level in OPEN_LEVELS or unit is None or directory.is_within(org_id, unit)


def choices(directory: OrgDirectory, unit: str, levels: tuple[str, ...]) -> list[dict[str, str]]:
    """Organisations of ``levels`` a user of ``unit`` may name, by id."""
    found = [{"id": node.id, "name": node.name, "level": node.level} for node in directory.orgs.values()
             if node.level in levels and node.converted_into is None and may_name(directory, unit, node.id)]
    return sorted(found, key=lambda c: c["id"])


def org_choices(directory: OrgDirectory, unit: str, schema: Any) -> dict[str, list[dict[str, str]]]:
    """``org_choices`` of a form read: for each organisation field, what the caller may pick."""
    return {f.name: choices(directory, unit, f.levels) for f in org_fields(schema)}


def _field_problem(directory: OrgDirectory, unit: str | None, field: OrgField, value: Any) -> str | None:
    if not isinstance(value, str) or value not in directory.orgs:
        return f"「{field.title}」不是已知单位"
    node = directory.orgs[value]
    if node.level not in field.levels:
        wanted = "或".join(LEVEL_NAMES.get(level, level) for level in field.levels)
        return f"「{field.title}」须为{wanted}，{node.name}是{LEVEL_NAMES.get(node.level, node.level)}"
    if node.converted_into is not None:  # 撤村建居 made it part of a community (engine/villages/)
        into = directory.orgs.get(node.converted_into)
        return f"{node.name}已撤村建居（并入{into.name if into else node.converted_into}），不能填入「{field.title}」"
    if not may_name(directory, unit, value):
        return f"{node.name}不在您单位的辖区内，不能填入「{field.title}」"
    return None


def check_org_fields(schema: Any, directory: OrgDirectory, unit: str | None, data: Mapping[str, Any]) -> None:
    """Raise ValidationFailed naming each organisation field of a wrong level or outside ``unit``.

    ``unit``: the caller's organisation (None: only the levels are checked, e.g. a message start).
    """
    problems: list[Problem] = []
    for field in org_fields(schema):
        value = data.get(field.name)
        if value is None:
            continue
        if field.multiple:
            items = value if isinstance(value, list) else []
            problems.extend(Problem(f"{field.name}/{index}", text) for index, item in enumerate(items)
                            if (text := _field_problem(directory, unit, field, item)) is not None)
        elif (text := _field_problem(directory, unit, field, value)) is not None:
            problems.append(Problem(field.name, text))
    if problems:
        raise ValidationFailed("表单中的单位不正确：" + "；".join(p.message for p in problems[:5]), problems)
