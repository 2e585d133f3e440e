"""Reading a BPMN file's XML: the process a file runs, its elements' lanes and spiffworkflow properties."""

from __future__ import annotations

from typing import Any

from lxml import etree

from engine.errors import InvalidModel, Problem

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
FLOW_NODE_TAGS = {
    "startEvent", "endEvent", "userTask", "manualTask", "task", "scriptTask", "serviceTask",
    "businessRuleTask", "sendTask", "receiveTask", "exclusiveGateway", "parallelGateway",
    "inclusiveGateway", "eventBasedGateway", "intermediateCatchEvent", "intermediateThrowEvent",
    "boundaryEvent", "subProcess", "callActivity", "transaction", "adHocSubProcess", "complexGateway",
}
# Elements that hold flow nodes of their own: a node inside one sits in the lane of its container.
_CONTAINER_TAGS = {"subProcess", "transaction", "adHocSubProcess"}


def local_name(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def properties_of(node: etree._Element) -> dict[str, str]:
    props: dict[str, str] = {}
    for prop in node.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS):
        props[prop.get("name", "")] = prop.get("value", "")
    return props


def _has_flow_nodes(process: etree._Element) -> bool:
    return any(local_name(child.tag) in FLOW_NODE_TAGS for child in process)


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


def lanes_of_nodes(process: etree._Element) -> dict[str, str]:
    """Element id -> the role of its lane; a node inside a subprocess takes its container's lane."""
    lanes: dict[str, str] = {}
    for lane in process.iterfind(".//bpmn:lane", NS):
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lanes[(ref.text or "").strip()] = lane.get("name", "")

    def inherit(container: etree._Element, role: str | None) -> None:
        for child in container:
            tag = local_name(child.tag)
            if tag not in FLOW_NODE_TAGS:
                continue
            element_id = child.get("id", "")
            own = lanes.get(element_id)
            if own is None and role is not None:
                lanes[element_id] = role
            if tag in _CONTAINER_TAGS:
                inherit(child, own or role)

    inherit(process, None)
    return lanes
