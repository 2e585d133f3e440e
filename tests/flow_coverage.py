"""BPMN flow coverage: which sequence flows the Gherkin scenarios took, read from the journal.

After each feature scenario the flows recorded in its database's journal are
collected. At the end of a full run, every sequence flow of ``processes/*.bpmn``
must have been taken; the run fails otherwise and prints
``BPMN flow coverage: <taken>/<total>``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select

from engine.store.models import JournalEntry, ProcessInstance

ROOT = Path(__file__).resolve().parent.parent
BPMN_NS = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
_TAKEN: set[tuple[str, str]] = set()
_RAN_FEATURES: list[str] = []


def all_flows() -> set[tuple[str, str]]:
    flows: set[tuple[str, str]] = set()
    for path in sorted((ROOT / "processes").glob("*.bpmn")):
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
        for process in root.iter(f"{BPMN_NS}process"):
            key = process.get("id", "")
            flows.update((key, flow.get("id", "")) for flow in process.iter(f"{BPMN_NS}sequenceFlow"))
    return flows


def record_flows(api: Any) -> None:
    engine = api.engine
    with engine.db.reader() as session:
        rows = session.execute(select(ProcessInstance.definition_key, JournalEntry.payload)
                               .join(ProcessInstance, ProcessInstance.id == JournalEntry.instance_id))
        for key, payload in rows:
            for flow in (payload or {}).get("flows", []):
                _TAKEN.add((key, flow))


@pytest.hookimpl(hookwrapper=True)
def pytest_bdd_after_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> Any:
    yield
    if "api" in request.fixturenames:
        record_flows(request.getfixturevalue("api"))
        _RAN_FEATURES.append(scenario.name)


def _full_run(config: pytest.Config) -> bool:
    args = [a for a in config.args if a not in ("tests", "tests/", str(ROOT / "tests"))]
    return not args and not config.getoption("keyword") and not config.getoption("markexpr")


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not _RAN_FEATURES:
        return
    flows = all_flows()
    taken = flows & _TAKEN
    terminalreporter.write_line(f"BPMN flow coverage: {len(taken)}/{len(flows)}")
    missing = sorted(flows - taken)
    if missing and _full_run(config):
        terminalreporter.write_line("Sequence flows never taken: " + ", ".join(f"{k}:{f}" for k, f in missing))
        terminalreporter.write_line("FAILED: every sequence flow must be taken by a scenario (features/)")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _RAN_FEATURES and _full_run(session.config) and all_flows() - _TAKEN and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
