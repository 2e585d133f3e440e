"""The time limits a procedure declares in its model (``spiffworkflow:properties``), read at deployment.

On the process (``bpmn:process`` → ``extensionElements``):

=========================  ==========================================================
``statutoryLimit``         法定时限, a whole number (e.g. ``20``: 行政许可法 §42)
``statutoryLimitUnit``     ``workingDays`` (default), ``naturalDays`` or ``hours``
``promisedLimit``          承诺时限, as above (the office's published promise)
``promisedLimitUnit``      as above
``limitYellowBefore``      yellow when this many units remain (default 2)
``limitRedBefore``         red when this many remain (default 1: the last day)
``limitExtensionDays``     the most an approved extension (延期) may add (e.g. ``10``)
``limitExtensionRoles``    roles that may approve one, comma-separated (admins always may)
=========================  ==========================================================

On a user task: ``taskLimit``, ``taskLimitUnit``, ``taskLimitYellowBefore``,
``taskLimitRedBefore`` (环节时限), and ``limitExcluded`` = ``true`` for a step whose time
does not count against the case's limits (行政许可法 §45: 听证, 检验检测, 专家评审; 补正材料
where the procedure says so), with ``limitExcludedReason`` naming why.

A number may name a rule of the model instead, ``{rules.NAME}``: the value of ``NAME`` in the
model's literal ``rules = {...}`` script (engine/forms/rule_labels.py), read at deployment, so a
time limit the process owner sets lives with the procedure's other rules and its labels.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.errors import Problem

UNITS = ("workingDays", "naturalDays", "hours")
UNIT_NAMES = {"workingDays": "个工作日", "naturalDays": "天", "hours": "小时"}
KIND_NAMES = {"statutory": "法定时限", "promised": "承诺时限", "task": "环节时限"}
MAX_AMOUNT = 10_000
RULE_REFERENCE = re.compile(r"^\{rules\.([A-Za-z_][A-Za-z0-9_]*)\}$")


@dataclass(frozen=True)
class Limit:
    kind: str  # statutory, promised, task
    amount: int
    unit: str
    yellow_before: int
    red_before: int

    def describe(self) -> str:
        return f"{KIND_NAMES[self.kind]} {self.amount} {UNIT_NAMES[self.unit]}"


@dataclass(frozen=True)
class LimitModel:
    case: tuple[Limit, ...] = ()
    tasks: dict[str, Limit] = field(default_factory=dict)  # by user-task element id
    excluded: dict[str, str] = field(default_factory=dict)  # element id -> reason
    extension_days: int | None = None
    extension_roles: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not (self.case or self.tasks)


def resolve_rules(props: dict[str, str], rules: Mapping[str, Any], where: str,
                  problems: list[Problem]) -> dict[str, str]:
    """``props`` with each value ``{rules.NAME}`` replaced by that rule's value (a problem if it has none)."""
    resolved = dict(props)
    for name, text in props.items():
        match = RULE_REFERENCE.match((text or "").strip())
        if match is None:
            continue
        value = rules.get(match.group(1))
        if isinstance(value, bool) or not isinstance(value, int | str):
            problems.append(Problem(where, f"{name} 引用的规则 {match.group(1)} 不在模型的 rules 脚本中，或不是整数"))
            resolved.pop(name)
            continue
        resolved[name] = str(value)
    return resolved


def _number(props: dict[str, str], name: str, default: int | None, where: str,
            problems: list[Problem], minimum: int = 0) -> int | None:
    text = props.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = int(text.strip())
    except ValueError:
        problems.append(Problem(where, f"{name} 应为整数，实为 {text!r}"))
        return default
    if not minimum <= value <= MAX_AMOUNT:
        problems.append(Problem(where, f"{name} 应在 {minimum}–{MAX_AMOUNT} 之间"))
        return default
    return value


def _limit(props: dict[str, str], kind: str, prefix: str, yellow_name: str, red_name: str, where: str,
           problems: list[Problem], defaults: tuple[int, int]) -> Limit | None:
    amount = _number(props, prefix, None, where, problems, minimum=1)
    if amount is None:
        return None
    unit = (props.get(prefix + "Unit") or "workingDays").strip()
    if unit not in UNITS:
        problems.append(Problem(where, f"{prefix}Unit 须为 {'、'.join(UNITS)} 之一"))
        return None
    yellow = _number(props, yellow_name, defaults[0], where, problems) or 0
    red = _number(props, red_name, defaults[1], where, problems) or 0
    if red > yellow:
        problems.append(Problem(where, f"{red_name} 不能大于 {yellow_name}（红色预警应晚于黄色预警）"))
    return Limit(kind, amount, unit, yellow, red)


def read_limits(process_props: dict[str, str], task_props: dict[str, dict[str, str]], process_id: str,
                is_user_task: Callable[[str], bool],
                rules: Mapping[str, Any] | None = None) -> tuple[LimitModel | None, list[Problem]]:
    problems: list[Problem] = []
    if rules is not None:
        process_props = resolve_rules(process_props, rules, process_id, problems)
        task_props = {element: resolve_rules(props, rules, element, problems) for element, props in task_props.items()}
    defaults = (_number(process_props, "limitYellowBefore", 2, process_id, problems) or 0,
                _number(process_props, "limitRedBefore", 1, process_id, problems) or 0)
    case = tuple(limit for kind, prefix in (("statutory", "statutoryLimit"), ("promised", "promisedLimit"))
                 if (limit := _limit(process_props, kind, prefix, "limitYellowBefore", "limitRedBefore",
                                     process_id, problems, defaults)) is not None)
    tasks: dict[str, Limit] = {}
    excluded: dict[str, str] = {}
    for element_id, props in task_props.items():
        limit = _limit(props, "task", "taskLimit", "taskLimitYellowBefore", "taskLimitRedBefore", element_id,
                       problems, defaults)
        if limit is not None:
            tasks[element_id] = limit
        if (props.get("limitExcluded") or "").strip().lower() in ("true", "1", "yes"):
            excluded[element_id] = (props.get("limitExcludedReason") or "").strip() or "不计入办理时限的环节"
        if (limit is not None or element_id in excluded) and not is_user_task(element_id):
            problems.append(Problem(element_id, "时限属性只能设在用户任务上"))
    extension = _number(process_props, "limitExtensionDays", None, process_id, problems)
    roles = frozenset(r.strip() for r in (process_props.get("limitExtensionRoles") or "").split(",") if r.strip())
    model = LimitModel(case, tasks, excluded, extension, roles)
    return (None if model.empty and not excluded else model), problems
