"""The server process's heap after start-up, moved out of the cyclic garbage collector's sight.

A started app holds ≈ 200,000 tracked objects that live as long as the process (modules,
SQLAlchemy's mappers and compiled statements, marshmallow schemas, the deployed procedures).
Every full collection walks them all: measured on the clerk's cycle with 10,000 open tasks, one
full collection in ≈ 150 cycles, ≈ 150 ms of CPU on the one request it lands on. ``gc.freeze()``
puts what exists now in a permanent generation that collections skip (objects made later are
collected as before). Called by the servers (waitress, gunicorn's workers, the benchmark's
server), not by ``create_app``: a test process creating many apps would keep every frozen one.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def freeze_after_start_up() -> None:
    gc.collect()  # what start-up left as garbage is freed, not frozen
    gc.freeze()


@contextmanager
def frozen_heap() -> Iterator[None]:
    """The benchmark's in-process rows, measured as a server would run them: what exists is frozen, then
    released, so the rows after see the collector as before."""
    freeze_after_start_up()
    try:
        yield
    finally:
        gc.unfreeze()
