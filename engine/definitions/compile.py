"""Compiling a BPMN file and its forms into an executable definition.

Validation collects every problem it can find, each named by the BPMN element
id (or form file name) at fault, so a process owner can fix them in one pass.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.parser import SpiffBpmnParser

from engine.definitions.checks import model_problems
from engine.definitions.xmlsafe import parse_untrusted_xml
from engine.errors import InvalidModel, Problem
from engine.forms.messages import schema_error_message
from engine.forms.schema_guard import FormFileError, load_json_document, make_validator, schema_problems
from engine.operations.model_properties import property_problems
from engine.runtime.snapshot import SnapshotCodec
from engine.sandbox.evaluator import check_compiles, create_script_engine

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
MAX_FORM_BYTES = 256 * 1024
FORM_SCHEMA_PROP = "formJsonSchemaFilename"
FORM_UI_PROP = "formUiSchemaFilename"
_FLOW_NODE_TAGS = {
    "startEvent", "endEvent", "userTask", "manualTask", "task", "scriptTask", "serviceTask",
    "businessRuleTask", "sendTask", "receiveTask", "exclusiveGateway", "parallelGateway",
    "inclusiveGateway", "eventBasedGateway", "intermediateCatchEvent", "intermediateThrowEvent",
    "boundaryEvent", "subProcess", "callActivity",
}


@dataclass(frozen=True)
class Element:
    id: str
    name: str
    type: str
    lane: str | None


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
    # every element's spiffworkflow:properties, and the process's own (read by engine/operations/policy.py)
    properties: dict[str, dict[str, str]] = field(default_factory=dict)
    process_properties: dict[str, str] = field(default_factory=dict)
    _validators: dict[str, Any] = field(default_factory=dict)

    def validator(self, schema_file: str) -> Any:
        found = self._validators.get(schema_file)
        if found is None:
            found = make_validator(self.forms[schema_file])
            self._validators[schema_file] = found
        return found

    def form_for(self, element_id: str) -> TaskForm | None:
        return self.task_forms.get(element_id)

    @property
    def start_role(self) -> str | None:
        starts = [e for e in self.elements.values() if e.type == "startEvent"]
        return starts[0].lane if starts else None


def content_hash(bpmn: bytes, forms: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    digest.update(bpmn)
    for name in sorted(forms):
        digest.update(b"\0" + name.encode() + b"\0" + forms[name])
    return digest.hexdigest()


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _properties(node: etree._Element) -> dict[str, str]:
    props: dict[str, str] = {}
    for prop in node.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS):
        props[prop.get("name", "")] = prop.get("value", "")
    return props


def _load_forms(forms: dict[str, bytes], problems: list[Problem]) -> dict[str, Any]:
    loaded: dict[str, Any] = {}
    for name, raw in forms.items():
        if len(raw) > MAX_FORM_BYTES:
            problems.append(Problem(name, f"表单文件过大（上限 {MAX_FORM_BYTES} 字节）"))
            continue
        try:
            loaded[name] = load_json_document(raw)
        except FormFileError as exc:
            problems.append(Problem(name, str(exc)))
    return loaded


def _check_form(name: str, forms: dict[str, Any], problems: list[Problem], element_id: str,
                schema: bool) -> None:
    if name not in forms:
        problems.append(Problem(element_id, f"缺少表单文件 {name}"))
        return
    if not isinstance(forms[name], dict):
        problems.append(Problem(name, "表单必须是 JSON 对象"))
        return
    if schema:
        try:
            Draft202012Validator.check_schema(forms[name])
        except SchemaError as exc:
            problems.append(Problem(name, schema_error_message(exc)))
            return
        problems.extend(schema_problems(name, forms[name]))


def _parse_spec(root: etree._Element, key: str, problems: list[Problem]) -> tuple[BpmnProcessSpec | None,
                                                                               dict[str, Any]]:
    parser = SpiffBpmnParser()
    try:
        parser.add_bpmn_xml(etree.ElementTree(root), filename=f"{key}.bpmn")
        return parser.get_spec(key), parser.get_subprocess_specs(key)
    except ValidationException as exc:
        problems.append(Problem(getattr(exc, "id", "") or key, f"BPMN 解析未通过：{str(exc).splitlines()[0]}"))
    except Exception as exc:  # the parser raises many kinds on malformed models
        problems.append(Problem(key, f"BPMN 无法解析：{exc}"))
    return None, {}


def compile_definition(bpmn: bytes, forms: dict[str, bytes], known_roles: set[str]) -> CompiledDefinition:
    """Parse, validate and compile; raise InvalidModel listing every problem."""
    problems: list[Problem] = []
    root = parse_untrusted_xml(bpmn)
    processes = [p for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable") == "true"]
    if len(processes) != 1:
        raise InvalidModel("BPMN 文件必须恰好包含一个可执行流程",
                           [Problem("bpmn", f"找到 {len(processes)} 个 isExecutable=\"true\" 的流程")])
    process = processes[0]
    key = process.get("id", "")
    loaded_forms = _load_forms(forms, problems)

    lanes: dict[str, str] = {}
    for lane in process.iterfind(".//bpmn:lane", NS):
        role = lane.get("name", "")
        if role not in known_roles:
            problems.append(Problem(lane.get("id", "lane"), f"泳道名称 {role!r} 不是已知角色"))
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lanes[(ref.text or "").strip()] = role

    elements: dict[str, Element] = {}
    properties: dict[str, dict[str, str]] = {}
    task_forms: dict[str, TaskForm] = {}
    start_form: TaskForm | None = None
    sources: list[tuple[str, str, str]] = []
    for node in process.iter():
        tag = _local(node.tag)
        if tag not in _FLOW_NODE_TAGS:
            continue
        element_id = node.get("id", "")
        elements[element_id] = Element(element_id, node.get("name", "") or element_id, tag,
                                       lanes.get(element_id))
        props = _properties(node)
        if props:
            properties[element_id] = props
        if tag in ("userTask", "startEvent"):
            schema_file = props.get(FORM_SCHEMA_PROP)
            if schema_file:
                ui_file = props.get(FORM_UI_PROP) or None
                _check_form(schema_file, loaded_forms, problems, element_id, schema=True)
                if ui_file:
                    _check_form(ui_file, loaded_forms, problems, element_id, schema=False)
                form = TaskForm(schema_file, ui_file)
                if tag == "userTask":
                    task_forms[element_id] = form
                else:
                    start_form = form
            elif tag == "userTask":
                problems.append(Problem(element_id, "用户任务未关联表单（formJsonSchemaFilename）"))
        if tag == "userTask" and lanes and element_id not in lanes:
            problems.append(Problem(element_id, "用户任务不在任何泳道中，无法确定办理角色"))
        if tag == "scriptTask":
            script = node.findtext("bpmn:script", default="", namespaces=NS)
            sources.append((element_id, "script", script))
        for extension in ("preScript", "postScript"):
            for script_node in node.iterfind(f"bpmn:extensionElements/spiffworkflow:{extension}", NS):
                sources.append((element_id, "script", script_node.text or ""))
        for timer in ("timeDuration", "timeDate", "timeCycle", "loopCardinality", "completionCondition"):
            for expr in node.iterfind(f".//bpmn:{timer}", NS):
                sources.append((element_id, "expression", expr.text or ""))
        if node.find("bpmn:timerEventDefinition", NS) is not None:
            # SpiffWorkflow reads timers against the wall clock whenever any command runs, which
            # replay cannot reproduce; timers wait for a journalled timer command (docs/extending.md).
            problems.append(Problem(element_id, "暂不支持定时事件：定时器须由后台任务触发并记入办理日志"))
    if any(e.type == "userTask" for e in elements.values()) and not lanes:
        problems.append(Problem(key, "流程没有泳道：每个用户任务都必须位于以角色命名的泳道中"))

    flows: list[Flow] = []
    for flow in process.iter(f"{{{NS['bpmn']}}}sequenceFlow"):
        flows.append(Flow(flow.get("id", ""), flow.get("sourceRef", ""), flow.get("targetRef", ""),
                          flow.get("name", "") or ""))
        condition = flow.findtext("bpmn:conditionExpression", default=None, namespaces=NS)
        if condition is not None and condition.strip():
            sources.append((flow.get("id", ""), "expression", condition))
    for element_id, message in check_compiles(sources):
        problems.append(Problem(element_id, message))
    structural = model_problems(bpmn, process, set(elements))
    problems.extend(structural)
    problems.extend(property_problems({e.id: e.type for e in elements.values()}, properties, key,
                                      _properties(process), known_roles))

    spec, subprocess_specs = (None, {}) if structural else _parse_spec(root, key, problems)

    if problems or spec is None:
        raise InvalidModel("流程模型校验未通过", problems)
    script_engine = create_script_engine()
    compiled = CompiledDefinition(
        key=key,
        name=process.get("name") or key,
        bpmn_xml=bpmn.decode("utf-8"),
        forms=loaded_forms,
        content_hash=content_hash(bpmn, forms),
        spec=spec,
        subprocess_specs=subprocess_specs,
        elements=elements,
        flows=flows,
        task_forms=task_forms,
        start_form=start_form,
        codec=SnapshotCodec(spec, subprocess_specs, script_engine),
    )
    compiled.flow_by_pair = {(f.source, f.target): f.id for f in flows}
    compiled.properties = properties
    compiled.process_properties = _properties(process)
    return compiled
