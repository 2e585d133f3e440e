"""Snapshots name SpiffWorkflow's serializer format; older formats are migrated by SpiffWorkflow on reading.

tests/data/snapshots/spiff31-loop_approval.json was written by SpiffWorkflow 3.1 (format
1.4; tests/data/snapshots/make_spiff31_snapshot.py shows how): a loop_approval case waiting
at its parallel countersigning.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.definitions.compile import CompiledDefinition, compile_definition
from engine.runtime import runner, spiff_compat
from engine.runtime.snapshot import SnapshotVersionError
from tests.hostile_support import LOOP_BPMN, LOOP_FORMS, ROLES

SPIFF31 = Path(__file__).parent / "data" / "snapshots" / "spiff31-loop_approval.json"


@pytest.fixture(scope="module")
def definition() -> CompiledDefinition:
    return compile_definition(LOOP_BPMN, LOOP_FORMS, ROLES)


def _ready(workflow: object) -> list[str]:
    return sorted(runner.bpmn_id(t) or "" for t in runner.ready_user_tasks(workflow))  # type: ignore[arg-type]


def test_every_snapshot_names_the_serializer_format_it_was_written_in(definition: CompiledDefinition) -> None:
    workflow, _ = runner.start_case(definition, {})
    text = definition.codec.dumps(workflow)
    assert json.loads(text)["serializer_version"] == definition.codec.version == "1.5"
    assert _ready(definition.codec.loads(text)) == ["submit"]


def test_a_snapshot_of_spiffworkflow_3_1_is_migrated_and_the_case_goes_on(definition: CompiledDefinition) -> None:
    text = SPIFF31.read_text(encoding="utf-8")
    assert json.loads(text)["serializer_version"] == "1.4"
    workflow = definition.codec.loads(text)
    assert _ready(workflow) == ["sign_a", "sign_b"]
    assert runner.case_state(definition, workflow).data == {"title": "旧版快照", "amount": 7, "decision": "pass"}

    for element in ("sign_a", "sign_b"):
        task = next(t for t in runner.ready_user_tasks(workflow) if runner.bpmn_id(t) == element)
        outcome = runner.complete_task(definition, workflow, task, {"agree": True})
    assert outcome.state.finished and outcome.state.end_event is not None
    assert outcome.state.data["total"] == 14  # the count script ran on the migrated case

    again = definition.codec.dumps(workflow)
    assert json.loads(again)["serializer_version"] == "1.5"
    assert runner.case_state(definition, definition.codec.loads(again)).digest() == outcome.state.digest()


def test_a_1_3_snapshot_runs_two_of_spiffworkflows_migrations(definition: CompiledDefinition) -> None:
    # 1.3 -> 1.4 changes nothing in this case (it has no multi-instance task), then 1.4 -> 1.5
    dct = json.loads(SPIFF31.read_text(encoding="utf-8"))
    dct["serializer_version"] = "1.3"
    assert _ready(definition.codec.loads(json.dumps(dct))) == ["sign_a", "sign_b"]


@pytest.mark.parametrize("version", ["1.6", "9.9", None])
def test_a_format_this_release_does_not_know_is_refused(definition: CompiledDefinition, version: str | None) -> None:
    dct = json.loads(SPIFF31.read_text(encoding="utf-8"))
    dct["serializer_version"] = version
    with pytest.raises(SnapshotVersionError, match="序列化格式"):
        definition.codec.loads(json.dumps(dct))


def test_the_migration_table_covers_every_migration_spiffworkflow_has() -> None:
    from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS
    from SpiffWorkflow.bpmn.serializer.workflow import VERSION

    assert set(spiff_compat.MIGRATED_TO) == set(MIGRATIONS)
    assert VERSION == "1.5" and max(spiff_compat.MIGRATED_TO.values()) == VERSION
