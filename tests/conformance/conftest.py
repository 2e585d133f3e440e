"""The conformance suite's tally: ``BPMN conformance: <ran to end>/<total>`` after the run."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance.cases import CASES

RESULTS: dict[str, tuple[bool, str]] = {}  # case name -> (ran to its end event, why not)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not RESULTS:
        return
    ran = sum(1 for ok, _ in RESULTS.values() if ok)
    terminalreporter.write_line(f"BPMN conformance: {ran}/{len(CASES)}")
    for case in CASES:
        ok, why = RESULTS.get(case.name, (False, "未运行"))
        if not ok:
            terminalreporter.write_line(f"  not run: {case.name}（{case.construct}）：{why}")
