"""Workflow snapshots: the live task tree as JSON, without a copy of the spec.

The stock serializer writes the whole process spec into every snapshot; here a
snapshot carries only the tree and is restored against the spec parsed once
per definition version (half the size and time).

The task tree itself is written and read by :mod:`engine.runtime.snapshot_tasks`: the
same JSON as SpiffWorkflow's registry-based converters, without their generic
dispatch. Anything unusual (subprocesses, pending BPMN events, typed values in
task data) takes SpiffWorkflow's own path.

Every snapshot names the serializer format it was written in, as SpiffWorkflow
writes it (``"serializer_version"``, 1.5 for SpiffWorkflow 3.2). A snapshot in an
older format (a case stored by an earlier SpiffWorkflow) is brought up to date by
SpiffWorkflow's own migrations when it is read, with the definition's spec put back
in for them to work on; the next command stores it in the current format. A format
this release does not know (a newer SpiffWorkflow wrote it) is refused.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.runtime import callees, snapshot_tasks
from engine.runtime.spiff_compat import MIGRATED_TO
from engine.runtime.task_walk import CaseWorkflow


class SnapshotVersionError(ValueError):
    """A snapshot in a serializer format that cannot be read or migrated."""


class SnapshotCodec:
    """Serializes workflows of one definition version."""

    def __init__(self, spec: BpmnProcessSpec, subprocess_specs: dict[str, Any],
                 script_engine: PythonScriptEngine, calls: bool = False) -> None:
        self.spec = spec
        self.subprocess_specs = subprocess_specs
        self.script_engine = script_engine
        self.calls = calls  # calls other procedures: each case binds its callees (engine/runtime/callees.py)
        codec = self

        class _Converter(BpmnWorkflowConverter):
            def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
                if workflow.subprocesses:
                    dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
                else:  # WorkflowConverter.to_dict, with the task mapping written by snapshot_tasks
                    dct = {
                        "data": self.registry.convert(self.registry.clean(workflow.data)),
                        "correlations": workflow.correlations,
                        "last_task": str(workflow.last_task.id) if workflow.last_task is not None else None,
                        "success": workflow.success,
                        "completed": workflow.completed,
                        "tasks": snapshot_tasks.tasks_to_dict(self.registry, workflow),
                        "root": str(workflow.task_tree.id),
                    }
                dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
                dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
                bound = callees.bindings(workflow)
                if bound:
                    dct["callees"] = bound
                return dct

            def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
                dct.pop("spec", None)
                dct.pop("subprocess_specs", None)
                workflow = self.target_class(codec.spec, codec.subprocess_specs, deserializing=True)
                if codec.calls:
                    callees.restore(workflow, codec.subprocess_specs, dct.pop("callees", {}))
                workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
                workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
                self.set_default_attributes(workflow, dct)
                self.subprocesses_from_dict(dct["subprocesses"], workflow)
                workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
                return workflow

        config = dict(SPIFF_CONFIG)
        del config[BpmnWorkflow]
        registry = BpmnWorkflowSerializer.configure(config)
        _Converter(CaseWorkflow, registry, typename="BpmnWorkflow")  # restores as CaseWorkflow, same JSON
        self._serializer = BpmnWorkflowSerializer(registry)

    def new_workflow(self) -> BpmnWorkflow:
        workflow = CaseWorkflow(self.spec, self.subprocess_specs, script_engine=self.script_engine)
        if self.calls:
            callees.case_specs(self.subprocess_specs, workflow)
        return workflow

    def dumps(self, workflow: BpmnWorkflow) -> str:
        return self._serializer.serialize_json(workflow)

    @property
    def version(self) -> str:
        """The serializer format :meth:`dumps` writes."""
        return str(self._serializer.VERSION)

    def loads(self, text: str) -> BpmnWorkflow:
        dct = json.loads(text)
        version = dct.pop(self._serializer.VERSION_KEY, None)
        if version != self.version:
            self._migrate(dct, version)
            workflow = self._serializer.from_dict(dct)
        elif snapshot_tasks.plain(dct, text):
            workflow = self._restore_plain(dct)
        else:
            workflow = self._serializer.from_dict(dct)
        workflow.script_engine = self.script_engine
        return workflow

    def _migrate(self, dct: dict[str, Any], version: Any) -> None:
        """Run SpiffWorkflow's migrations from ``version`` up to the current format, in place."""
        if version not in MIGRATED_TO:
            raise SnapshotVersionError(f"快照的序列化格式 {version!r} 无法读取（当前格式 {self.version}）")
        registry = self._serializer.registry
        # the migrations read and rewrite the spec too; ours is already current and is used on restore
        dct.setdefault("spec", registry.convert(self.spec))
        dct.setdefault("subprocess_specs", {name: registry.convert(spec)
                                            for name, spec in self.subprocess_specs.items()})
        try:
            while version != self.version:
                MIGRATIONS[version](dct)
                version = MIGRATED_TO[version]
        except Exception as exc:
            raise SnapshotVersionError(f"快照的序列化格式 {version} 迁移失败：{exc}") from exc

    def _restore_plain(self, dct: dict[str, Any]) -> BpmnWorkflow:
        """What ``_Converter.from_dict`` does, for a snapshot :func:`snapshot_tasks.plain` accepted."""
        workflow = CaseWorkflow(self.spec, self.subprocess_specs, script_engine=self.script_engine,
                                deserializing=True)
        if self.calls:
            callees.restore(workflow, self.subprocess_specs, dct.pop("callees", {}))
        ids = snapshot_tasks.IdCache()
        workflow.tasks = snapshot_tasks.tasks_from_dict(dct["tasks"], workflow, ids)
        workflow.task_tree = workflow.tasks.get(ids(dct["root"]))
        # WorkflowConverter.set_default_attributes; restoring plain JSON is the value itself
        workflow.success = dct["success"]
        workflow.completed = dct.get("completed", False)
        workflow.correlations = dct.pop("correlations", {})
        if isinstance(dct["last_task"], str):
            workflow.last_task = workflow.tasks.get(ids(dct["last_task"]))
        workflow.data = dct.pop("data", {})
        workflow.bpmn_events = []
        return workflow
