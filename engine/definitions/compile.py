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
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask as SubWorkflowTaskMixin
from SpiffWorkflow.spiff.parser import SpiffBpmnParser

from engine.cases.titles import CASE_TITLE_PROP, template_problems
from engine.definitions.checks import model_problems
from engine.definitions.decisions import decision_sources
from engine.definitions.parser_errors import parser_problem
from engine.definitions.task_units import read_unit_from
from engine.definitions.xmlsafe import parse_untrusted_xml
from engine.errors import InvalidModel, Problem
from engine.forms.cross_checks import check_problems
from engine.forms.messages import schema_error_message
from engine.forms.org_fields import level_problems
from engine.forms.render_check import render_problems
from engine.forms.rule_labels import model_rules
from engine.forms.schema_guard import FormFileError, load_json_document, make_validator, schema_problems
from engine.limits.model import LimitModel, read_limits
from engine.messages.catalogue import EventCatalogue, event_catalogue
from engine.operations.model_properties import property_problems
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
    "boundaryEvent", "subProcess", "callActivity", "transaction", "adHocSubProcess", "complexGateway",
}
# Elements that hold flow nodes of their own: a node inside one sits in the lane of its container.
_CONTAINER_TAGS = {"subProcess", "transaction", "adHocSubProcess"}


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


def content_hash(bpmn: bytes, forms: dict[str, bytes], decisions: dict[str, bytes] | None = None) -> str:
    digest = hashlib.sha256()
    digest.update(bpmn)
    for name in sorted(forms):
        digest.update(b"\0" + name.encode() + b"\0" + forms[name])
    for name in sorted(decisions or {}):  # a version without decisions hashes as it always did
        digest.update(b"\0dmn\0" + name.encode() + b"\0" + (decisions or {})[name])
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


def _parse_spec(root: etree._Element, key: str, problems: list[Problem],
                decision_roots: dict[str, etree._Element]) -> tuple[BpmnProcessSpec | None, dict[str, Any]]:
    parser = SpiffBpmnParser()
    for name, decision_root in decision_roots.items():
        try:
            parser.add_dmn_xml(decision_root, filename=name)
        except Exception as exc:
            problems.append(parser_problem(exc, name))
            return None, {}
    try:
        parser.add_bpmn_xml(etree.ElementTree(root), filename=f"{key}.bpmn")
        return parser.get_spec(key), _subprocess_specs(parser, key)
    except Exception as exc:  # ValidationException, and the many kinds a malformed model raises
        problems.append(parser_problem(exc, key))
    return None, {}


def _subprocess_specs(parser: SpiffBpmnParser, key: str) -> dict[str, Any]:
    """The specs of the file's subprocesses and of the processes it calls that the file holds; a call of
    another procedure is bound when a case makes it (engine/runtime/callees.py)."""
    found: dict[str, Any] = {}
    pending = [key]
    while pending:
        for task_spec in parser.get_spec(pending.pop()).task_specs.values():
            name = getattr(task_spec, "spec", None)
            if isinstance(task_spec, SubWorkflowTaskMixin) and name not in found:
                spec = parser.get_spec(name, required=False)
                if spec is not None:
                    found[name] = spec
                    pending.append(name)
    return found


def _connect_event_subprocesses(spec: BpmnProcessSpec) -> None:
    """Wire event subprocesses into the spec once, as SpiffWorkflow does when one is first triggered.

    SpiffWorkflow's trigger (BpmnStartTask.trigger_wf) connects the triggered subprocess to the
    process's start and end the first time, in the spec shared by every case of the version: cases
    created afterwards would start with the subprocess among the start's children, and replay would
    meet a different spec than the live case. With the subprocess already listed as an input of its
    own (not an output of the start) and connected to the end, the trigger changes nothing.
    """
    start = getattr(spec, "start", None)
    for name in getattr(start, "trigger_specs", []):
        task_spec = spec.task_specs.get(name)
        if task_spec is not None and start not in task_spec.inputs:
            task_spec._inputs.append(start.name)  # what connect() would note, without the start's output
            task_spec.connect(spec.end)


def _has_flow_nodes(process: etree._Element) -> bool:
    return any(_local(child.tag) in _FLOW_NODE_TAGS for child in process)


