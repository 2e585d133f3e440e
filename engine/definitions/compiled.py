"""A compiled definition: what a procedure's version is once its BPMN file and forms are checked.

Its elements and flows as the diagram names them, its forms, the SpiffWorkflow spec its cases
run, and what the model declares besides (timers, time limits, decisions, events, properties).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec

from engine.forms.fast_check import fast_validator
from engine.forms.schema_guard import make_validator
from engine.limits.model import LimitModel
from engine.messages.catalogue import EventCatalogue
from engine.runtime.snapshot import SnapshotCodec
from engine.timers.model import TimerInfo


@dataclass(frozen=True)
class Element:
    id: str
    name: str
    type: str
    lane: str | None
    unit_from: str | None = None  # a user task offered at the organisation this data variable names


@dataclass(frozen=True)
class Flow:
    id: str
    source: str
    target: str
    name: str


@dataclass(frozen=True)
class TaskForm:
    schema_file: str
    ui_file: str | None


@dataclass
class CompiledDefinition:
    key: str
    name: str
    bpmn_xml: str
    forms: dict[str, Any]
    content_hash: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, Any]
    elements: dict[str, Element]
    flows: list[Flow]
    task_forms: dict[str, TaskForm]
    start_form: TaskForm | None
    codec: SnapshotCodec
    flow_by_pair: dict[tuple[str, str], str] = field(default_factory=dict)
    case_title: str | None = None  # the caseTitle template (engine/cases/titles.py)
    timers: dict[str, TimerInfo] = field(default_factory=dict)  # by element id
    limits: LimitModel | None = None  # time limits (engine/limits/model.py)
    decisions: dict[str, str] = field(default_factory=dict)  # DMN file name -> XML text
    events: EventCatalogue = field(default_factory=EventCatalogue)  # messages and signals it uses
    calls: dict[str, str] = field(default_factory=dict)  # call activity -> another procedure's process id
    # every element's spiffworkflow:properties, and the process's own (read by engine/operations/policy.py)
    properties: dict[str, dict[str, str]] = field(default_factory=dict)
    process_properties: dict[str, str] = field(default_factory=dict)
    _validators: dict[str, Any] = field(default_factory=dict)
    _fast_checks: dict[str, Any] = field(default_factory=dict)

    def validator(self, schema_file: str) -> Any:
        found = self._validators.get(schema_file)
        if found is None:
            found = make_validator(self.forms[schema_file])
            self._validators[schema_file] = found
        return found

    def fast_check(self, schema_file: str) -> Any:
        """The form's compiled first look (engine/forms/fast_check.py), or None."""
        if schema_file not in self._fast_checks:
            self._fast_checks[schema_file] = fast_validator(self.forms[schema_file])
        return self._fast_checks[schema_file]

    def form_for(self, element_id: str) -> TaskForm | None:
        return self.task_forms.get(element_id)

    @property
    def start_timer(self) -> TimerInfo | None:
        """The timer start event, when cases of this definition are started by the clock."""
        return next((t for t in self.timers.values() if t.position == "start"), None)

    @property
    def start_role(self) -> str | None:
        starts = [e for e in self.elements.values() if e.type == "startEvent"]
        return starts[0].lane if starts else None


def content_hash(bpmn: bytes, forms: dict[str, bytes], decisions: dict[str, bytes] | None = None) -> str:
    digest = hashlib.sha256()
    digest.update(bpmn)
    for name in sorted(forms):
        digest.update(b"\0" + name.encode() + b"\0" + forms[name])
    for name in sorted(decisions or {}):  # a version without decisions hashes as it always did
        digest.update(b"\0dmn\0" + name.encode() + b"\0" + (decisions or {})[name])
    return digest.hexdigest()
