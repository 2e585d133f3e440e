"""Structural checks of an uploaded BPMN process, each problem named by the element at fault.

These run before SpiffWorkflow's parser, whose messages for a dangling
reference are hard for a process owner to act on.
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

from engine.errors import Problem

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,127}$")
_GATEWAYS = {"exclusiveGateway", "inclusiveGateway", "complexGateway"}
_MODEL = f"{{{BPMN}}}"


def _local(node: etree._Element) -> str:
    return etree.QName(node.tag).localname if isinstance(node.tag, str) else ""


def model_problems(bpmn: bytes, process: etree._Element, flow_nodes: set[str]) -> list[Problem]:
    """Encoding, process id, duplicate ids and every reference between elements."""
    problems: list[Problem] = []
    try:
        bpmn.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(Problem("bpmn", "BPMN 文件必须使用 UTF-8 编码"))
    key = process.get("id", "")
    if not KEY_PATTERN.match(key):
        problems.append(Problem(key or "process",
                                "流程 id 只能由英文字母、数字、下划线和连字符组成（以字母或下划线开头，最长 128 位）"))

    # Only BPMN elements have BPMN ids: an extension's own "id" (camunda:formField names a form field,
    # camunda:property a property) may repeat across tasks.
    counts = Counter(node.get("id") for node in process.iter(f"{_MODEL}*") if node.get("id"))
    problems.extend(Problem(element_id or "", "元素 id 重复") for element_id, n in sorted(counts.items()) if n > 1)

    flow_sources: dict[str, str] = {}
    for flow in process.iter(f"{_MODEL}sequenceFlow"):
        flow_id = flow.get("id", "")
        flow_sources[flow_id] = flow.get("sourceRef", "")
        for attribute in ("sourceRef", "targetRef"):
            ref = flow.get(attribute, "")
            if not ref:
                problems.append(Problem(flow_id or "sequenceFlow", f"顺序流缺少 {attribute}"))
            elif ref not in flow_nodes:
                problems.append(Problem(flow_id or "sequenceFlow", f"{attribute} 指向不存在的元素 {ref!r}"))

    for node in process.iter():
        default = node.get("default") if _local(node) in _GATEWAYS else None
        if default and flow_sources.get(default) != node.get("id"):
            # a gateway without an id is named by its default flow (every problem names an element)
            problems.append(Problem(node.get("id") or default, f"默认流 {default!r} 不是从该网关出发的顺序流"))

    for lane in process.iter(f"{_MODEL}lane"):
        for ref in lane.iterfind(f"{_MODEL}flowNodeRef"):
            target = (ref.text or "").strip()
            if target not in flow_nodes:
                problems.append(Problem(lane.get("id", "lane"), f"泳道引用了不存在的元素 {target!r}"))
    return problems
