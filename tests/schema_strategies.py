"""Hypothesis strategies that draw data valid for a form's JSON Schema.

Covers the subset our forms use (objects, strings with formats and patterns,
numbers with bounds, booleans, consts and oneOf choices, arrays, if/then rules):
a draw is built from the properties, then repaired against the validator's
complaints (missing required fields, consts) and finally filtered by validity.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

CHINESE = "社区街道村民委员会居民审批同意材料齐全经费落实办理意见"


def value_strategy(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "const" in schema:
        return st.just(schema["const"])
    choices = schema.get("oneOf") or schema.get("anyOf")
    if choices and all("const" in c for c in choices):
        return st.sampled_from([c["const"] for c in choices])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object":
        return object_strategy(schema)
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        low = schema.get("minimum", schema.get("exclusiveMinimum", -1_000) + ("exclusiveMinimum" in schema))
        high = schema.get("maximum", schema.get("exclusiveMaximum", 100_000) - ("exclusiveMaximum" in schema))
        return st.integers(min_value=int(low), max_value=int(high))
    if kind == "number":
        low = schema.get("minimum", schema.get("exclusiveMinimum", -1_000.0))
        high = schema.get("maximum", schema.get("exclusiveMaximum", 100_000.0))
        return st.floats(min_value=float(low), max_value=float(high), allow_nan=False, allow_infinity=False,
                         exclude_min="exclusiveMinimum" in schema, exclude_max="exclusiveMaximum" in schema)
    if kind == "array":
        items = value_strategy(schema.get("items", {"type": "string"}))
        low = schema.get("minItems", 0)
        high = max(low, min(schema.get("maxItems", low + 3), low + 6))
        return st.lists(items, min_size=low, max_size=high, unique=bool(schema.get("uniqueItems")))
    return string_strategy(schema)


def string_strategy(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    low, high = schema.get("minLength", 0), min(schema.get("maxLength", 40), 60)
    if schema.get("format") == "date":
        return st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)).map(date.isoformat)
    if "pattern" in schema:
        return st.from_regex(schema["pattern"]).filter(lambda s: low <= len(s) <= high)
    return st.text(alphabet=CHINESE, min_size=low, max_size=max(low, high))


def object_strategy(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    properties: dict[str, Any] = schema.get("properties", {})
    required = [name for name in schema.get("required", []) if name in properties]
    # a file field names an attachment the case must already have: random ids are left out
    optional = {name: value_strategy(sub) for name, sub in properties.items()
                if name not in required and not _is_file_field(sub)}
    return st.fixed_dictionaries({name: value_strategy(properties[name]) for name in required}, optional=optional)


def _is_file_field(schema: dict[str, Any]) -> bool:
    items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
    return "attachment" in (schema.get("format"), items.get("format"))


def valid_data(draw: Any, schema: dict[str, Any]) -> dict[str, Any]:
    """Draw an instance, repair what the validator names, and keep it only if it is valid."""
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    data = draw(object_strategy(schema))
    properties = schema.get("properties", {})
    for _ in range(6):
        errors = list(validator.iter_errors(data))
        if not errors:
            return data
        for error in errors:
            if error.validator == "required" and not error.absolute_path:
                name = error.message.split("'")[1]
                if name in properties:
                    data[name] = draw(value_strategy(properties[name]))
            elif error.validator == "const" and len(error.absolute_path) == 1:
                data[str(error.absolute_path[0])] = error.validator_value
            elif error.validator in ("not", "additionalProperties") and not error.absolute_path:
                for name in [n for n in data if n not in error.schema.get("required", [])][:1]:
                    data.pop(name, None)
            elif len(error.absolute_path) == 1:
                name = str(error.absolute_path[0])
                sub = dict(properties.get(name, {}))
                sub.update({k: v for k, v in error.schema.items() if k in ("minimum", "maximum", "const")})
                data[name] = draw(value_strategy(sub))
    assume(not list(validator.iter_errors(data)))
    return data
