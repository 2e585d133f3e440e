"""Exclusive CPU time of named functions: where a measured operation spends its time (tools, not bench rows).

``timed_parts(PARTS)`` wraps each ``(owner, attribute, label)`` for the duration of a ``with`` block and adds
the CPU time spent inside each to its label, less what the parts nested inside it spent: every figure is
exclusive, and they add up to the time spent inside the outermost parts. The wrappers' own cost (a few µs a
call) is in the figures, so a part called many times an operation reads a little high.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# the owner (a module or a class; a staticmethod or classmethod stays one), the attribute, the label printed
Part = tuple[Any, str, str]


@contextmanager
def timed_parts(parts: list[Part], clock: Callable[[], float] = time.thread_time) -> Iterator[dict[str, float]]:
    """Wrap each part while the block runs; yields the totals (seconds by label), which the caller may clear."""
    totals: dict[str, float] = {}
    inside: list[str] = []
    originals: list[tuple[Any, str, Any, bool]] = []
    for owner, name, label in parts:
        original = inspect.getattr_static(owner, name)  # a staticmethod as such, an inherited method too
        originals.append((owner, name, original, name in vars(owner)))
        bound = isinstance(original, (staticmethod, classmethod))  # wrapped inside, rewrapped as they were
        function = original.__func__ if bound else original

        def timed(*args: Any, _function: Any = function, _label: str = label, **kwargs: Any) -> Any:
            began = clock()
            inside.append(_label)
            try:
                return _function(*args, **kwargs)
            finally:
                inside.pop()
                spent = clock() - began
                totals[_label] = totals.get(_label, 0.0) + spent
                if inside:  # what a part spent inside another is the other's less
                    totals[inside[-1]] = totals.get(inside[-1], 0.0) - spent

        setattr(owner, name, type(original)(timed) if bound else timed)
    try:
        yield totals
    finally:
        for owner, name, original, own in reversed(originals):
            if own:
                setattr(owner, name, original)
            else:  # inherited: the wrapper goes, the base class's method shows through again
                delattr(owner, name)


def print_parts(title: str, total_ms: float, totals: dict[str, float], runs: int, unit: str = "ms") -> None:
    """The title, then each part's share of ``total_ms`` (per run), largest first, and what no part holds."""
    print(f"{title}: {total_ms:.2f} {unit} of CPU (mean of {runs})")
    for label, spent in sorted(totals.items(), key=lambda item: -item[1]):
        each = spent / runs * 1000
        print(f"  {label:<52} {each:7.2f} {unit}  {each / total_ms * 100:5.1f} %")
    rest = total_ms - sum(totals.values()) / runs * 1000
    print(f"  {'everything else':<52} {rest:7.2f} {unit}  {rest / total_ms * 100:5.1f} %")
