"""The model's say over operations: ``spiffworkflow:properties`` a process owner writes on a task.

On a user task:

- ``allowedOperations``: the operations its holder may use (``return, withdraw, transfer,
  delegate, add-signers, remove-signer, cc, terminate``); without it every operation but
  ``terminate`` is allowed, with an empty value none;
- ``returnTargets``: the element ids 退回 may go back to (default: every completed user
  task upstream on the live path);
- ``ccRoles``: roles copied (抄送) when the task is completed, the users of each role at the
  organisation where that role's lane is offered for the case;
- ``candidateRoles``: roles (at the organisation where their lane is offered for the case)
  whose users may also receive the task by 转办, 委派 or 加签, beside the task's own role at
  the task's organisation.

On the process: ``terminateRoles``, roles whose users may terminate a case they can see.

Lists are separated by commas, 、 or spaces. Deployment refuses unknown names (422).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from engine.errors import Problem

ALLOWED_OPERATIONS = "allowedOperations"
RETURN_TARGETS = "returnTargets"
CC_ROLES = "ccRoles"
CANDIDATE_ROLES = "candidateRoles"
TERMINATE_ROLES = "terminateRoles"

TASK_OPERATIONS = ("return", "withdraw", "transfer", "delegate", "add-signers", "remove-signer", "cc", "terminate")
DEFAULT_TASK_OPERATIONS = frozenset(TASK_OPERATIONS) - {"terminate"}

_SEPARATORS = re.compile(r"[\s,，、;；]+")


def split_list(value: str | None) -> list[str]:
    return [part for part in _SEPARATORS.split(value or "") if part]


def operation_name(name: str) -> str:
    return name.strip().replace("_", "-").lower()


def property_problems(element_types: Mapping[str, str], properties: Mapping[str, Mapping[str, str]],
                      process_id: str, process_properties: Mapping[str, str],
                      known_roles: set[str]) -> list[Problem]:
    """Every unknown operation, return target or role named by these properties."""
    problems: list[Problem] = []
    for element_id, props in properties.items():
        if ALLOWED_OPERATIONS in props:
            unknown = [n for n in split_list(props[ALLOWED_OPERATIONS]) if operation_name(n) not in TASK_OPERATIONS]
            if unknown:
                problems.append(Problem(element_id, f"allowedOperations 含未知操作：{'、'.join(unknown)}"
                                                    f"（可选：{'、'.join(TASK_OPERATIONS)}）"))
        if RETURN_TARGETS in props:
            bad = [t for t in split_list(props[RETURN_TARGETS]) if element_types.get(t) != "userTask"]
            if bad:
                problems.append(Problem(element_id, f"returnTargets 须为用户任务的 id：{'、'.join(bad)}"))
        for name in (CC_ROLES, CANDIDATE_ROLES):
            if name in props:
                bad = [r for r in split_list(props[name]) if r not in known_roles]
                if bad:
                    problems.append(Problem(element_id, f"{name} 含未知角色：{'、'.join(bad)}"))
    if TERMINATE_ROLES in process_properties:
        bad = [r for r in split_list(process_properties[TERMINATE_ROLES]) if r not in known_roles]
        if bad:
            problems.append(Problem(process_id, f"terminateRoles 含未知角色：{'、'.join(bad)}"))
    return problems
