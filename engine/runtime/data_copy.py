"""``copy.deepcopy`` of case data, faster for the shapes case data has.

A command copies the data it hands to SpiffWorkflow (a submission, the data a loop reset carries on
with) so that nothing the caller keeps is shared with the workflow. Case data is JSON-shaped: dicts,
lists, strings, numbers, booleans, None. ``copy.deepcopy`` dispatches on each value's type through its
memo and its table in Python: a twelfth of a verification's replay (cProfile). :func:`copy_data`
copies exact ``dict`` and ``list`` values and returns the immutable atoms themselves, as deepcopy does,
sharing deepcopy's memo so that a value reached twice is copied once (the copy keeps the original's
aliasing); anything else (a tuple, a subclass, a date) goes to ``copy.deepcopy`` with that memo.
tests/test_data_copy.py compares the two on every shape, aliasing included.
"""

from __future__ import annotations

from copy import deepcopy
from typing import Any

_ATOMS = frozenset({str, int, float, bool, type(None)})


def copy_data(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """``copy.deepcopy(value)``."""
    if memo is None:
        memo = {}
    return _copy(value, memo)


def _copy(value: Any, memo: dict[int, Any]) -> Any:
    kind = type(value)
    if kind in _ATOMS:
        return value
    known = memo.get(id(value), memo)
    if known is not memo:
        return known
    if kind is dict:
        copied: Any = {}
        memo[id(value)] = copied
        for key, item in value.items():
            copied[key if type(key) in _ATOMS else _copy(key, memo)] = \
                item if type(item) in _ATOMS else _copy(item, memo)
        return copied
    if kind is list:
        copied = []
        memo[id(value)] = copied
        append = copied.append
        for item in value:
            append(item if type(item) in _ATOMS else _copy(item, memo))
        return copied
    return deepcopy(value, memo)
