"""The timer events of a BPMN process, read at deployment: where each waits and what it waits for."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from engine.errors import Problem
from engine.timers import iso

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_NS = {"bpmn": BPMN}
_KINDS = {"timeDuration": "duration", "timeDate": "date", "timeCycle": "cycle"}
# the levels a timer-started case can belong to (see engine.timers.start_timers)
START_LEVELS = ("street", "district", "city")


@dataclass(frozen=True)
class TimerInfo:
    element_id: str
    kind: str  # duration, date, cycle
    text: str  # as written in the model
    literal: bool  # an ISO value as such (else an expression over the case data)
    position: str  # start, intermediate, boundary, gateway
    interrupting: bool = True


def _local(node: etree._Element) -> str:
    return etree.QName(node.tag).localname if isinstance(node.tag, str) else ""


def read_timers(process: etree._Element) -> tuple[dict[str, TimerInfo], list[Problem],
                                                  list[tuple[str, str, str]]]:
    """Every timer event of ``process``; the problems found; expressions to compile in the sandbox."""
    gateways = {n.get("id") for n in process.iter(f"{{{BPMN}}}eventBasedGateway")}
    after_gateway = {f.get("targetRef") for f in process.iter(f"{{{BPMN}}}sequenceFlow")
                     if f.get("sourceRef") in gateways}
    timers: dict[str, TimerInfo] = {}
    problems: list[Problem] = []
    sources: list[tuple[str, str, str]] = []
    for definition in process.iter(f"{{{BPMN}}}timerEventDefinition"):
        event = definition.getparent()
        element_id = event.get("id", "") if event is not None else ""
        tag = _local(event) if event is not None else ""
        values = [(child, _KINDS[_local(child)]) for child in definition if _local(child) in _KINDS]
        if len(values) != 1:
            problems.append(Problem(element_id, "定时事件须且只须设置一种定时方式（时长、日期或周期）"))
            continue
        node, kind = values[0]
        text = (node.text or "").strip()
        if not text:
            problems.append(Problem(element_id, "定时事件的定时值为空"))
            continue
        literal = iso.looks_literal(kind, text) or iso.looks_attempted(text)
        if literal:
            try:
                iso.check(kind, text)
            except iso.TimerValueError as exc:
                problems.append(Problem(element_id, f"定时值无效：{exc}"))
                continue
        else:
            sources.append((element_id, "expression", text))
        position = {"startEvent": "start", "boundaryEvent": "boundary"}.get(
            tag, "gateway" if element_id in after_gateway else "intermediate")
        interrupting = event is None or event.get("cancelActivity", "true") != "false"
        timers[element_id] = TimerInfo(element_id, kind, text, literal, position, interrupting)
    starts = [n for n in process if _local(n) == "startEvent"]
    for info in timers.values():
        if info.position == "start" and len(starts) != 1:
            problems.append(Problem(info.element_id, "定时启动事件须是流程唯一的启动事件"))
        if info.position == "start" and not info.literal:
            problems.append(Problem(info.element_id,
                                    "定时启动事件的定时值须为 ISO 8601 日期或周期（发起前没有办件数据）"))
        if info.position == "start" and info.kind == "duration":
            problems.append(Problem(info.element_id, "定时启动事件须使用日期或周期，不能使用时长"))
    return timers, problems, sources
