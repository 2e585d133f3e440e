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

from engine.cases.titles import CASE_TITLE_PROP, template_problems
from engine.definitions.checks import model_problems
from engine.definitions.xmlsafe import parse_untrusted_xml
from engine.errors import InvalidModel, Problem
from engine.forms.messages import schema_error_message
from engine.forms.render_check import render_problems
from engine.forms.schema_guard import FormFileError, load_json_document, make_validator, schema_problems
from engine.limits.model import LimitModel, read_limits
from engine.runtime.snapshot import SnapshotCodec
from engine.sandbox.evaluator import check_compiles, create_script_engine
from engine.timers.events import journal_timers
from engine.timers.model import TimerInfo, read_timers

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
    case_title: str | None = None  # the caseTitle template (engine/cases/titles.py)
    timers: dict[str, TimerInfo] = field(default_factory=dict)  # by element id
    limits: LimitModel | None = None  # time limits (engine/limits/model.py)
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
    def start_timer(self) -> TimerInfo | None:
        """The timer start event, when cases of this definition are started by the clock."""
        return next((t for t in self.timers.values() if t.position == "start"), None)

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
                schema: bool) -> bool:
    """Record what is wrong with one form file; True when it is usable."""
    if name not in forms:
        problems.append(Problem(element_id, f"缺少表单文件 {name}"))
        return False
    if not isinstance(forms[name], dict):
        problems.append(Problem(name, "表单必须是 JSON 对象"))
        return False
    if schema:
        try:
            Draft202012Validator.check_schema(forms[name])
        except SchemaError as exc:
            problems.append(Problem(name, schema_error_message(exc)))
            return False
        found = schema_problems(name, forms[name])
        problems.extend(found)
        return not found
    return True


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
        if tag in ("userTask", "startEvent"):
            schema_file = props.get(FORM_SCHEMA_PROP)
            if schema_file:
                ui_file = props.get(FORM_UI_PROP) or None
                usable = _check_form(schema_file, loaded_forms, problems, element_id, schema=True)
                if ui_file:
                    usable = _check_form(ui_file, loaded_forms, problems, element_id, schema=False) and usable
                if usable:
                    # the pages must be able to show every field (the renderer's subset, form_subset.json)
                    problems.extend(render_problems(schema_file, loaded_forms[schema_file], ui_file,
                                                    loaded_forms.get(ui_file or ""), start_form=tag == "startEvent"))
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
        for expression in ("loopCardinality", "completionCondition"):
            for expr in node.iterfind(f".//bpmn:{expression}", NS):
                sources.append((element_id, "expression", expr.text or ""))
    task_props = {n.get("id", ""): _properties(n) for n in process.iter(f"{{{NS['bpmn']}}}userTask")}
    task_props.update({n.get("id", ""): p for n in process.iter() if _local(n.tag) in _FLOW_NODE_TAGS
                       and _local(n.tag) != "userTask" and (p := _properties(n))
                       and any(k.startswith(("taskLimit", "limitExcluded")) for k in p)})
    limits, limit_problems = read_limits(_properties(process), task_props, key,
                                         lambda e: elements.get(e) is not None and elements[e].type == "userTask")
    problems.extend(limit_problems)
    # timers: ISO values checked here, expressions compiled with the others (engine/timers/model.py)
    timers, timer_problems, timer_sources = read_timers(process)
    problems.extend(timer_problems)
    sources.extend(timer_sources)
    problems.extend(Problem(t.element_id, "定时启动事件须位于以角色命名的泳道中")
                    for t in timers.values() if t.position == "start" and t.element_id not in lanes)
    case_title = _properties(process).get(CASE_TITLE_PROP, "").strip() or None
    if case_title is not None:
        schemas = [loaded_forms.get(form.schema_file) for form in (start_form, *task_forms.values()) if form]
        fields = {name for doc in schemas if isinstance(doc, dict) and isinstance(doc.get("properties"), dict)
                  for name in doc["properties"]}
        problems.extend(template_problems(case_title, key, fields))
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

    spec, subprocess_specs = (None, {}) if structural else _parse_spec(root, key, problems)

    if problems or spec is None:
        raise InvalidModel("流程模型校验未通过", problems)
    # SpiffWorkflow's timers read the wall clock; ours fire only by the journalled command
    journal_timers([spec, *subprocess_specs.values()])
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
        case_title=case_title,
        timers=timers,
        limits=limits,
    )
    compiled.flow_by_pair = {(f.source, f.target): f.id for f in flows}
    return compiled
