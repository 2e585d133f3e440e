"""Importing a model drawn in Camunda Modeler: its forms, conditions and task assignment in our conventions.

What converts, element by element:

- ``camunda:formData`` on a user task or the start event becomes a JSON Schema
  (draft 2020-12) and a UI schema in the react-jsonschema-form conventions, linked
  with ``spiffworkflow:properties``: field types ``string``, ``long``, ``boolean``,
  ``date``, ``enum`` (its ``camunda:value`` choices), labels as titles, default
  values, and the ``required``, ``minlength``/``maxlength``, ``min``/``max`` and
  ``readonly`` constraints;
- simple JUEL conditions (``${amount > 1000}``, ``${approved}``,
  ``${x == 'yes'}``, with ``&&``, ``||``, ``!``, ``eq``/``ne``/``lt``/``gt``/
  ``le``/``ge``, ``and``/``or``/``not``, ``empty``, ``true``/``false``/``null``)
  become sandbox expressions;
- ``camunda:candidateGroups`` naming a role puts the task into that role's lane
  (lanes are created when the model has none);
- ``camunda:decisionRef`` of a business-rule task becomes ``spiffworkflow:calledDecisionId``.

What does not convert is reported on its element (``formKey`` forms, JUEL with
method calls or ternaries, scripts in another language, assignees, service
implementations, variable mappings, custom field types and validators), and the
converted model then goes through the normal deployment checks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from engine.definitions.compile import executable_process
from engine.definitions.xmlsafe import parse_untrusted_xml
from engine.sandbox.evaluator import SandboxError, compile_expression

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
_B, _C, _S = f"{{{BPMN}}}", f"{{{CAMUNDA}}}", f"{{{SPIFF}}}"
SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"
_FLOW_NODES = {
    "startEvent", "endEvent", "userTask", "manualTask", "task", "scriptTask", "serviceTask", "businessRuleTask",
    "sendTask", "receiveTask", "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
    "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "subProcess", "callActivity",
    "transaction", "complexGateway",
}


@dataclass
class ImportNote:
    path: str  # the element id
    message: str
    converted: bool  # False: left as it was, to be done by hand

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "message": self.message, "converted": self.converted}


@dataclass
class Imported:
    bpmn: bytes
    forms: dict[str, bytes]
    notes: list[ImportNote] = field(default_factory=list)

    @property
    def unconverted(self) -> list[ImportNote]:
        return [n for n in self.notes if not n.converted]


# -- JUEL ---------------------------------------------------------------------------------------

_JUEL = re.compile(r"^\s*[$#]\{(.*)\}\s*$", re.S)
_TOKEN = re.compile(r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|&&|\|\||==|!=|<=|>=
                        |[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*|\d+(?:\.\d+)?|\s+|.""", re.X | re.S)
_WORDS = {"and": " and ", "or": " or ", "not": " not ", "eq": " == ", "ne": " != ", "lt": " < ", "gt": " > ",
          "le": " <= ", "ge": " >= ", "div": " / ", "mod": " % ", "true": "True", "false": "False",
          "null": "None", "empty": " not "}
_SYMBOLS = {"&&": " and ", "||": " or ", "!": " not ", "==": " == ", "!=": " != ", "<=": " <= ", ">=": " >= ",
            "<": " < ", ">": " > ", "+": " + ", "-": " - ", "*": " * ", "/": " / ", "%": " % ", "(": "(", ")": ")"}


def juel_to_python(text: str) -> tuple[str | None, str]:
    """A JUEL condition as a sandbox expression, or (None, why not)."""
    found = _JUEL.match(text)
    if found is None:
        return None, "不是 ${…} 形式的 JUEL 表达式"
    parts = []
    for token in _TOKEN.findall(found[1]):
        if token.isspace():
            parts.append(" ")
        elif token[0] in "'\"" and len(token) > 1:
            parts.append(token)
        elif token in _SYMBOLS:
            parts.append(_SYMBOLS[token])
        elif token in _WORDS:
            parts.append(_WORDS[token])
        elif token[0].isdigit():
            parts.append(token)
        elif token[0].isalpha() or token[0] == "_":
            if "." in token:
                return None, f"含有对象或方法访问 {token}，只能转换对流程变量的简单比较"
            if token.startswith("_"):
                return None, f"变量名 {token} 不能以下划线开头"
            parts.append(token)
        else:
            return None, f"含有无法转换的符号 {token!r}（如三元运算、方法调用、集合）"
    expression = re.sub(r"\s+", " ", "".join(parts)).strip()
    try:
        compile_expression(expression)
    except (SandboxError, SyntaxError) as exc:
        return None, f"转换后的表达式无法编译：{exc}"
    return expression, ""


# -- forms --------------------------------------------------------------------------------------

_TYPES = {"string": {"type": "string"}, "long": {"type": "integer"}, "integer": {"type": "integer"},
          "double": {"type": "number"}, "boolean": {"type": "boolean"},
          "date": {"type": "string", "format": "date"}}


