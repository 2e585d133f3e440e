"""The snapshot codec's own task converter writes and reads exactly what SpiffWorkflow's registry does.

The reference is the codec as it was before the fast path: SpiffWorkflow's
``WorkflowConverter``/``TaskConverter`` through the registry (for the engine's
workflow class, written as ``BpmnWorkflow`` as before). At every step of
real cases (loops, parallel branches, scripts, the end) the fast ``dumps`` must
give the same text, and the fast ``loads`` the same workflow.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.definitions.compile import CompiledDefinition
from engine.runtime import runner, snapshot_tasks
from engine.runtime.snapshot import SnapshotCodec
from engine.runtime.spiff_compat import child_ids_of, parent_id_of
from engine.runtime.task_walk import CaseWorkflow
from engine.service import WorkflowEngine
from engine.store.models import ProcessInstance
from tests.hostile_support import LOOP_BPMN, LOOP_FORMS
from tests.sample_cases import deploy_loop, drive_sample_cases
from tests.support import fresh_settings


def _reference(codec: SnapshotCodec) -> BpmnWorkflowSerializer:
    """The serializer engine/runtime/snapshot.py used before the fast path (SpiffWorkflow's converters throughout)."""

    class _Converter(BpmnWorkflowConverter):
        def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
            dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
            dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
            dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
            return dct

        def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
            dct.pop("spec", None)
            dct.pop("subprocess_specs", None)
            workflow = self.target_class(codec.spec, codec.subprocess_specs, deserializing=True)
            workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
            workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
            self.set_default_attributes(workflow, dct)
            self.subprocesses_from_dict(dct["subprocesses"], workflow)
            workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
            return workflow

    config = dict(SPIFF_CONFIG)
    del config[BpmnWorkflow]
    registry = BpmnWorkflowSerializer.configure(config)
    _Converter(CaseWorkflow, registry, typename="BpmnWorkflow")  # the engine's workflow class, as BpmnWorkflow
    return BpmnWorkflowSerializer(registry)


def _reference_loads(reference: BpmnWorkflowSerializer, text: str) -> BpmnWorkflow:
    dct = json.loads(text)
    dct.pop(reference.VERSION_KEY, None)
    return reference.from_dict(dct)


def _same_workflow(ours: BpmnWorkflow, theirs: BpmnWorkflow, reference: BpmnWorkflowSerializer) -> None:
    assert reference.serialize_json(ours) == reference.serialize_json(theirs)
    assert list(ours.tasks) == list(theirs.tasks)
    assert ours.task_tree.id == theirs.task_tree.id
    assert (ours.last_task.id if ours.last_task else None) == (theirs.last_task.id if theirs.last_task else None)
    for task_id, task in ours.tasks.items():
        other = theirs.tasks[task_id]
        assert (task.data, task.internal_data, parent_id_of(task), child_ids_of(task), task.state, task.task_spec) == \
            (other.data, other.internal_data, parent_id_of(other), child_ids_of(other), other.state, other.task_spec)
    assert (ours.data, ours.success, ours.completed, ours.correlations, ours.bpmn_events) == \
        (theirs.data, theirs.success, theirs.completed, theirs.correlations, theirs.bpmn_events)
    assert ours.script_engine is not None


def _check(definition: CompiledDefinition, workflow: BpmnWorkflow) -> None:
    codec = definition.codec
    reference = _reference(codec)
    text = codec.dumps(workflow)
    assert text == reference.serialize_json(workflow)
    restored = codec.loads(text)
    _same_workflow(restored, _reference_loads(reference, text), reference)
    assert codec.dumps(restored) == text


def test_fast_snapshots_equal_spiffworkflows_at_every_step(template_db: Path, tmp_path: Path) -> None:
    engine = WorkflowEngine(fresh_settings(template_db, tmp_path))
    checked: list[str] = []

    def observer(step: runner.Step, workflow: BpmnWorkflow) -> None:
        _check(definitions[workflow.spec.name], workflow)
        checked.append(step.command)

    try:
        deploy_loop(engine)
        with engine.db.reader() as session:
            definitions = {key: engine.registry.compiled(session, engine.registry.latest_id(session, key)[0])
                           for key in ("loop_approval", "community_access")}
        actors, _loop, access = drive_sample_cases(engine, observer, accept_access=False)
        engine.case_admin.terminate(actors["admin"], access, "走查结束")
        with engine.db.reader() as session:  # the stored snapshots, finished and terminated
            for instance in session.scalars(select(ProcessInstance)):
                definition = definitions[instance.definition_key]
                workflow = definition.codec.loads(instance.snapshot)
                assert snapshot_tasks.plain(json.loads(instance.snapshot), instance.snapshot)
                _check(definition, workflow)
    finally:
        engine.db.dispose()
    assert len(checked) > 20 and "loop_reset" in checked


def test_typed_values_take_spiffworkflows_path(template_db: Path, tmp_path: Path) -> None:
    """A datetime in task data is written as a typed object; reading it goes through the registry."""
    engine = WorkflowEngine(fresh_settings(template_db, tmp_path))
    try:
        with engine.db.writer() as session, session.begin():
            engine.registry.deploy(session, LOOP_BPMN, LOOP_FORMS)
        with engine.db.reader() as session:
            definition = engine.registry.compiled(session, engine.registry.latest_id(session, "loop_approval")[0])
    finally:
        engine.db.dispose()
    workflow, _ = runner.start_case(definition, {"title": "typed"})
    ready = workflow.get_tasks(state=TaskState.READY)[0]
    ready.data["when"] = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    text = definition.codec.dumps(workflow)
    assert text == _reference(definition.codec).serialize_json(workflow)
    assert not snapshot_tasks.plain(json.loads(text), text)
    restored = definition.codec.loads(text)
    assert restored.tasks[ready.id].data["when"] == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
