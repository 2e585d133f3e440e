"""Task unit from data: a user task offered at the organisation a data variable names.

``<spiffworkflow:property name="unitFrom" value="village"/>`` on a user task: the
task is offered to users holding its lane's role at the organisation whose id is
the value of ``village`` in the task's own data. For a multi-instance task that is
its input item, so a multi-instance over a list of village ids runs one task per
village at that village. A value that names no organisation leaves the task
offered nowhere, which /admin/stuck-cases lists (engine/cases/stuck.py).
"""

from __future__ import annotations

import re

from engine.errors import Problem

UNIT_FROM_PROP = "unitFrom"
_VARIABLE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


def read_unit_from(element_id: str, tag: str, props: dict[str, str]) -> tuple[str | None, list[Problem]]:
    """The element's unitFrom variable and what is wrong with it."""
    if UNIT_FROM_PROP not in props:
        return None, []
    value = props[UNIT_FROM_PROP].strip()
    if tag != "userTask":
        return None, [Problem(element_id, f"只有用户任务可以按数据指定办理单位（{UNIT_FROM_PROP}）")]
    if not _VARIABLE.match(value):
        return None, [Problem(element_id, f"{UNIT_FROM_PROP} 须为数据变量名（字母开头，由字母、数字、下划线组成），"
                                          f"不能是 {value!r}")]
    return value, []
