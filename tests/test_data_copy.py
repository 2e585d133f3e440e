"""engine.runtime.data_copy.copy_data is copy.deepcopy: equal values, no shared containers, the same aliasing."""

from __future__ import annotations

from collections import OrderedDict
from copy import deepcopy
from datetime import date
from typing import Any

import pytest

from engine.runtime.data_copy import copy_data


def _containers(value: Any, seen: dict[int, Any] | None = None) -> list[Any]:
    """Every container reachable from ``value``, depth first, once each."""
    seen = {} if seen is None else seen
    if isinstance(value, (dict, list, tuple, set)) and id(value) not in seen:
        seen[id(value)] = value
        items = list(value.items()) if isinstance(value, dict) else [(None, v) for v in value]
        for key, item in items:
            _containers(key, seen)
            _containers(item, seen)
    return list(seen.values())


def _shape(value: Any) -> list[tuple[type, int]]:
    """The containers' types and which earlier container each one is (aliasing), by position."""
    found = _containers(value)
    index = {id(c): i for i, c in enumerate(found)}
    return [(type(c), index[id(c)]) for c in found]


shared = {"k": [1, 2]}
listed = [shared, shared]
looped: list[Any] = [1]
looped.append(looped)

CASES: list[Any] = [
    {}, [], "文本", 1, 1.5, True, None,
    {"申请人": "张三", "amount": 60000, "ratio": 0.25, "ok": False, "note": None,
     "rules": {"min": 1, "list": [1, "a", {"x": [None, True]}]}},
    {"a": shared, "b": shared, "c": listed},
    {"tuple": (1, [2, 3]), "date": date(2026, 12, 2), "ordered": OrderedDict(x=1), 7: "int key", (1, 2): "tuple key"},
    {"loop": looped},
    [[[[[]]]]],
]


@pytest.mark.parametrize("value", CASES, ids=range(len(CASES)))
def test_copy_data_is_deepcopy(value: Any) -> None:
    ours, theirs = copy_data(value), deepcopy(value)
    assert repr(ours) == repr(theirs)
    assert _shape(ours) == _shape(theirs)
    originals = {id(c) for c in _containers(value)}
    # shared with the original where deepcopy shares (an immutable tuple of atoms), nowhere else
    assert [id(c) in originals for c in _containers(ours)] == [id(c) in originals for c in _containers(theirs)]
    assert not any(id(c) in originals for c in _containers(ours) if isinstance(c, (dict, list)))


def test_copy_data_shares_the_memo_as_deepcopy_does() -> None:
    memo: dict[int, Any] = {}
    first = copy_data(shared, memo)
    assert copy_data({"again": shared}, memo)["again"] is first
