"""Workflow snapshots: the live task tree as JSON, without a copy of the spec.

The stock serializer writes the whole process spec into every snapshot; here a
snapshot carries only the tree and is restored against the spec parsed once
per definition version (DESIGN.md: half the size and time).
"""

from __future__ import annotations

import json
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG


class SnapshotCodec:
    """Serializes workflows of one definition version."""

    def __init__(self, spec: BpmnProcessSpec, subprocess_specs: dict[str, Any],
                 script_engine: PythonScriptEngine) -> None:
        self.spec = spec
        self.subprocess_specs = subprocess_specs
        self.script_engine = script_engine
        codec = self

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
                workflow.tasks = self.mapping_from_dict(dct["tasks"], _uuid, workflow=workflow)
                workflow.task_tree = workflow.tasks.get(_uuid(dct["root"]))
                self.set_default_attributes(workflow, dct)
                self.subprocesses_from_dict(dct["subprocesses"], workflow)
                workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
                return workflow

        config = dict(SPIFF_CONFIG)
        config[BpmnWorkflow] = _Converter
        self._serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))

    def new_workflow(self) -> BpmnWorkflow:
        return BpmnWorkflow(self.spec, self.subprocess_specs, script_engine=self.script_engine)

    def dumps(self, workflow: BpmnWorkflow) -> str:
        return self._serializer.serialize_json(workflow)

    def loads(self, text: str) -> BpmnWorkflow:
        dct = json.loads(text)
        dct.pop(self._serializer.VERSION_KEY, None)
        workflow = self._serializer.from_dict(dct)
        workflow.script_engine = self.script_engine
        return workflow


def _uuid(value: str) -> Any:
    from uuid import UUID

    return UUID(value)
