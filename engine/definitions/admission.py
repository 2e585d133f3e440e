"""Deployment-time checks: a model is admitted only if its cases can run and can always progress.

:func:`engine.definitions.compile.compile_definition` decides whether a file can
be executed at all (and also recompiles versions deployed long ago, so it must
not grow stricter). The checks here run only when a process owner deploys or
validates: they refuse what the engine cannot run (a service task would stop
the case with an error) and models whose cases would wait for ever, each problem
named by the element at fault with what to do instead:

- a lane of a role that never acts (``auditor``, ``admin``, ``process_owner``);
- a lane whose tasks are offered at an organisation the case names
  (``subject_org``, ``developer_org``, see :meth:`engine.identity.orgs.OrgDirectory.task_org`)
  while the start form does not require that field;
- a catch event nothing can trigger;
- a parallel join fed by different exits of one exclusive gateway (only one
  token ever arrives).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree

from engine.definitions.compile import NS, CompiledDefinition, executable_process
from engine.definitions.xmlsafe import parse_untrusted_xml
from engine.errors import Problem

BPMN = NS["bpmn"]
# role scope -> the start-form field naming the organisation its lanes are offered at
CASE_FIELD_SCOPES = {"subject": ("subject_org", "所涉村（社区）"), "developer": ("developer_org", "开发建设单位")}
# scopes of roles that act in lanes (the others: auditors, process owners, admins)
ACTING_SCOPES = frozenset({"street", "district", "city", "subject", "developer"})
# What can deliver an event to a waiting catch event (timers: the engine refuses them in compile):
# messages and signals come from other cases or from POST /messages, /signals (engine/messages/).
TRIGGERABLE = frozenset({"conditional", "message", "signal"})
_KINDS_ZH = {
    "message": "消息", "signal": "信号", "timer": "定时", "conditional": "条件", "link": "链接",
    "error": "错误", "escalation": "升级", "compensate": "补偿", "cancel": "取消", "terminate": "终止",
}
_SPLITS_WITH_ONE_EXIT = {"exclusiveGateway", "eventBasedGateway"}


def _local(node: Any) -> str:
    return etree.QName(node.tag).localname if isinstance(node.tag, str) else ""


def _label(node: etree._Element) -> str:
    name = node.get("name")
    return f"「{name}」" if name else node.get("id", "")


def event_kinds(node: etree._Element) -> list[str]:
    """The event definitions of an event element ("message", "signal", …)."""
    return [_local(child).removesuffix("EventDefinition") for child in node
            if _local(child).endswith("EventDefinition")]


def unsupported_problems(bpmn: bytes) -> list[Problem]:
    """What the engine does not run, found before SpiffWorkflow's parser (whose refusal would be less helpful)."""
    return list(_unsupported(executable_process(parse_untrusted_xml(bpmn))))


def admission_problems(compiled: CompiledDefinition, role_scopes: dict[str, str],
                       role_names: dict[str, str] | None = None) -> list[Problem]:
    process = executable_process(parse_untrusted_xml(compiled.bpmn_xml.encode("utf-8")))
    names = role_names or {}
    problems: list[Problem] = []
    problems.extend(_lane_problems(compiled, process, role_scopes, names))
    problems.extend(_untriggerable_catches(process))
    problems.extend(_exclusive_into_parallel_join(process))
    return problems


# -- what the engine does not run ---------------------------------------------------------------


# The event definitions SpiffWorkflow 3.2's parser reads on each kind of event; any other it ignores
# without a word (a signal end event would become a plain end event that sends nothing).
_READS = {
    "startEvent": {"message", "signal", "timer", "conditional"},
    "endEvent": {"message", "cancel", "error", "escalation", "terminate"},
    "intermediateCatchEvent": {"message", "signal", "timer", "conditional"},
    "intermediateThrowEvent": {"message", "signal", "escalation"},
    "boundaryEvent": {"cancel", "error", "escalation", "message", "signal", "timer", "conditional"},
}
_INSTEAD = {
    "link": "请直接用顺序流连接这两处",
    "signal": "请先用中间抛出事件发出信号，再接结束事件",
}
_EVENT_TAGS_ZH = {"startEvent": "开始事件", "endEvent": "结束事件", "intermediateCatchEvent": "中间捕获事件",
                  "intermediateThrowEvent": "中间抛出事件", "boundaryEvent": "边界事件"}


def _unsupported(process: etree._Element) -> Iterable[Problem]:
    for node in process.iter(f"{{{BPMN}}}serviceTask"):
        yield Problem(node.get("id", ""), f"服务任务{_label(node)}无法运行：本引擎不调用外部服务。需要计算的请改用"
                      "脚本任务（scriptTask，在沙箱中运行），需要人办理的请改用用户任务（userTask）")
    for sub in process.iter(f"{{{BPMN}}}subProcess"):
        if sub.get("triggeredByEvent") != "true":
            continue
        for start in sub.iterfind("bpmn:startEvent", NS):
            if start.get("isInterrupting", "true") != "false" and event_kinds(start):
                yield Problem(start.get("id", ""), f"事件子流程{_label(sub)}的开始事件{_label(start)}是中断型的，"
                              "但 SpiffWorkflow 不会中断主流程（主流程的任务会继续等待）：请把它设为不中断"
                              "（isInterrupting=\"false\"），或改用附着在活动上的中断型边界事件")
    for tag, reads in _READS.items():
        for node in process.iter(f"{{{BPMN}}}{tag}"):
            for kind in event_kinds(node):
                if kind not in reads:
                    kind_zh = _KINDS_ZH.get(kind, kind)
                    yield Problem(node.get("id", ""), f"{_EVENT_TAGS_ZH[tag]}{_label(node)}上的{kind_zh}事件定义"
                                  f"不受支持，办件不会按它运行：{_INSTEAD.get(kind, '请改用受支持的事件类型')}")


