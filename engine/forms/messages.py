"""Chinese messages for a form submission that breaks its JSON Schema.

A clerk reads these: each names the field by its ``title`` ("户数：不得小于 1")
and, when the rule comes from an ``if``/``then``/``else`` branch, the condition
that made it apply ("补正要求：扎口意见为「退回部门补正」时必须填写"). A form's own
``errorMessage`` wins; jsonschema's English text is never shown.
"""

from __future__ import annotations

import json
from typing import Any

from jsonschema.exceptions import ValidationError

TYPE_NAMES = {
    "string": "文字", "integer": "整数", "number": "数字", "boolean": "是或否",
    "object": "对象", "array": "列表", "null": "空值",
}
FORMAT_HINTS = {
    "date": "请填写日期（年-月-日，如 2026-01-31）",
    "date-time": "请填写日期和时间（如 2026-01-31T09:00:00+08:00）",
    "time": "请填写时间（如 09:30:00）",
    "email": "请填写有效的电子邮件地址",
    "uri": "请填写有效的网址",
    "uuid": "请填写有效的 UUID",
}
_CONDITIONAL = ("then", "else")


def _resolve(root: dict[str, Any], node: Any) -> Any:
    """Follow a local ``$ref`` (``#/...``) once; anything else is returned as it is."""
    ref = node.get("$ref") if isinstance(node, dict) else None
    if not isinstance(ref, str) or not ref.startswith("#"):
        return node
    target: Any = root
    for part in ref[1:].split("/"):
        if not part:
            continue
        part = part.replace("~1", "/").replace("~0", "~")
        target = target.get(part) if isinstance(target, dict) else None
    return target if isinstance(target, dict) else node


def field_schema(root: dict[str, Any], parts: list[Any]) -> dict[str, Any] | None:
    """The schema of the field at an instance path, following ``properties`` and ``items``."""
    node: Any = root
    for part in parts:
        node = _resolve(root, node)
        if not isinstance(node, dict):
            return None
        node = node.get("items") if isinstance(part, int) else (node.get("properties") or {}).get(part)
    node = _resolve(root, node)
    return node if isinstance(node, dict) else None


def field_label(root: dict[str, Any], parts: list[Any]) -> str | None:
    """The field's title ("户数"; "参会村民第 2 项" for an item without its own title), else its name."""
    if not parts:
        return None
    own = field_schema(root, parts)
    if own and isinstance(own.get("title"), str):
        return own["title"]
    if isinstance(parts[-1], int):
        parent = field_label(root, parts[:-1])
        return f"{parent}第 {parts[-1] + 1} 项" if parent else f"第 {parts[-1] + 1} 项"
    return str(parts[-1])


def _number(value: Any) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def choice_text(root: dict[str, Any], parts: list[Any], value: Any) -> str:
    """A value as the clerk sees it: the title of the matching choice, 是/否, or the value itself."""
    schema = field_schema(root, parts) or {}
    for option in schema.get("oneOf") or schema.get("anyOf") or []:
        if isinstance(option, dict) and option.get("const") == value and isinstance(option.get("title"), str):
            return f"「{option['title']}」"
    if isinstance(value, bool):
        return "「是」" if value else "「否」"
    return f"「{value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)}」"


def _condition_part(root: dict[str, Any], base: list[Any], name: str, rule: Any) -> str | None:
    if not isinstance(rule, dict):
        return None
    parts = [*base, name]
    label = field_label(root, parts) or name
    if "const" in rule:
        return f"{label}为{choice_text(root, parts, rule['const'])}"
    if isinstance(rule.get("enum"), list):
        return f"{label}为" + "或".join(choice_text(root, parts, v) for v in rule["enum"])
    bounds = []
    if "minimum" in rule:
        bounds.append(f"不小于 {_number(rule['minimum'])}")
    if "maximum" in rule:
        bounds.append(f"不大于 {_number(rule['maximum'])}")
    if bounds:
        return f"{label}" + "且".join(bounds)
    return None


def describe_condition(root: dict[str, Any], base: list[Any], condition: Any) -> str | None:
    """An ``if`` schema in words ("扎口意见为「受理」"), or None when it is not a plain one."""
    if not isinstance(condition, dict):
        return None
    if isinstance(condition.get("anyOf"), list):
        options = [describe_condition(root, base, option) for option in condition["anyOf"]]
        return "或".join(options) if options and all(options) else None  # type: ignore[arg-type]
    properties = condition.get("properties")
    if not isinstance(properties, dict) or not properties:
        return None
    described = [_condition_part(root, base, name, rule) for name, rule in properties.items()]
    return "且".join(described) if all(described) else None  # type: ignore[arg-type]


def _condition(error: ValidationError, root: dict[str, Any]) -> str | None:
    """When the failed rule sits in a ``then``/``else`` branch: the condition that made it apply."""
    path = list(error.absolute_schema_path)
    for index in range(len(path) - 1, -1, -1):
        if path[index] not in _CONDITIONAL:
            continue
        owner: Any = root
        for part in path[:index]:
            owner = owner[part] if isinstance(owner, dict | list) else None
        if not isinstance(owner, dict):
            return None
        # the instance path of the object the if/then applies to: the "properties" steps above it
        base = [path[i] for i in range(1, index) if path[i - 1] == "properties"]
        described = describe_condition(root, base, owner.get("if"))
        if described is None:
            return None
        space = " " if described[-1].isascii() and described[-1].isalnum() else ""
        return f"{described}{space}时" if path[index] == "then" else f"不满足“{described}”时"
    return None


