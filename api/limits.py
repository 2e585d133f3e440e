"""Limits on JSON request bodies, checked before a request reaches a schema or the engine.

Flask's own limit (``MAX_CONTENT_LENGTH``, for uploads) is large; a JSON body
gets a smaller one, and is refused when it nests deeper than
``JSON_MAX_DEPTH`` (a deeply nested body would otherwise exhaust the
interpreter's recursion limit in the JSON parser, the schema layer or the form
validator), holds a string longer than ``JSON_MAX_STRING``, has more than
``JSON_MAX_ITEMS`` values, or spells a number JSON does not have
(``NaN``/``Infinity``, or an overflowing float), holds an integer of more digits
than Python converts (``JSON_MAX_INT_DIGITS``, the interpreter's int-string
limit), or a NUL character in any string or key (PostgreSQL cannot store one).
Refusals are the API's usual error bodies: 413 for size, 422 with the path of
the offending value.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import RequestEntityTooLarge

from engine.errors import Problem, TooLarge, ValidationFailed
from engine.store.storable import NUL_MESSAGE, has_nul, printable

DEFAULTS = {
    "JSON_MAX_BYTES": 1024 * 1024,
    "JSON_MAX_DEPTH": 32,
    "JSON_MAX_STRING": 20_000,
    "JSON_MAX_ITEMS": 20_000,
    "JSON_MAX_INT_DIGITS": sys.get_int_max_str_digits() or 4300,
}


class _NotJsonNumber(ValueError):
    pass


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotJsonNumber(text)
    return value


def _reject_constant(text: str) -> Any:
    raise _NotJsonNumber(text)


class _TooManyDigits(ValueError):
    pass


def _bounded_int(max_digits: int) -> Any:
    def parse(text: str) -> int:
        if len(text.lstrip("-")) > max_digits:
            raise _TooManyDigits(str(len(text.lstrip("-"))))
        return int(text)
    return parse


def _refuse(path: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"请求数据不合规：{path} {message}", [Problem(path, message)])


def _is_unicode_text(text: str) -> bool:
    """JSON's \\uD800 escapes can smuggle lone surrogates, which no UTF-8 store or hash accepts."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_json_value(value: Any, max_depth: int, max_string: int, max_items: int) -> None:
    """Raise ValidationFailed naming the first value (by path) that breaks a limit; walks without recursion."""
    stack: list[tuple[Any, str, int]] = [(value, "", 1)]
    seen = 0
    while stack:
        node, path, depth = stack.pop()
        seen += 1
        if seen > max_items:
            raise _refuse(path or "/", f"请求包含的数据项过多（上限 {max_items}）")
        if depth > max_depth:
            raise _refuse(path or "/", f"嵌套过深（上限 {max_depth} 层）")
        if isinstance(node, str):
            if len(node) > max_string:
                raise _refuse(path or "/", f"文本过长（{len(node)} 个字符，上限 {max_string}）")
            if not _is_unicode_text(node):
                raise _refuse(path or "/", "文本含有无效的 Unicode 字符（孤立的代理项）")
            if has_nul(node):
                raise _refuse(path or "/", NUL_MESSAGE)
        elif isinstance(node, dict):
            for key, child in node.items():
                child_path = printable(f"{path}/{key}" if path else str(key))
                if len(key) > max_string:
                    raise _refuse(child_path[:200], f"字段名过长（上限 {max_string}）")
                if not _is_unicode_text(key):
                    raise _refuse(repr(key)[:200], "字段名含有无效的 Unicode 字符（孤立的代理项）")
                if has_nul(key):
                    raise _refuse(child_path, "字段名" + NUL_MESSAGE)
                stack.append((child, child_path[:200], depth + 1))
        elif isinstance(node, list):
            stack.extend((child, f"{path}/{i}"[:200], depth + 1) for i, child in enumerate(node))


def parse_limited_json(raw: bytes, config: Any) -> Any:
    """Parse a JSON body under the limits in ``config``; raise TooLarge / ValidationFailed."""
    if len(raw) > config["JSON_MAX_BYTES"]:
        raise TooLarge(f"请求体过大：{len(raw)} 字节，JSON 请求上限 {config['JSON_MAX_BYTES']} 字节")
    try:
        value = json.loads(raw, parse_float=_finite_float, parse_constant=_reject_constant,
                           parse_int=_bounded_int(config["JSON_MAX_INT_DIGITS"]))
    except RecursionError as exc:
        raise _refuse("/", f"嵌套过深（上限 {config['JSON_MAX_DEPTH']} 层）") from exc
    except _TooManyDigits as exc:
        raise _refuse("/", f"整数位数过多（{exc} 位，上限 {config['JSON_MAX_INT_DIGITS']} 位）") from exc
    except _NotJsonNumber as exc:
        raise _refuse("/", f"不是合法的 JSON 数字：{str(exc)[:40]}") from exc
    except ValueError:
        return None  # not JSON at all: the schema layer answers that with its own 400/422
    check_json_value(value, config["JSON_MAX_DEPTH"], config["JSON_MAX_STRING"], config["JSON_MAX_ITEMS"])
    return value


BODY_LIMIT_ATTRIBUTE = "max_body_bytes"
BODILESS = frozenset(("GET", "HEAD", "OPTIONS", "DELETE"))  # methods whose body, if any, is never parsed


def body_limit(limit: Callable[[], int]) -> Callable[[Any], Any]:
    """Let one view read a body up to ``limit()`` bytes (e.g. an upload larger than the app's default).

    Applied right under ``@blp.route``; checked before anything reads the body.
    """
    def decorator(view: Any) -> Any:
        setattr(view, BODY_LIMIT_ATTRIBUTE, limit)
        return view
    return decorator


def _view_body_limit(app: Flask) -> int | None:
    view = app.view_functions.get(request.endpoint or "")
    own = getattr(view, BODY_LIMIT_ATTRIBUTE, None)
    if own is not None:
        request.max_content_length = own()
    return request.max_content_length


def register_request_limits(app: Flask) -> None:
    for key, default in DEFAULTS.items():
        app.config.setdefault(key, default)

    @app.before_request
    def _limit_json_bodies() -> None:
        length = request.content_length
        if length is None and request.method in BODILESS:
            return  # no body announced and none to parse: nothing below applies
        limit = _view_body_limit(app)
        if length is not None and limit is not None and length > limit:
            raise RequestEntityTooLarge()  # whatever the content type, before anything reads it
        if request.method in BODILESS or not request.is_json:
            return
        if length is not None and length > app.config["JSON_MAX_BYTES"]:
            raise TooLarge(f"请求体过大：{length} 字节，JSON 请求上限 {app.config['JSON_MAX_BYTES']} 字节")
        parse_limited_json(request.get_data(cache=True), app.config)
