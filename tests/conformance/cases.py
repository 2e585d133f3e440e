"""One case per BPMN construct: the model (models/<name>.bpmn), how to drive it, and the outcome BPMN 2.0 gives it.

Steps: ``("task", element, data)`` completes the first open task of that element (all lanes here are
the street office's, so ``street_a`` does it); ``("message", name, data)`` sends a message correlated by
the case's business key and ``("signal", name, data)`` broadcasts a signal (both as an admin);
``("start_message", name, data)`` / ``("start_signal", …)`` start the case by one. A construct the engine
does not run is a case with ``refused`` (the words its deployment refusal must contain): it counts as
not run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Step = tuple[Any, ...]


@dataclass(frozen=True)
class Case:
    name: str  # the model file, models/<name>.bpmn, process id cf_<name>
    construct: str
    steps: tuple[Step, ...] = ()
    end: str | None = None  # the end event the case finishes at
    data: dict[str, Any] = field(default_factory=dict)  # values the finished case holds
    absent: tuple[str, ...] = ()  # values it must not hold (a path not taken)
    start_data: dict[str, Any] = field(default_factory=dict)
    helpers: tuple[str, ...] = ()  # models deployed first (a callee, a receiver)
    helper_outcome: tuple[str, str] | None = None  # (helper process id, status) of the case the construct made
    refused: str | None = None  # not run: the deployment refuses it, saying this
    not_run: str | None = None  # not run here, for this reason (it deploys; the suite does not drive it)


TIMER_NOT_RUN = "已部署；定时事件由定时器工作进程触发（见 tests/test_timers.py），本套件不驱动"


def task(element: str, **data: Any) -> Step:
    return ("task", element, data)


CASES: list[Case] = [
    # activities
    Case("user_task", "用户任务", (task("ask", n=1),), "完成", {"n": 1}),
    Case("manual_task", "人工任务", (task("sign"),), "完成"),
    Case("script_task", "脚本任务", (task("ask"),), "完成", {"x": 42}),
    Case("business_rule_task", "业务规则任务（DMN）", (task("ask", n=7),), "高", {"level": "high"}),
    Case("call_activity", "调用活动", (task("sub_ask", n=1), task("after")), "完成", {"called": True},
         helpers=("callee",)),
    # subprocesses
    Case("embedded_subprocess", "内嵌子流程", (task("inner", n=2),), "完成", {"n": 2}),
    Case("transaction", "事务子流程", (task("t_ask"),), "完成"),
    Case("event_subprocess_interrupting", "事件子流程（消息开始，中断）", refused="中断型"),
    Case("event_subprocess_non_interrupting", "事件子流程（信号开始，不中断）",
         (("signal", "通知", {}), task("note_task"), task("work")), "完成"),
    Case("event_subprocess_error_start", "事件子流程（错误开始）", refused="错误事件定义不受支持"),
    # gateways
    Case("exclusive_gateway", "排他网关", (task("ask", n=9),), "大"),
    Case("inclusive_gateway", "包容网关", (task("ask", n=9),), "完成", {"a": 1, "b": 1}, absent=("c",)),
    Case("parallel_gateway", "并行网关", (task("ua"), task("ub")), "完成"),
    Case("event_based_gateway", "事件网关", (task("ask"), ("message", "同意", {})), "同意"),
    # loops
    Case("multi_instance_parallel", "并行多实例", (task("sign", n=1), task("sign", n=2), task("sign", n=3)), "完成",
         {"results": [1, 2, 3]}),
    Case("multi_instance_sequential", "顺序多实例", (), "完成", {"squares": [1, 4, 9]}),
    Case("standard_loop", "标准循环", (), "完成", {"count": 3}),
    # message events
    Case("message_start", "消息开始事件", (("start_message", "申请到达", {"note": "外部申请"}), task("ask")), "完成",
         {"note": "外部申请"}),
    Case("message_catch", "消息中间捕获事件", (task("ask"), ("message", "回复", {"reply": "同意"})), "完成",
         {"reply": "同意"}),
    Case("message_boundary_interrupting", "消息边界事件（中断）", (("message", "撤回", {}),), "已撤回"),
    Case("message_boundary_non_interrupting", "消息边界事件（不中断）",
         (("message", "催办", {}), task("handle"), task("review")), "审核完成"),
    Case("message_throw", "消息中间抛出事件", (task("ask"),), "完成", helpers=("notice_receiver",),
         helper_outcome=("cf_notice_receiver", "completed")),
    Case("message_end", "消息结束事件", (task("ask"),), "发出通知并结束", helpers=("notice_receiver",),
         helper_outcome=("cf_notice_receiver", "completed")),
    Case("send_task", "发送任务", (task("ask"),), "完成", helpers=("notice_receiver",),
         helper_outcome=("cf_notice_receiver", "completed")),
    Case("receive_task", "接收任务", (task("ask"), ("message", "回复", {"reply": "收到"})), "完成", {"reply": "收到"}),
    # signal events
    Case("signal_start", "信号开始事件", (("start_signal", "政策发布", {}), task("ask")), "完成"),
    Case("signal_catch", "信号中间捕获事件", (task("ask"), ("signal", "政策发布", {"policy": "新"})), "完成",
         {"policy": "新"}),
    Case("signal_boundary_interrupting", "信号边界事件（中断）", (("signal", "叫停", {}),), "已叫停"),
    Case("signal_boundary_non_interrupting", "信号边界事件（不中断）",
         (("signal", "通报", {}), task("read"), task("review")), "审核完成"),
    Case("signal_throw", "信号中间抛出事件", (task("ask"),), "完成", helpers=("signal_start",),
         helper_outcome=("cf_signal_start", "running")),
    Case("signal_end", "信号结束事件", refused="信号事件定义不受支持"),
    # error and escalation events
    Case("error_boundary", "错误结束事件与错误边界事件", (task("check", n=-1), task("supplement")), "补充后办结"),
    Case("escalation_boundary_non_interrupting", "升级中间抛出事件与不中断边界事件",
         (task("work"), task("note"), task("finish")), "办结"),
    Case("escalation_boundary_interrupting", "升级结束事件与中断边界事件", (task("work"), task("decide")),
         "上级已决定"),
    # conditional events
    Case("conditional_start", "条件开始事件", (task("ask"),), "完成", start_data={"again": True}),
    Case("conditional_catch", "条件中间捕获事件", (task("ask", n=9),), "完成"),
    Case("conditional_boundary_interrupting", "条件边界事件（中断）", (task("ask", n=9),), "条件满足后结束"),
    Case("conditional_boundary_non_interrupting", "条件边界事件（不中断）",
         (task("ask", n=9), task("extra"), task("waiting")), "工作完成"),
    # terminate, data objects
    Case("terminate_end", "终止结束事件", (task("ua"),), "终止"),
    Case("data_objects", "数据对象", (task("ask"),), "完成", {"doubled": 84}),
    # timers run, fired by the timer worker on the injected clock (tests/test_timers.py); this suite does
    # not drive the worker, so it only checks that they deploy. A start timer must be a date or a cycle.
    Case("timer_start", "定时开始事件", refused="定时"),
    Case("timer_intermediate", "定时中间事件", not_run=TIMER_NOT_RUN),
    Case("timer_boundary", "定时边界事件", not_run=TIMER_NOT_RUN),
]
