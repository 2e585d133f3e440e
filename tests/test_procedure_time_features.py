"""features/residents_committee.feature and housing_handover.feature: procedures that wait on the clock.

The same real HTTP API as tests/test_procedures.py, on an engine whose clock the scenarios move.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from pytest_bdd import scenarios

from api import create_app
from engine.clock import FixedClock
from engine.service import WorkflowEngine
from engine.settings import Settings
from tests.steps.procedure_steps import *  # noqa: F403  (the steps, found by pytest-bdd in this module)
from tests.support import ApiClient

scenarios("residents_committee.feature", "housing_handover.feature")

T0 = datetime.fromisoformat("2026-03-02T09:00:00+08:00")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def api(settings: Settings, clock: FixedClock) -> Iterator[ApiClient]:
    engine = WorkflowEngine(settings, clock)
    app = create_app(settings, engine=engine)
    try:
        yield ApiClient(app, app.test_client())
    finally:
        engine.db.dispose()
