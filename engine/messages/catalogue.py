"""Which messages and signals a procedure starts on, waits for and throws, read from its BPMN.

Names are the ``name`` of the ``bpmn:message`` / ``bpmn:signal`` an event refers
to (what SpiffWorkflow matches on); a definition without a reference is named by
its event element, as SpiffWorkflow does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
KINDS = {"messageEventDefinition": "message", "signalEventDefinition": "signal"}
KIND_NAMES = {"message": "消息", "signal": "信号"}
_CATCHING = {"intermediateCatchEvent", "boundaryEvent", "receiveTask", "startEvent"}
_THROWING = {"intermediateThrowEvent", "endEvent", "sendTask"}
_OUTSIDE_STARTS = {"messageEventDefinition", "signalEventDefinition", "timerEventDefinition"}


@dataclass(frozen=True)
class EventUse:
    kind: str  # message, signal
    name: str
    element_id: str


@dataclass
class EventCatalogue:
    starts: list[EventUse] = field(default_factory=list)  # start events of the process itself
    catches: list[EventUse] = field(default_factory=list)  # everything else that waits for one
    throws: list[EventUse] = field(default_factory=list)
    plain_start: bool = True  # has a start event that needs no event (a case can be started by a clerk)

    @property
    def waits(self) -> bool:
        return bool(self.catches)

    def starts_on(self, kind: str, name: str) -> list[EventUse]:
        return [use for use in self.starts if use.kind == kind and use.name == name]


def _local(node: etree._Element) -> str:
    return etree.QName(node.tag).localname if isinstance(node.tag, str) else ""


def _names(root: etree._Element, tag: str) -> dict[str, str]:
    return {node.get("id", ""): node.get("name") or node.get("id", "") for node in root.iter(f"{{{BPMN}}}{tag}")}


def _uses(node: etree._Element, messages: dict[str, str], signals: dict[str, str]) -> list[tuple[str, str]]:
    found = []
    if _local(node) in ("receiveTask", "sendTask") and node.get("messageRef"):
        found.append(("message", messages.get(node.get("messageRef", ""), node.get("messageRef", ""))))
    for child in node:
        kind = KINDS.get(_local(child))
        if kind is None:
            continue
        ref = child.get("messageRef" if kind == "message" else "signalRef")
        names = messages if kind == "message" else signals
        found.append((kind, names.get(ref or "", ref or "") if ref else node.get("name") or node.get("id", "")))
    return found


def event_catalogue(root: etree._Element, process: etree._Element) -> EventCatalogue:
    messages, signals = _names(root, "message"), _names(root, "signal")
    catalogue = EventCatalogue()
    top_starts = [n for n in process if _local(n) == "startEvent"]
    # a clerk can start a case at a start event that waits for nothing from outside (a conditional start
    # event is decided by the start data)
    catalogue.plain_start = not top_starts or any(
        not any(_local(c) in _OUTSIDE_STARTS for c in n) for n in top_starts)
    for node in process.iter():
        tag = _local(node)
        if tag not in _CATCHING and tag not in _THROWING:
            continue
        for kind, name in _uses(node, messages, signals):
            use = EventUse(kind, name, node.get("id", ""))
            if tag in _THROWING:
                catalogue.throws.append(use)
            elif tag == "startEvent" and node.getparent() is process:
                catalogue.starts.append(use)
            else:
                catalogue.catches.append(use)
    return catalogue
