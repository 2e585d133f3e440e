"""The compiled first look at a submission (engine/forms/fast_check.py) is never more lenient than jsonschema.

Every form file of every procedure and test model, with data drawn valid for it and then made hostile one
field at a time (wrong types, numbers at and past their bounds, integers past 64 bits, NaN, dates that are
not dates, strings with a trailing newline, other scripts' digits, full-width characters, NUL, lone
surrogates, very long text, duplicates, nested junk): whenever the compiled validator says valid, jsonschema
says valid. And the forms the benchmark drives have a compiled validator (else it would save nothing).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.forms.fast_check import eligible, fast_validator
from engine.forms.schema_guard import make_validator
from tests.schema_strategies import valid_data

ROOT = Path(__file__).parent.parent
FORM_FILES = sorted([*ROOT.glob("forms/*/*.schema.json"), *(ROOT / "tests" / "fixtures").rglob("*.schema.json")])

HOSTILE: list[Any] = [
    None, True, False, 0, 1, -1, 1.0, 1.5, -0.0, 2**63, 2**64 + 1, -(2**70), 10**400, float("nan"), float("inf"),
    "", " ", "1", "true", "null", "a\n", "\n", "x" * 5000, "社区\n", "\u0000", "a\u0000b", "\ud800", "\udfff社区",
    "２０２６-01-01", "٢٠٢٦-01-01", "2026-01-01\n", " 2026-01-01", "2026-1-1", "2026-02-30", "2026-13-01",
    "20260101", "2026-01-01T00:00:00Z", "2026Q4", "2026Q5", "2026Q4\n", "abc_1", "ABC", "abc-1", "社区居民委员会",
    "某社区居民委员会\n", "村民委员会", "１２３４５", "12345", "+86 10-1234", "١٢٣٤٥", "approve", "reject",
    [], [None], [1, 1], [1, 1.0], [1, True], ["a", "a"], [{"a": 1}, {"a": 1}], [[]], {}, {"": None},
    {"x": {"y": [1, {"z": "\ud800"}]}}, ("tuple",), {1, 2}, b"bytes", object(),
]


def _forms() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in FORM_FILES:
        schema = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(schema, dict) and schema.get("type") == "object":
            found.append((f"{path.parent.name}/{path.name}", schema))
    return found


FORMS = _forms()


def _values(schema: dict[str, Any]) -> list[Any]:
    """Hostile values, and the consts and enum members the form names (with their look-alikes)."""
    extra: list[Any] = []
    for node in _nodes(schema):
        for const in ([node["const"]] if "const" in node else []) + list(node.get("enum") or []):
            extra.append(const)
            if isinstance(const, str):
                extra += [const + "\n", const.upper(), " " + const]
            if isinstance(const, bool):
                extra.append(int(const))
            elif isinstance(const, int):
                extra += [float(const), bool(const)]
        for bound in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength"):
            if isinstance(node.get(bound), int | float):
                number = node[bound]
                extra += [number, number - 1, number + 1, number - 0.5, number + 0.5, float(number)]
                if "Length" in bound and number < 10_000:
                    extra += ["社" * int(number), "社" * (int(number) + 1), "社" * max(0, int(number) - 1)]
    return HOSTILE + extra


def _nodes(schema: Any) -> list[dict[str, Any]]:
    found, stack = [], [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _agree(name: str, ours: Any, fast: Any, data: Any) -> None:
    if fast(data):
        assert ours.is_valid(data), f"{name}: the compiled validator accepted what jsonschema rejects: {data!r}"


@pytest.mark.parametrize(("name", "schema"), FORMS, ids=[name for name, _ in FORMS])
def test_never_more_lenient_on_hostile_fields(name: str, schema: dict[str, Any]) -> None:
    fast = fast_validator(schema)
    if fast is None:
        pytest.skip("no compiled validator for this form")
    ours = make_validator(schema)
    values = _values(schema)
    properties = list(schema.get("properties") or {})

    @settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def check(draw: Any) -> None:
        data = valid_data(draw.draw, schema)
        _agree(name, ours, fast, data)
        for field in [*properties, "unknown_field"]:
            for value in values:
                _agree(name, ours, fast, {**data, field: value})
            _agree(name, ours, fast, {k: v for k, v in data.items() if k != field})
        for value in values:
            _agree(name, ours, fast, value)  # not an object at all

    check()


def test_the_benchmarks_forms_have_a_compiled_validator() -> None:
    for path in sorted((ROOT / "forms" / "community_access").glob("*.schema.json")):
        assert fast_validator(json.loads(path.read_text(encoding="utf-8"))) is not None, path.name


@pytest.mark.parametrize("pattern", [r"^\w+$", r"^\s*$", r"\bx", r"^\p{Han}+$", r"(?i)^a$", r"^(?=a).$", r"[]a]",
                                     r"[^]", r"a{,3}"])
def test_a_pattern_outside_the_common_syntax_keeps_jsonschema_alone(pattern: str) -> None:
    schema = {"type": "object", "properties": {"x": {"type": "string", "pattern": pattern}}}
    assert not eligible(schema) and fast_validator(schema) is None


def test_patterns_read_alike() -> None:
    schema = {"type": "object", "properties": {"d": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                                               "n": {"type": "string", "pattern": "^.+社区$"}}}
    fast, ours = fast_validator(schema), make_validator(schema)
    assert fast is not None
    for value in ["2026-01-01", "2026-01-01\n", "٢٠٢٦-٠١-٠١", "２０２６-01-01"]:
        assert fast({"d": value}) == ours.is_valid({"d": value}), value
    for value in ["东城社区", "社区", "东城\n社区", "东城社区\n"]:
        assert fast({"n": value}) == ours.is_valid({"n": value}), value