# -- lanes --------------------------------------------------------------------------------------


def _required_start_fields(compiled: CompiledDefinition) -> set[str]:
    form = compiled.start_form
    schema = compiled.forms.get(form.schema_file) if form is not None else None
    if not isinstance(schema, dict):
        return set()
    required = schema.get("required")
    properties = schema.get("properties")
    if not isinstance(required, list) or not isinstance(properties, dict):
        return set()
    return {name for name in required if isinstance(name, str) and name in properties}


def _lane_problems(compiled: CompiledDefinition, process: etree._Element, role_scopes: dict[str, str],
                   names: dict[str, str]) -> Iterable[Problem]:
    required = _required_start_fields(compiled)
    for element in compiled.elements.values():
        if element.type in ("manualTask", "task") and element.lane is None:
            yield Problem(element.id, f"任务「{element.name}」由人办理，但不在任何泳道中，无法确定办理角色："
                          "请把它放进办理角色的泳道")
    # a task offered at the unit its data names (unitFrom) needs no case field
    acting = {e.lane for e in compiled.elements.values()
              if e.lane and e.type in ("userTask", "manualTask", "task", "startEvent") and not e.unit_from}
    for lane in process.iterfind(".//bpmn:lane", NS):
        role = lane.get("name", "")
        lane_id = lane.get("id", "lane")
        scope = role_scopes.get(role)
        if scope is None:
            continue  # an unknown role: compile already refused it
        role_label = f"「{names.get(role, role)}」（{role}）"
        if scope not in ACTING_SCOPES:
            yield Problem(lane_id, f"泳道以角色{role_label}命名，但该角色不办理任务，其中的环节永远无人办理："
                          "请改用办理这些环节的业务角色")
            continue
        if scope in CASE_FIELD_SCOPES and role in acting:
            field, what = CASE_FIELD_SCOPES[scope]
            if field not in required:
                yield Problem(lane_id, f"泳道{role_label}的任务交给办件所指明的{what}办理，但发起表单没有必填字段 "
                              f"{field}：办件发起时不写明{what}，这些任务将永远无人办理。"
                              f"请在发起表单中加入必填的 {field}")


# -- catch events -------------------------------------------------------------------------------


def _untriggerable_catches(process: etree._Element) -> Iterable[Problem]:
    """A catch event must say what it waits for (SpiffWorkflow would let a token straight through one
    that does not; BPMN does not allow it). The kinds it may wait for all have a sender (TRIGGERABLE);
    the kinds SpiffWorkflow ignores are refused as unsupported."""
    for node in process.iter(f"{{{BPMN}}}intermediateCatchEvent"):
        if not event_kinds(node):
            yield Problem(node.get("id", ""), f"中间捕获事件{_label(node)}没有事件定义，不知道在等什么："
                          "请为它指定消息、信号或条件，或删去它")


# -- an exclusive split joined in parallel ------------------------------------------------------


def _exclusive_into_parallel_join(process: etree._Element) -> Iterable[Problem]:
    nodes = {n.get("id", ""): n for n in process.iter() if isinstance(n.tag, str) and n.get("id")}
    incoming: dict[str, list[etree._Element]] = {}
    for flow in process.iter(f"{{{BPMN}}}sequenceFlow"):
        incoming.setdefault(flow.get("targetRef", ""), []).append(flow)

    def origin(flow: etree._Element) -> tuple[str, str] | None:
        """Walking back along a single path: the exclusive split and the exit this branch left it by."""
        seen: set[str] = set()
        while True:
            source = flow.get("sourceRef", "")
            node = nodes.get(source)
            if node is None or source in seen:
                return None
            seen.add(source)
            if _local(node) in _SPLITS_WITH_ONE_EXIT:
                return source, flow.get("id", "")
            before = incoming.get(source, [])
            if _local(node).endswith("Gateway") or len(before) != 1:
                return None
            flow = before[0]

    for join in process.iter(f"{{{BPMN}}}parallelGateway"):
        arrivals = incoming.get(join.get("id", ""), [])
        if len(arrivals) < 2:
            continue
        exits: dict[str, set[str]] = {}
        for flow in arrivals:
            found = origin(flow)
            if found is not None:
                exits.setdefault(found[0], set()).add(found[1])
        for split, used in sorted(exits.items()):
            if len(used) > 1:
                yield Problem(join.get("id", ""), f"并行网关{_label(join)}汇合的分支来自网关{_label(nodes[split])}"
                              "的不同出口，每次只有一条分支到达，汇合将永远等待：请改用排他网关汇合这些分支")