def _rule(error: ValidationError) -> str | None:
    """A conditional rule's own ``description`` (a field's description is help text, not a rule)."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    inside_branch = any(p in ("then", "else", "allOf", "anyOf", "oneOf", "not") for p in
                        list(error.absolute_schema_path)[:-1])
    description = schema.get("description")
    return description if inside_branch and isinstance(description, str) and description else None


def _not_message(root: dict[str, Any], parts: list[Any], forbidden: Any) -> str:
    if isinstance(forbidden, dict) and "const" in forbidden:
        return f"不能为{choice_text(root, parts, forbidden['const'])}"
    if isinstance(forbidden, dict) and isinstance(forbidden.get("enum"), list):
        return "不能为" + "或".join(choice_text(root, parts, v) for v in forbidden["enum"])
    return "此处不应填写" if forbidden in ({}, True) else "不符合填写要求"


def _const_message(root: dict[str, Any], parts: list[Any], value: Any) -> str:
    if value is True and (field_schema(root, parts) or {}).get("type") == "boolean":
        return "须勾选确认"
    return f"须为{choice_text(root, parts, value)}"


def _plain_message(error: ValidationError, root: dict[str, Any], parts: list[Any]) -> str:
    """The rule broken, without the field's name."""
    validator, value = error.validator, error.validator_value
    simple = {
        "minimum": lambda: f"不得小于 {_number(value)}",
        "maximum": lambda: f"不得大于 {_number(value)}",
        "exclusiveMinimum": lambda: f"必须大于 {_number(value)}",
        "exclusiveMaximum": lambda: f"必须小于 {_number(value)}",
        "multipleOf": lambda: f"必须是 {_number(value)} 的整数倍",
        "minLength": lambda: f"至少填写 {value} 个字",
        "maxLength": lambda: f"最多填写 {value} 个字",
        "pattern": lambda: "格式不正确",
        "format": lambda: FORMAT_HINTS.get(str(value), f"格式不正确（应为 {value}）"),
        "enum": lambda: "请从可选项中选择",
        "const": lambda: _const_message(root, parts, value),
        "not": lambda: _not_message(root, parts, value),
        "minItems": lambda: f"至少 {value} 项",
        "maxItems": lambda: f"最多 {value} 项",
        "uniqueItems": lambda: "不能有重复的项",
        "minProperties": lambda: f"至少填写 {value} 项",
        "maxProperties": lambda: f"最多填写 {value} 项",
        "contains": lambda: "没有符合要求的项",
    }
    if validator in simple:
        return simple[validator]()
    if validator == "type":
        names = value if isinstance(value, list) else [value]
        return "应为" + "或".join(TYPE_NAMES.get(str(n), str(n)) for n in names)
    if validator == "oneOf":
        choices = all(isinstance(o, dict) and "const" in o for o in value or [])
        if choices:
            return "请从可选项中选择"
        matched = "is valid under each of" in error.message
        return "同时符合了多种只能择一的情形" if matched else "不符合任何一种允许的情形"
    if validator == "anyOf":
        return "不符合任何一种允许的情形"
    if validator == "dependentRequired" and isinstance(error.instance, dict):
        missing = [name for names in (value or {}).values() for name in names if name not in error.instance]
        return "还须填写" + "、".join(field_label(root, [*parts, m]) or m for m in missing)
    if validator == "propertyNames":
        return "字段名称不符合要求"
    return "不符合表单规则"


def form_message(error: ValidationError, root: dict[str, Any], parts: list[Any]) -> str:
    """The clerk's message for one error at the instance path ``parts`` (``required``: the missing field)."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    custom = schema.get("errorMessage")
    if isinstance(custom, str):
        return custom
    label = field_label(root, parts) or (schema.get("title") if isinstance(schema.get("title"), str) else None)
    prefix = f"{label}：" if label else ""
    condition = _condition(error, root)
    rule = _rule(error)
    if error.validator == "required":
        if rule:
            return f"{prefix}必须填写（{rule}）"
        return f"{prefix}{condition}必须填写" if condition else f"{prefix}必填项未填写"
    if error.validator == "additionalProperties":
        return f"表单中没有字段「{parts[-1]}」" if parts else "表单中有多余的字段"
    if error.validator == "type" and not parts:
        return "表单数据应为 JSON 对象"
    message = prefix + _plain_message(error, root, parts)
    if rule:
        return f"{message}（{rule}）"
    return f"{message}（{condition}）" if condition else message


SCHEMA_TYPE_NAMES = {
    "string": "字符串", "integer": "整数", "number": "数字", "boolean": "布尔值",
    "object": "对象", "array": "数组", "null": "null",
}


def schema_error_message(error: ValidationError) -> str:
    """A form file that is not a valid JSON Schema (a ``SchemaError``), for the process owner."""
    where = "/".join(map(str, error.absolute_path)) or "根"
    value = error.validator_value
    if error.absolute_path and error.absolute_path[-1] == "type" and error.validator == "anyOf":
        found = json.dumps(error.instance, ensure_ascii=False)[:60]
        detail = f"{found} 不是 JSON Schema 的类型（可用 {'、'.join(SCHEMA_TYPE_NAMES)}）"
    elif error.validator == "type":
        names = value if isinstance(value, list) else [value]
        detail = "应为" + "或".join(SCHEMA_TYPE_NAMES.get(str(n), str(n)) for n in names)
    else:
        detail = _plain_message(error, {}, [])
    return f"不是合法的 JSON Schema（{where}）：{detail}"