def executable_process(root: etree._Element) -> etree._Element:
    """The one process a file runs. Other pools of a collaboration are documentation: processes marked
    not executable, or marked executable but empty (a black-box pool drawn for its message flows)."""
    marked = [p for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable") == "true"]
    if len(marked) > 1:
        marked = [p for p in marked if _has_flow_nodes(p)] or marked
    if len(marked) == 1:
        return marked[0]
    if not marked:
        raise InvalidModel("BPMN 文件必须恰好包含一个可执行流程",
                           [Problem("bpmn", "没有 isExecutable=\"true\" 的流程")])
    raise InvalidModel("BPMN 文件必须恰好包含一个可执行流程", [
        Problem(p.get("id", "process"), f"流程「{p.get('name') or p.get('id')}」也标为可执行：协作图中只能有一个"
                "可执行流程，其余泳池仅作说明，请将它们的 isExecutable 设为 false") for p in marked])


def _lanes_of_nodes(process: etree._Element) -> dict[str, str]:
    """Element id -> the role of its lane; a node inside a subprocess takes its container's lane."""
    lanes: dict[str, str] = {}
    for lane in process.iterfind(".//bpmn:lane", NS):
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lanes[(ref.text or "").strip()] = lane.get("name", "")

    def inherit(container: etree._Element, role: str | None) -> None:
        for child in container:
            tag = _local(child.tag)
            if tag not in _FLOW_NODE_TAGS:
                continue
            element_id = child.get("id", "")
            own = lanes.get(element_id)
            if own is None and role is not None:
                lanes[element_id] = role
            if tag in _CONTAINER_TAGS:
                inherit(child, own or role)

    inherit(process, None)
    return lanes


def compile_definition(bpmn: bytes, forms: dict[str, bytes], known_roles: set[str],
                       decisions: dict[str, bytes] | None = None) -> CompiledDefinition:
    """Parse, validate and compile; raise InvalidModel listing every problem.

    ``decisions``: DMN files (name -> bytes) whose decisions business-rule tasks call.
    """
    problems: list[Problem] = []
    root = parse_untrusted_xml(bpmn)
    decision_roots = {name: parse_untrusted_xml(raw, what=name) for name, raw in sorted((decisions or {}).items())}
    process = executable_process(root)
    key = process.get("id", "")
    loaded_forms = _load_forms(forms, problems)

    for lane in process.iterfind(".//bpmn:lane", NS):
        role = lane.get("name", "")
        if role not in known_roles:
            problems.append(Problem(lane.get("id", "lane"), f"泳道名称 {role!r} 不是已知角色"))
    lanes = _lanes_of_nodes(process)

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
        if not element_id:
            problems.append(Problem(tag, f"有一个 {tag} 元素缺少 id（BPMN 元素都须有唯一的 id）"))
            continue
        props = _properties(node)
        unit_from, unit_problems = read_unit_from(element_id, tag, props)
        problems.extend(unit_problems)
        elements[element_id] = Element(element_id, node.get("name", "") or element_id, tag,
                                       lanes.get(element_id), unit_from)
        if props:
            properties[element_id] = props
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
                    problems.extend(check_problems(schema_file, loaded_forms[schema_file]))  # x-checks
                    problems.extend(level_problems(schema_file, loaded_forms[schema_file]))  # x-org-level
                form = TaskForm(schema_file, ui_file)
                if tag == "userTask":
                    task_forms[element_id] = form
                else:
                    start_form = form
            elif tag == "userTask":
                problems.append(Problem(element_id, "用户任务未关联表单（formJsonSchemaFilename）"))
        if tag == "userTask" and lanes and element_id not in lanes:
            problems.append(Problem(element_id, "用户任务不在任何泳道中，无法确定办理角色"))
        if tag == "businessRuleTask" and not node.findtext(
                "bpmn:extensionElements/spiffworkflow:calledDecisionId", default="", namespaces=NS).strip():
            problems.append(Problem(element_id, "业务规则任务没有指明要调用的决策（spiffworkflow:calledDecisionId "
                                    "填 DMN 文件中决策的 id）"))
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
                                         lambda e: elements.get(e) is not None and elements[e].type == "userTask",
                                         model_rules(bpmn.decode("utf-8")))
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
    for name, decision_root in decision_roots.items():
        sources.extend(decision_sources(name, decision_root))
    for element_id, message in check_compiles(sources):
        problems.append(Problem(element_id, message))
    structural = model_problems(bpmn, process, set(elements))
    problems.extend(structural)
    problems.extend(property_problems({e.id: e.type for e in elements.values()}, properties, key,
                                      _properties(process), known_roles))

    parse_problems: list[Problem] = []
    spec, subprocess_specs = (None, {}) if structural else _parse_spec(root, key, parse_problems, decision_roots)
    for each in (spec, *subprocess_specs.values()) if spec is not None else ():
        _connect_event_subprocesses(each)
    named = {p.path for p in problems}  # the parser's word on an element already refused adds nothing
    problems.extend(p for p in parse_problems if p.path not in named)

    if problems or spec is None:
        raise InvalidModel("流程模型校验未通过", problems)
    # SpiffWorkflow's timers read the wall clock; ours fire only by the journalled command
    journal_timers([spec, *subprocess_specs.values()])
    calls = {node.get("id", ""): node.get("calledElement", "") for node in process.iter(f"{{{NS['bpmn']}}}callActivity")
             if node.get("calledElement", "") not in subprocess_specs or node.get("calledElement") == key}
    script_engine = create_script_engine()
    compiled = CompiledDefinition(
        key=key,
        name=process.get("name") or key,
        bpmn_xml=bpmn.decode("utf-8"),
        forms=loaded_forms,
        content_hash=content_hash(bpmn, forms, decisions),
        spec=spec,
        subprocess_specs=subprocess_specs,
        elements=elements,
        flows=flows,
        task_forms=task_forms,
        start_form=start_form,
        codec=SnapshotCodec(spec, subprocess_specs, script_engine, calls=bool(calls)),
        case_title=case_title,
        timers=timers,
        limits=limits,
        calls=calls,
    )
    compiled.flow_by_pair = {(f.source, f.target): f.id for f in flows}
    compiled.decisions = {name: raw.decode("utf-8") for name, raw in (decisions or {}).items()}
    compiled.events = event_catalogue(root, process)
    compiled.properties = properties
    compiled.process_properties = _properties(process)
    return compiled
