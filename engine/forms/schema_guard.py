"""Form files from process owners are untrusted: parse them, check them, validate with them safely.

* JSON is parsed with a size and nesting bound (a deeply nested document would
  otherwise exhaust the interpreter's recursion limit).
* ``$ref`` may only point inside the form file itself: jsonschema would
  otherwise fetch remote references (``http://``, ``file://``) when validating.
  Validators get an empty reference registry, so nothing is ever retrieved.
* ``pattern``, ``patternProperties`` and the ``regex`` format are evaluated with
  RE2 (linear time): a process owner cannot upload a pattern such as
  ``^(a+)+$`` that makes one submission hang a server thread (ReDoS).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import re2
from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from referencing import Registry

from engine.errors import Problem
from engine.store.storable import NUL_MESSAGE, nul_path

MAX_FORM_DEPTH = 32
MAX_PATTERN_LENGTH = 1000
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False
_RE2_OPTIONS.max_mem = 8 << 20


class FormFileError(ValueError):
    """A form file is not JSON, or is nested too deeply."""


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> Any:
    """Compile with RE2 or raise ``re2.error``/``ValueError`` (back-references, look-around …)."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValueError(f"正则表达式过长（上限 {MAX_PATTERN_LENGTH} 个字符）")
    return re2.compile(pattern, _RE2_OPTIONS)


def depth_of(value: Any, limit: int) -> int:
    """Nesting depth of a JSON value, walked without recursion; stops counting past ``limit``."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return deepest


def load_json_document(raw: bytes, max_depth: int = MAX_FORM_DEPTH) -> Any:
    """Parse untrusted JSON bytes; raise FormFileError (never RecursionError) when it is unusable."""
    try:
        doc = json.loads(raw)
    except RecursionError as exc:
        raise FormFileError(f"JSON 嵌套过深（上限 {max_depth} 层）") from exc
    except json.JSONDecodeError as exc:
        raise FormFileError(f"不是合法的 JSON：第 {exc.lineno} 行第 {exc.colno} 列（{exc.msg}）") from exc
    except UnicodeDecodeError as exc:
        raise FormFileError(f"不是合法的 UTF-8 文本（第 {exc.start} 字节）") from exc
    except ValueError as exc:
        raise FormFileError(f"不是合法的 JSON：{exc}") from exc
    if depth_of(doc, max_depth) > max_depth:
        raise FormFileError(f"JSON 嵌套过深（上限 {max_depth} 层）")
    where = nul_path(doc)
    if where is not None:
        raise FormFileError(f"{where}：{NUL_MESSAGE}")
    return doc


def walk(node: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Every (path, key, value) of the objects in a JSON document (iteratively)."""
    stack: list[tuple[str, Any]] = [(path, node)]
    while stack:
        where, current = stack.pop()
        if isinstance(current, dict):
            for key, value in current.items():
                yield f"{where}/{key}", key, value
                stack.append((f"{where}/{key}", value))
        elif isinstance(current, list):
            for index, value in enumerate(current):
                stack.append((f"{where}/{index}", value))


def schema_problems(name: str, schema: Any) -> list[Problem]:
    """What in a form's JSON Schema would reach outside the file or could not run in linear time."""
    problems: list[Problem] = []
    for where, key, value in walk(schema):
        if key in ("$ref", "$dynamicRef") and isinstance(value, str) and not value.startswith("#"):
            problems.append(Problem(name, f"{where}：只允许引用本文件内的定义（以 # 开头），不允许 {value[:100]!r}"))
        elif key == "$id" and isinstance(value, str) and where.count("/") == 1 and "://" in value:
            problems.append(Problem(name, f"{where}：不允许声明外部 $id"))
        elif key == "pattern" and isinstance(value, str):
            problems.extend(_pattern_problem(name, where, value))
        elif key == "patternProperties" and isinstance(value, dict):
            for pattern in value:
                problems.extend(_pattern_problem(name, f"{where}/{pattern}", pattern))
    return problems


def _pattern_problem(name: str, where: str, pattern: str) -> list[Problem]:
    try:
        compile_pattern(pattern)
    except (re2.error, ValueError, TypeError) as exc:
        return [Problem(name, f"{where}：正则表达式不受支持（只支持 RE2 语法，不支持回溯引用、环视等）：{exc}")]
    return []


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not compile_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, patterns: dict[str, Any], instance: Any,
                        schema: dict[str, Any]) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if compile_pattern(pattern).search(key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


FORMATS = FormatChecker()
FORMATS.checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)


@FORMATS.checks("regex", raises=(re2.error, ValueError, TypeError))
def _is_regex(instance: object) -> bool:
    return not isinstance(instance, str) or compile_pattern(instance) is not None


SafeValidator = validators.extend(
    Draft202012Validator,
    {"pattern": _pattern, "patternProperties": _pattern_properties},
)


def make_validator(schema: dict[str, Any]) -> Any:
    """A Draft 2020-12 validator that never retrieves a reference and matches patterns in linear time."""
    return SafeValidator(schema, registry=Registry(), format_checker=FORMATS)
