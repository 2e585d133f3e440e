"""Compiling a BPMN file and its forms into an executable definition.

Validation collects every problem it can find, each named by the BPMN element
id (or form file name) at fault, so a process owner can fix them in one pass.
"""

from __future__ import annotations

from engine.cases.titles import CASE_TITLE_PROP, template_problems
from engine.definitions.bpmn_xml import (
    FLOW_NODE_TAGS,
    NS,
    executable_process,
    lanes_of_nodes,
    local_name,
    properties_of,
)
from engine.definitions.checks import model_problems
from engine.definitions.compiled import CompiledDefinition, Element, Flow, TaskForm, content_hash
from engine.definitions.decisions import decision_sources
from engine.definitions.form_files import FORM_SCHEMA_PROP, FORM_UI_PROP, check_form, load_forms
from engine.definitions.spec_parse import connect_event_subprocesses, parse_spec
from engine.definitions.task_units import read_unit_from
from engine.definitions.xmlsafe import parse_untrusted_xml
from engine.errors import InvalidModel, Problem
from engine.forms.cross_checks import check_problems
from engine.forms.org_fields import level_problems
from engine.forms.render_check import render_problems
from engine.forms.rule_labels import model_rules
from engine.limits.model import read_limits
from engine.messages.catalogue import event_catalogue
from engine.operations.model_properties import property_problems
from engine.runtime.snapshot import SnapshotCodec
from engine.sandbox.evaluator import check_compiles, create_script_engine
from engine.timers.events import journal_timers
from engine.timers.model import read_timers

# what importers of this module have always found here
__all__ = ["NS", "CompiledDefinition", "Element", "Flow", "TaskForm", "compile_definition", "content_hash",
           "executable_process"]


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
    loaded_forms = load_forms(forms, problems)

    for lane in process.iterfind(".//bpmn:lane", NS):
        role = lane.get("name", "")
        if role not in known_roles:
            problems.append(Problem(lane.get("id", "lane"), f"泳道名称 {role!r} 不是已知角色"))
    lanes = lanes_of_nodes(process)

    elements: dict[str, Element] = {}
    properties: dict[str, dict[str, str]] = {}
    task_forms: dict[str, TaskForm] = {}
    start_form: TaskForm | None = None
    sources: list[tuple[str, str, str]] = []
    for node in process.iter():
        tag = local_name(node.tag)
        if tag not in FLOW_NODE_TAGS:
            continue
        element_id = node.get("id", "")
        if not element_id:
            problems.append(Problem(tag, f"有一个 {tag} 元素缺少 id（BPMN 元素都须有唯一的 id）"))
            continue
        props = properties_of(node)
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
                usable = check_form(schema_file, loaded_forms, problems, element_id, schema=True)
                if ui_file:
                    usable = check_form(ui_file, loaded_forms, problems, element_id, schema=False) and usable
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
    task_props = {n.get("id", ""): properties_of(n) for n in process.iter(f"{{{NS['bpmn']}}}userTask")}
    task_props.update({n.get("id", ""): p for n in process.iter() if local_name(n.tag) in FLOW_NODE_TAGS
                       and local_name(n.tag) != "userTask" and (p := properties_of(n))
                       and any(k.startswith(("taskLimit", "limitExcluded")) for k in p)})
    limits, limit_problems = read_limits(properties_of(process), task_props, key,
                                         lambda e: elements.get(e) is not None and elements[e].type == "userTask",
                                         model_rules(bpmn.decode("utf-8")))
    problems.extend(limit_problems)
    # timers: ISO values checked here, expressions compiled with the others (engine/timers/model.py)
    timers, timer_problems, timer_sources = read_timers(process)
    problems.extend(timer_problems)
    sources.extend(timer_sources)
    problems.extend(Problem(t.element_id, "定时启动事件须位于以角色命名的泳道中")
                    for t in timers.values() if t.position == "start" and t.element_id not in lanes)
    case_title = properties_of(process).get(CASE_TITLE_PROP, "").strip() or None
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
                                      properties_of(process), known_roles))

    parse_problems: list[Problem] = []
    spec, subprocess_specs = (None, {}) if structural else parse_spec(root, key, parse_problems, decision_roots)
    for each in (spec, *subprocess_specs.values()) if spec is not None else ():
        connect_event_subprocesses(each)
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
    compiled.process_properties = properties_of(process)
    return compiled
