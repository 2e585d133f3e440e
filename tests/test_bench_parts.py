"""bench/parts.py: the exclusive figures the part-by-part tools print, and the code they leave as it was."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from bench.parts import timed_parts


class Clock:
    """A clock the code under measurement moves: each ``work(n)`` spends exactly ``n`` seconds."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


CLOCK = Clock()


def work(seconds: float) -> None:
    CLOCK.now += seconds


def inner() -> str:
    work(2)
    return "inner"


def outer() -> str:
    work(1)
    found = inner()
    work(3)
    return found


class Base:
    def inherited(self) -> str:
        work(5)
        return "base"


class Owner(Base):
    @staticmethod
    def static(value: int) -> int:
        work(7)
        return value + 1

    @classmethod
    def made(cls) -> str:
        work(11)
        return cls.__name__


MODULE = sys.modules[__name__]


def test_each_part_counts_only_what_no_part_inside_it_spent() -> None:
    with timed_parts([(MODULE, "outer", "outer"), (MODULE, "inner", "inner")], clock=CLOCK) as totals:
        assert outer() == "inner"
        assert outer() == "inner"
    assert totals == {"outer": 8.0, "inner": 4.0}  # 1 + 3 twice; 2 twice, once each call, not in outer's


def test_a_label_shared_by_two_functions_adds_them_up_once() -> None:
    with timed_parts([(MODULE, "outer", "both"), (MODULE, "inner", "both")], clock=CLOCK) as totals:
        outer()
        inner()
    assert totals == {"both": 8.0}  # 6 for outer with inner inside it, 2 for inner alone


def test_static_class_and_inherited_methods_are_timed_and_put_back() -> None:
    before: dict[str, Any] = dict(vars(Owner))
    parts = [(Owner, "static", "static"), (Owner, "made", "made"), (Owner, "inherited", "inherited")]
    with timed_parts(parts, clock=CLOCK) as totals:
        assert Owner.static(1) == 2 and Owner().static(2) == 3
        assert Owner.made() == "Owner"
        assert Owner().inherited() == "base"
    assert totals == {"static": 14.0, "made": 11.0, "inherited": 5.0}
    assert dict(vars(Owner)) == before  # the inherited method is not left behind on the subclass
    assert Owner().inherited() == "base" and Owner.static(1) == 2


def test_a_part_that_raises_is_counted_and_the_wrappers_go_away() -> None:
    def failing() -> None:
        work(4)
        raise ValueError("refused")

    MODULE.failing = failing  # type: ignore[attr-defined]
    try:
        with timed_parts([(MODULE, "outer", "outer"), (MODULE, "failing", "failing")], clock=CLOCK) as totals:
            with pytest.raises(ValueError):
                MODULE.failing()
            outer()
        assert totals == {"failing": 4.0, "outer": 6.0}
        assert MODULE.failing is failing and MODULE.outer is outer
    finally:
        del MODULE.failing
