"""Shared fixtures: a real SQLite database per test, the real Flask app, real BPMN files."""

from __future__ import annotations

import os

# a state hash a command reuses for the entries after its run is computed again and compared
# (engine/runtime/steps.py reads this once, when it is imported: so before any engine import)
os.environ.setdefault("ENGINE_CHECK_SETTLED_STATE", "1")

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.settings import Settings
from tests.support import ApiClient, build_template, fresh_settings, make_client

pytest_plugins = ["tests.steps.case_steps", "tests.steps.operation_steps", "tests.flow_coverage", "tests.replay_check",
                  "tests.backends"]


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_template(tmp_path_factory.mktemp("template"))


@pytest.fixture
def settings(template_db: Path, tmp_path: Path) -> Settings:
    return fresh_settings(template_db, tmp_path)


@pytest.fixture
def api(settings: Settings) -> Iterator[ApiClient]:
    yield from make_client(settings)
