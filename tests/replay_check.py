"""After every Gherkin scenario: every case of its database verifies (chain, replay, snapshot),
and so does its offline export. So every path of every procedure replays to identical states."""

from __future__ import annotations

from typing import Any

import pytest

from engine.audit.export import history_jsonl, verify_export
from engine.audit.verify import verify_all
from engine.grid import chain as grid_chain


def verify_every_case(api: Any) -> int:
    engine = api.engine
    count = 0
    for instance_id, business_key, verdict in verify_all(engine.uow, engine.registry):
        assert verdict.ok, f"case {instance_id} ({business_key}) does not verify: {verdict.as_dict()}"
        with engine.db.reader() as session:
            exported = verify_export(list(history_jsonl(session, instance_id)))
        assert exported.ok, f"the export of case {instance_id} does not verify: {exported.as_dict()}"
        count += 1
    assert engine.uow.read(grid_chain.check_all) == []  # the grids' 民情日志 chains too
    return count


@pytest.hookimpl(hookwrapper=True)
def pytest_bdd_after_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> Any:
    yield
    if "api" in request.fixturenames:
        verify_every_case(request.getfixturevalue("api"))