def _literal(kind: str, text: str | None) -> Any:
    if text is None or text == "":
        return None
    try:
        if kind in ("long", "integer"):
            return int(text)
        if kind == "double":
            return float(text)
        if kind == "boolean":
            return text.strip().lower() == "true"
    except ValueError:
        return None
    return text


def _form(task: etree._Element, form_data: etree._Element, notes: list[ImportNote]) -> tuple[dict, dict]:
    task_id = task.get("id", "")
    properties: dict[str, Any] = {}
    required: list[str] = []
    order: list[str] = []
    ui: dict[str, Any] = {}
    for form_field in form_data.iterfind(f"{_C}formField"):
        name = form_field.get("id", "")
        kind = form_field.get("type", "string")
        if not re.match(r"^[A-Za-z][A-Za-z0-9_]*$", name):
            notes.append(ImportNote(task_id, f"表单字段 {name!r} 的名称不能作为流程变量，已跳过", False))
            continue
        if kind == "enum":
            choices = [{"const": v.get("id", ""), "title": v.get("name") or v.get("id", "")}
                       for v in form_field.iterfind(f"{_C}value")]
            prop: dict[str, Any] = {"type": "string", "oneOf": choices} if choices else {"type": "string"}
        elif kind in _TYPES:
            prop = dict(_TYPES[kind])
        else:
            notes.append(ImportNote(task_id, f"表单字段 {name} 的类型 {kind!r} 无法转换，已按文本处理", False))
            prop = {"type": "string"}
        prop["title"] = form_field.get("label") or name
        default = _literal(kind, form_field.get("defaultValue"))
        if default is not None:
            prop["default"] = default
        if kind == "date":
            ui[name] = {"ui:widget": "date"}
        for constraint in form_field.iterfind(f"{_C}validation/{_C}constraint"):
            rule, config = constraint.get("name", ""), constraint.get("config")
            number = _literal("double", config)
            if rule == "required":
                required.append(name)
            elif rule == "readonly":
                prop["readOnly"] = True
                ui.setdefault(name, {})["ui:disabled"] = True
            elif rule in ("minlength", "maxlength") and number is not None:
                prop["minLength" if rule == "minlength" else "maxLength"] = int(number)
            elif rule in ("min", "max") and number is not None:
                prop["minimum" if rule == "min" else "maximum"] = int(number) if number.is_integer() else number
            else:
                notes.append(ImportNote(task_id, f"表单字段 {name} 的校验 {rule!r} 无法转换，已忽略", False))
        properties[name] = prop
        order.append(name)
    schema: dict[str, Any] = {"$schema": SCHEMA_URI, "title": task.get("name") or task_id, "type": "object",
                              "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    ui["ui:order"] = order
    return schema, ui


def _link_form(task: etree._Element, schema_file: str, ui_file: str) -> None:
    extensions = task.find(f"{_B}extensionElements")
    if extensions is None:
        extensions = etree.Element(f"{_B}extensionElements")
        task.insert(0, extensions)
    props = etree.SubElement(extensions, f"{_S}properties")
    for name, value in (("formJsonSchemaFilename", schema_file), ("formUiSchemaFilename", ui_file)):
        etree.SubElement(props, f"{_S}property", name=name, value=value)


# -- the model ---------------------------------------------------------------------------------


def _convert_forms(process: etree._Element, forms: dict[str, bytes], notes: list[ImportNote]) -> None:
    for node in process.iter(f"{_B}userTask", f"{_B}startEvent"):
        node_id = node.get("id", "")
        form_data = node.find(f"{_B}extensionElements/{_C}formData")
        if node.get(f"{_C}formKey"):
            notes.append(ImportNote(node_id, f"外部表单 formKey={node.get(f'{_C}formKey')!r} 无法转换："
                                             "请在建模器中为它建立 JSON 表单", False))
        if form_data is None:
            continue
        schema, ui = _form(node, form_data, notes)
        schema_file, ui_file = f"{node_id}.schema.json", f"{node_id}.uischema.json"
        forms[schema_file] = json.dumps(schema, ensure_ascii=False, indent=2).encode()
        forms[ui_file] = json.dumps(ui, ensure_ascii=False, indent=2).encode()
        form_data.getparent().remove(form_data)
        _link_form(node, schema_file, ui_file)
        notes.append(ImportNote(node_id, f"表单已转换为 {schema_file}（{len(schema['properties'])} 个字段）", True))


def _convert_conditions(process: etree._Element, notes: list[ImportNote]) -> None:
    for flow in process.iter(f"{_B}sequenceFlow"):
        condition = flow.find(f"{_B}conditionExpression")
        if condition is None or not (condition.text or "").strip():
            continue
        text = condition.text or ""
        if condition.get("language") not in (None, "", "juel", "JUEL") or not _JUEL.match(text):
            if condition.get("language") not in (None, "", "python"):
                notes.append(ImportNote(flow.get("id", ""), f"条件语言 {condition.get('language')!r} 无法转换", False))
            continue
        converted, why = juel_to_python(text)
        if converted is None:
            notes.append(ImportNote(flow.get("id", ""), f"条件 {text.strip()} 无法转换：{why}", False))
            continue
        condition.text = converted
        for attribute in ("language",):
            condition.attrib.pop(attribute, None)
        notes.append(ImportNote(flow.get("id", ""), f"条件 {text.strip()} 转换为 {converted}", True))


def _convert_lanes(process: etree._Element, roles: dict[str, str], notes: list[ImportNote]) -> None:
    """candidateGroups naming a role: the task belongs to that role's lane (created when there are none)."""
    by_name = {name: role for role, name in roles.items()}
    has_lanes = process.find(f".//{_B}lane") is not None
    placed: dict[str, list[str]] = {}
    for task in process.iter(f"{_B}userTask", f"{_B}manualTask"):
        task_id = task.get("id", "")
        if task.get(f"{_C}assignee"):
            notes.append(ImportNote(task_id, "指定办理人（assignee）无法转换：本引擎按泳道角色和单位派发任务", False))
        groups = [g.strip() for g in (task.get(f"{_C}candidateGroups") or "").split(",") if g.strip()]
        matched = [m for m in (g if g in roles else by_name.get(g) for g in groups) if m]
        if groups and not matched:
            notes.append(ImportNote(task_id, f"候选组 {','.join(groups)} 不是已知角色，请把任务放进角色泳道", False))
        elif len(matched) > 1:
            notes.append(ImportNote(task_id, f"候选组有多个角色（{','.join(matched)}），已取第一个", False))
        if matched and not has_lanes:
            placed.setdefault(matched[0], []).append(task_id)
    if has_lanes or not placed:
        return
    first_role = next(iter(placed))
    lane_set = etree.Element(f"{_B}laneSet", id="LaneSet_imported")
    for role, ids in placed.items():
        lane = etree.SubElement(lane_set, f"{_B}lane", id=f"Lane_{role}", name=role)
        members = list(ids)
        if role == first_role:  # the rest of the nodes (start, gateways, events) go with the first role
            taken = {i for group in placed.values() for i in group}
            members += [n.get("id", "") for n in process if isinstance(n.tag, str)
                        and etree.QName(n).localname in _FLOW_NODES and n.get("id") not in taken]
        for member in members:
            etree.SubElement(lane, f"{_B}flowNodeRef").text = member
    process.insert(0, lane_set)
    notes.append(ImportNote(process.get("id", ""), "已按候选组建立泳道：" + "、".join(
        f"{roles.get(r, r)}（{r}）" for r in placed) + f"；其余节点放在 {first_role} 泳道", True))


def _other_camunda(process: etree._Element, notes: list[ImportNote]) -> None:
    for node in process.iter(f"{_B}businessRuleTask"):
        ref = node.get(f"{_C}decisionRef")
        if ref:
            extensions = node.find(f"{_B}extensionElements")
            if extensions is None:
                extensions = etree.Element(f"{_B}extensionElements")
                node.insert(0, extensions)
            etree.SubElement(extensions, f"{_S}calledDecisionId").text = ref
            notes.append(ImportNote(node.get("id", ""), f"决策引用 {ref} 已转换", True))
        if node.get(f"{_C}resultVariable"):
            notes.append(ImportNote(node.get("id", ""), "resultVariable 无法转换：决策表的输出直接写入办件数据", False))
    for node in process.iter(f"{_B}scriptTask"):
        language = (node.get("scriptFormat") or "python").lower()
        if language not in ("python", ""):
            notes.append(ImportNote(node.get("id", ""), f"{language} 脚本无法转换：请改写为 Python 表达式/语句", False))
    for node in process.iter():
        if not isinstance(node.tag, str):
            continue
        for attribute in ("class", "delegateExpression", "expression", "type", "topic"):
            if node.get(f"{_C}{attribute}") and etree.QName(node).localname in ("serviceTask", "sendTask"):
                notes.append(ImportNote(node.get("id", ""), f"服务实现 camunda:{attribute} 无法转换：本引擎不调用"
                                                            "外部服务，请改用脚本任务或用户任务", False))
        if node.find(f"{_B}extensionElements/{_C}in") is not None or \
                node.find(f"{_B}extensionElements/{_C}out") is not None:
            notes.append(ImportNote(node.get("id", ""), "调用活动的变量映射（camunda:in/out）无法转换：被调用流程"
                                                        "收到调用方全部数据并交回其数据", False))


def import_camunda(bpmn: bytes, roles: dict[str, str]) -> Imported:
    """Convert a Camunda Modeler file; ``roles``: role id -> Chinese name (candidate groups may use either)."""
    root = parse_untrusted_xml(bpmn)
    process = executable_process(root)
    notes: list[ImportNote] = []
    forms: dict[str, bytes] = {}
    _convert_forms(process, forms, notes)
    _convert_conditions(process, notes)
    _convert_lanes(process, roles, notes)
    _other_camunda(process, notes)
    etree.cleanup_namespaces(root, top_nsmap={"spiffworkflow": SPIFF})
    text = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return Imported(text, forms, notes)
