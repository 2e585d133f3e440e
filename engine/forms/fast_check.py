"""A compiled first look at a submission (``jsonschema_rs``): data it finds valid needs no other check.

``jsonschema`` (engine/forms/schema_guard.py) stays the judge: a submission the compiled validator finds valid
is accepted without it; anything else — invalid, or a value the compiled validator cannot take (a lone
surrogate, an integer beyond 64 bits, a Python object) — is validated by ``jsonschema``, which accepts it or
names each field at fault as before. So the compiled validator may be stricter than ours, never more lenient:

* the same draft (2020-12, whatever ``$schema`` says), nothing ever retrieved;
* every format through our own format checker's functions (the same verdicts by construction);
* only data of the types JSON gives (a tuple, say, is an array to it and not to jsonschema);
* only forms whose patterns use the syntax on which RE2 (ours) and ECMA-262 (theirs) agree — literals, classes
  of literals and ranges, ``\\d``, escaped punctuation, ``.``, anchors, quantifiers, groups, alternation; no
  ``\\w``, ``\\s``, ``\\b``, ``\\p{…}``, flags or look-around — and no ``patternProperties``; another form has
  no compiled validator.

tests/test_fast_check.py compares both on every deployed form with drawn and hostile data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import jsonschema_rs

from engine.forms.schema_guard import FORMATS, walk

# a pattern's syntax on which RE2 and ECMA-262 agree (see the module)
# (a ``(`` only as a group, a ``{`` only as a counted quantifier, no ``[]`` or ``[^]``: ECMA-262 reads those
# as an empty class and any character)
_SAFE_PATTERN = re.compile(r"(?!.*\[\^?\])(?:[^\\(){}]|\(\?:|\((?!\?)|\)|\{\d+(?:,\d*)?\}|\\d"
                           r"|\\[-.+*?()\[\]{}|^$/\\])*", re.DOTALL)


def _format_function(check: Callable[[Any], bool], raises: Any) -> Callable[[str], bool]:
    def run(instance: str) -> bool:
        try:
            return bool(check(instance))
        except raises:
            return False
    return run


_FORMAT_FUNCTIONS = {name: _format_function(check, raises) for name, (check, raises) in FORMATS.checkers.items()}


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _json_native(value: Any) -> bool:
    """Only what parsing JSON gives: dicts with text keys, lists, text, numbers, booleans, null (exact types)."""
    stack = [value]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is dict:
            if not all(type(key) is str for key in node):
                return False
            stack.extend(node.values())
        elif kind is list:
            stack.extend(node)
        elif kind not in _SCALARS:
            return False
    return True


def _never(uri: str) -> Any:
    raise ValueError(f"不读取外部引用：{uri}")  # the schema guard allows references inside the form only


def eligible(schema: Any) -> bool:
    """Whether the compiled validator can be trusted for this form (see the module)."""
    for _, key, value in walk(schema):
        if key == "pattern" and (not isinstance(value, str) or not _SAFE_PATTERN.fullmatch(value)):
            return False
        if key in ("patternProperties", "$dynamicRef", "$dynamicAnchor", "$recursiveRef"):
            return False
    return True


def fast_validator(schema: Any) -> Callable[[Any], bool] | None:
    """``check(data)``: True only when the data is valid for ``schema``; None when the form has no compiled
    validator."""
    if not isinstance(schema, dict) or not eligible(schema):
        return None
    try:
        compiled = jsonschema_rs.Draft202012Validator(schema, formats=_FORMAT_FUNCTIONS, validate_formats=True,
                                                      ignore_unknown_formats=True, retriever=_never)
    except Exception:  # a schema the compiled validator does not take: jsonschema alone
        return None

    def check(data: Any) -> bool:
        if not _json_native(data):  # a tuple is an array to it, not to jsonschema: jsonschema judges
            return False
        try:
            return bool(compiled.is_valid(data))
        except Exception:  # a value it cannot convert (a lone surrogate, …): jsonschema judges
            return False

    return check
