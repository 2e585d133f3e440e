"""SpiffWorkflow's parser refusals, said in Chinese and pinned on the element at fault.

The parser stops at the first problem and words it in English for a developer
("Non-default exclusive outgoing sequence flow without condition"), naming the
node it was parsing when it can. A process owner gets the same refusal as a
Chinese sentence saying what to change, on the element id the modeler marks;
a message this table does not know keeps SpiffWorkflow's text after a Chinese
frame, so nothing is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine.errors import Problem

_TAGS_ZH = {
    "startEvent": "开始事件", "endEvent": "结束事件", "userTask": "用户任务", "manualTask": "人工任务",
    "task": "任务", "scriptTask": "脚本任务", "serviceTask": "服务任务", "businessRuleTask": "业务规则任务",
    "sendTask": "发送任务", "receiveTask": "接收任务", "exclusiveGateway": "排他网关",
    "parallelGateway": "并行网关", "inclusiveGateway": "包容网关", "eventBasedGateway": "事件网关",
    "complexGateway": "复杂网关", "intermediateCatchEvent": "中间捕获事件",
    "intermediateThrowEvent": "中间抛出事件", "boundaryEvent": "边界事件", "subProcess": "子流程",
    "transaction": "事务子流程", "adHocSubProcess": "特别子流程", "callActivity": "调用活动",
    "process": "流程", "sequenceFlow": "顺序流",
}

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _rule(pattern: str, text: str | Callable[[re.Match[str]], str]) -> Rule:
    return re.compile(pattern, re.S), (text if callable(text) else (lambda _m, t=text: t))


_RULES: list[Rule] = [
    _rule(r"Non-default exclusive outgoing sequence flow without condition",
          "排他网关的出口顺序流没有条件：请为它写上条件，或把它设为网关的默认流"),
    _rule(r"No start event found", "流程没有开始事件"),
    _rule(r"There is no support implemented for this task type",
          "暂不支持这种元素：请改用用户任务、脚本任务或网关表达同样的步骤"),
    _rule(r"Process (\S+) is not executable", lambda m: f"流程 {m[1]} 不是可执行流程（isExecutable 须为 true）"),
    _rule(r"Could not find messageRef from message event definition: (\S+)",
          lambda m: f"消息事件引用的消息 {m[1]} 不存在：请在模型中定义该消息（bpmn:message）"),
    _rule(r"Exactly one start event is required in a SubWorkflow Task; found (\d+)",
          lambda m: f"子流程中必须恰好有一个开始事件（现有 {m[1]} 个）"),
    _rule(r"A SubWorkflow Must contain an End event", "子流程中必须有结束事件"),
    _rule(r'No "calledElement" attribute for Call Activity',
          "调用活动没有指明被调用的流程（calledElement 填被调用流程的 id）"),
    _rule(r"Invalid Script Task\.\s+No Script Provided", "脚本任务没有脚本"),
    _rule(r"Conditional event definition with missing condition", "条件事件没有条件表达式"),
    _rule(r"Unknown Time Specification|Time Specification Error", "定时器的时间表达式无法识别"),
    _rule(r"Cannot resolve dataInputAssociation (\S+)",
          lambda m: f"数据输入关联指向的数据对象 {m[1]} 不存在"),
    _rule(r"Cannot resolve dataOutputAssociation (\S+)",
          lambda m: f"数据输出关联指向的数据对象 {m[1]} 不存在"),
    _rule(r"The process '([^']+)' was not found", lambda m: f"找不到被调用的流程 {m[1]}"),
    _rule(r"Duplicate process ID: (\S+)", lambda m: f"流程 id {m[1]} 重复"),
    _rule(r"(Message|Signal|Error|Escalation|Correlation) identifier is missing",
          lambda m: {"Message": "消息", "Signal": "信号", "Error": "错误", "Escalation": "升级",
                     "Correlation": "关联属性"}[m[1]] + "定义缺少 id"),
    _rule(r"Correlation is missing correlation property retrieval expressions: (\S+)",
          lambda m: f"关联属性 {m[1]} 缺少取值表达式（correlationPropertyRetrievalExpression）"),
    _rule(r"Message identifier is missing from correlation property: (\S+)",
          lambda m: f"关联属性 {m[1]} 的取值表达式没有指明消息（messageRef）"),
    _rule(r"A Service Task must have an operator", "服务任务没有指明操作"),
    _rule(r'No DMN Diagram available with id "([^"]*)"',
          lambda m: f"找不到决策 {m[1]}：请一并上传定义该决策的 .dmn 文件，或改正决策 id"),
    _rule(r"No decisions found", "DMN 文件中没有决策"),
    _rule(r"Multiple decision tables are not current supported", "一个决策只能有一张决策表"),
    _rule(r"Unknown type in decision table", "决策表中有无法识别的元素"),
    _rule(r"Malformed Output Expression", "决策表的输出表达式有误"),
    _rule(r"Sequential ordering for ad hoc subprocesses not supported", "特别子流程不支持顺序执行"),
    _rule(r"Ad hoc subprocesses may not contain start or end events", "特别子流程中不能有开始或结束事件"),
    _rule(r"Multiinstance .* (input|output) item (\S+) already exists",
          lambda m: f"多实例的{'输入' if m[1] == 'input' else '输出'}项 {m[2]} 与已有数据同名"),
]


def _explain(text: str) -> str | None:
    for pattern, render in _RULES:
        found = pattern.search(text)
        if found:
            return render(found)
    return None


def parser_problem(exc: Exception, key: str) -> Problem:
    """The parser's refusal as a Problem on the element it was parsing (else the process)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    element = getattr(exc, "id", "") or ""
    tag = (getattr(exc, "tag", "") or "").removeprefix("bpmn:")
    explained = _explain(text)
    if explained is None:
        explained = f"SpiffWorkflow 无法解析（{text}）" if isinstance(exc, ValidationException) \
            else f"SpiffWorkflow 无法解析（{exc.__class__.__name__}: {text}）"
    where = ""
    if element:
        kind = _TAGS_ZH.get(tag, tag or "元素")
        name = getattr(exc, "name", "") or ""
        where = f"{kind}「{name or element}」（{element}）：" if name else f"{kind} {element}："
    line = getattr(exc, "line_number", "") or ""
    suffix = f"（第 {line} 行）" if line and not element else ""
    return Problem(element or key, f"BPMN 解析未通过：{where}{explained}{suffix}")
