"""Units a procedure may have only one running case about (``x-one-running-case``).

A form property naming organisations (``x-org-level``: one id, or an array of ids) may carry
``"x-one-running-case": true``: a unit named there may be named so by one running case of the
procedure at a time. 撤村建居 marks its villages (the lead village and the others converted with it):
a second application for a village whose conversion is still being decided would have two cases
deciding one village's fate, each free to approve it.

The claim of a running case is what its data names now in any field of the procedure that carries
the keyword (a later step may change the list, as 拟定改制方案 does), so a start or a submission is
checked against the other running cases of the same procedure key, every version. Such procedures
have few running cases (one per village at most), so their data rows are read as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Problem, ValidationFailed
from engine.identity.orgs import OrgDirectory
from engine.store.models import ProcessInstance

KEYWORD = "x-one-running-case"


def claim_fields(schema: Any) -> dict[str, str]:
    """The form's top-level properties carrying the keyword: name → title."""
    props = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(props, dict):
        return {}
    return {name: str(prop.get("title") or name) for name, prop in props.items()
            if isinstance(prop, dict) and prop.get(KEYWORD) is True}


def procedure_claim_fields(forms: Mapping[str, Any]) -> frozenset[str]:
    """Every field that carries the keyword in any of a version's forms."""
    return frozenset(name for schema in forms.values() for name in claim_fields(schema))


def _values(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _claimed(data: Mapping[str, Any], fields: Iterable[str]) -> set[str]:
    return {v for name in fields for v in _values(data.get(name))}


def keyword_problems(name: str, schema: Any) -> list[Problem]:
    """Deployment: the keyword only on an organisation field (a string, or an array of strings)."""
    problems: list[Problem] = []
    props = schema.get("properties") if isinstance(schema, dict) else None
    for field, prop in (props or {}).items() if isinstance(props, dict) else ():
        if not isinstance(prop, dict) or KEYWORD not in prop:
            continue
        holder = prop.get("items") if prop.get("type") == "array" else prop
        if prop[KEYWORD] is not True or not isinstance(holder, dict) or "x-org-level" not in holder:
            problems.append(Problem(name, f"字段 {field}：{KEYWORD} 只能取 true，且只能用于单位字段（x-org-level）"))
    return problems


def check_running_claims(session: Session, directory: OrgDirectory, *, definition_key: str,
                         procedure_name: str, forms: Mapping[str, Any], schema: Any,
                         data: Mapping[str, Any], instance_id: int | None) -> None:
    """Raise ValidationFailed naming each unit in ``data`` that another running case already names.

    ``schema``: the submitted form; ``forms``: all forms of the case's version (which fields claim);
    ``instance_id``: the case submitting (its own claim does not count), None for a start.
    """
    mine = claim_fields(schema)
    wanted = {name: _values(data.get(name)) for name in mine}
    if not any(wanted.values()):
        return
    fields = procedure_claim_fields(forms) | set(mine)
    rows = session.execute(select(ProcessInstance.id, ProcessInstance.business_key, ProcessInstance.data)
                           .where(ProcessInstance.definition_key == definition_key,
                                  ProcessInstance.status == "running")
                           .order_by(ProcessInstance.id)).all()
    holders: dict[str, str] = {}
    for row_id, business_key, row_data in rows:
        if row_id == instance_id or not isinstance(row_data, dict):
            continue
        for unit in _claimed(row_data, fields):
            holders.setdefault(unit, business_key or f"#{row_id}")
    problems: list[Problem] = []
    for name, values in wanted.items():
        several = isinstance(data.get(name), list)
        for index, unit in enumerate(values):
            if unit not in holders:
                continue
            node = directory.orgs.get(unit)
            shown = node.name if node is not None else unit
            problems.append(Problem(f"{name}/{index}" if several else name,
                                    f"{shown}已有办理中的{procedure_name}办件（{holders[unit]}），"
                                    f"须待该办件办结或终止后才能再填入「{mine[name]}」"))
    if problems:
        raise ValidationFailed("；".join(p.message for p in problems[:5]), problems)
