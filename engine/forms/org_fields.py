"""Form fields that name an organisation of a declared level (``x-org-level``).

A form property, the ``items`` of an array property, or a property of the object
``items`` of an array (a list of rows such as ``{department, task}``) may carry
``"x-org-level": ["village"]``: its value is the id of an organisation of one of
those levels (an array: several). The form read offers the organisations of those
levels that the caller may name (:func:`org_choices`, keyed ``field`` or
``field/sub`` for a property of array rows: below the caller's own unit; external
units and departments are open to everyone), the pages show them by name in a
select (a multi-select for an array), and a submission naming an organisation of
another level or outside the caller's unit, or a village 撤村建居 converted, is refused
naming the field (``field``, ``field/index`` or ``field/index/sub``: :func:`check_org_fields`).
Deployment refuses unknown levels (:func:`level_problems`).
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
    sub: str | None = None  # a property of each object row of the array ``name``

    @property
    def key(self) -> str:
        """The field's key in ``org_choices``: ``name``, or ``name/sub`` for a property of array rows."""
        return self.name if self.sub is None else f"{self.name}/{self.sub}"


def _levels(node: Any) -> tuple[str, ...] | None:
    raw = node.get(KEYWORD) if isinstance(node, dict) else None
    if isinstance(raw, str):
        raw = [raw]
    return tuple(x for x in raw if isinstance(x, str)) if isinstance(raw, list) else None


def _row_properties(prop: dict[str, Any]) -> dict[str, Any]:
    """The properties of an array's object rows (empty when its items are not objects)."""
    items = prop.get("items")
    props = items.get("properties") if isinstance(items, dict) and items.get("type") == "object" else None
    return props if isinstance(props, dict) else {}


def org_fields(schema: Any) -> list[OrgField]:
    """The form's organisation fields (top level and in array rows), in the order of ``properties``."""
    props = schema.get("properties") if isinstance(schema, dict) else None
    found: list[OrgField] = []
    for name, prop in (props or {}).items() if isinstance(props, dict) else ():
        if not isinstance(prop, dict):
            continue
        title = str(prop.get("title") or name)
        levels = _levels(prop)
        if levels is not None:
            found.append(OrgField(name, title, levels, False))
        elif (levels := _levels(prop.get("items"))) is not None:
            found.append(OrgField(name, title, levels, True))
        for sub, sub_prop in _row_properties(prop).items():
            if not isinstance(sub_prop, dict):
                continue
            sub_title = f"{title}·{sub_prop.get('title') or sub}"
            if (levels := _levels(sub_prop)) is not None:
                found.append(OrgField(name, sub_title, levels, False, sub))
            elif (levels := _levels(sub_prop.get("items"))) is not None:
                found.append(OrgField(name, sub_title, levels, True, sub))
    return found


def level_problems(name: str, schema: Any) -> list[Problem]:
    """Unknown levels, or a level on a field that cannot hold an organisation id."""
    problems: list[Problem] = []
    props = schema.get("properties") if isinstance(schema, dict) else None
    for field_name, prop in (props or {}).items() if isinstance(props, dict) else ():
        if not isinstance(prop, dict):
            continue
        nodes: list[tuple[Any, str]] = [(prop, field_name), (prop.get("items"), f"{field_name}[]")]
        for sub, sub_prop in _row_properties(prop).items():
            if isinstance(sub_prop, dict):
                nodes += [(sub_prop, f"{field_name}[].{sub}"), (sub_prop.get("items"), f"{field_name}[].{sub}[]")]
        for node, path in nodes:
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
    return {f.key: choices(directory, unit, f.levels) for f in org_fields(schema)}


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


def _value_problems(directory: OrgDirectory, unit: str | None, field: OrgField, path: str,
                    value: Any) -> list[Problem]:
    if field.multiple:
        items = value if isinstance(value, list) else []
        return [Problem(f"{path}/{index}", text) for index, item in enumerate(items)
                if (text := _field_problem(directory, unit, field, item)) is not None]
    text = _field_problem(directory, unit, field, value)
    return [] if text is None else [Problem(path, text)]


def check_org_fields(schema: Any, directory: OrgDirectory, unit: str | None, data: Mapping[str, Any]) -> None:
    """Raise ValidationFailed naming each organisation field of a wrong level or outside ``unit``.

    ``unit``: the caller's organisation (None: only the levels are checked, e.g. a message start).
    """
    problems: list[Problem] = []
    for field in org_fields(schema):
        value = data.get(field.name)
        if value is None:
            continue
        if field.sub is None:
            problems.extend(_value_problems(directory, unit, field, field.name, value))
            continue
        for index, row in enumerate(value if isinstance(value, list) else []):
            if isinstance(row, Mapping) and row.get(field.sub) is not None:
                problems.extend(_value_problems(directory, unit, field, f"{field.name}/{index}/{field.sub}",
                                                row[field.sub]))
    if problems:
        raise ValidationFailed("表单中的单位不正确：" + "；".join(p.message for p in problems[:5]), problems)
