"""The journal as people read it: who acted by name, and what an operation did in a few words.

Adds to each history entry (as :func:`engine.audit.history.entry_view` gives it) ``actor_name``
and, for an approval operation, ``detail``: "转办给 乙街道办 李强", "退回到「拟定方案」",
"前加签：钱丽" … The journal itself keeps user names and element ids.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.definitions.compile import CompiledDefinition
from engine.operations.state import MODE_NAMES
from engine.store.models import User


def _people(view: dict[str, Any]) -> set[str]:
    payload = view.get("payload") or {}
    found = {view["actor"]} if view.get("actor") else set()
    for key in ("to_user", "user", "assignee"):
        if isinstance(payload.get(key), str):
            found.add(payload[key])
    if isinstance(payload.get("users"), list):
        found.update(u for u in payload["users"] if isinstance(u, str))
    return found


def _detail(view: dict[str, Any], name: Any, element: Any) -> str | None:
    payload = view.get("payload") or {}
    command = view["command"]
    people = "、".join(name(u) for u in payload.get("users") or [] if isinstance(u, str))
    if command == "return":
        back = f"，交 {name(payload['assignee'])} 办理" if payload.get("assignee") else ""
        return f"退回到「{element(payload.get('target_element_id'))}」{back}"
    if command == "transfer":
        return f"转办给 {name(payload.get('to_user'))}"
    if command == "delegate":
        return f"委派给 {name(payload.get('to_user'))}"
    if command == "resolve":
        return "受委派办理，交回委派人确认"
    if command == "add_signers":
        ratio = payload.get("ratio")
        share = f"（{round(ratio * 100)}% 同意即通过）" if isinstance(ratio, int | float) and ratio < 1 else ""
        return f"{MODE_NAMES.get(payload.get('mode'), '加签')}：{people}{share}"
    if command == "remove_signer":
        return f"减签：{name(payload.get('user'))}"
    if command == "sign":
        return "签署：同意" if payload.get("agree") else "签署：不同意"
    if command == "submit":
        return "提交，等待加签人签署"
    if command == "withdraw":
        return "撤回本人办理的环节"
    if command == "jump":
        return f"跳转：从「{element(payload.get('from_element_id'))}」到「{element(payload.get('target_element_id'))}」"
    if command == "cc":
        return ("按流程模型抄送：" if payload.get("source") == "model" else "抄送：") + people
    if command == "urge":
        return f"催办：{people}" if people else "催办"
    return None


def with_names(session: Session, views: list[dict[str, Any]],
               definition: CompiledDefinition | None = None) -> list[dict[str, Any]]:
    usernames = set().union(*(_people(v) for v in views)) if views else set()
    names = dict(session.execute(select(User.username, User.display_name)
                                 .where(User.username.in_(usernames))).all()) if usernames else {}
    elements = definition.elements if definition is not None else {}

    def name(user: Any) -> str:
        return str(names.get(user, user)) if user else ""

    def element(element_id: Any) -> str:
        info = elements.get(element_id) if isinstance(element_id, str) else None
        return info.name if info is not None else str(element_id or "")

    for view in views:
        view["actor_name"] = name(view.get("actor")) or None
        detail = _detail(view, name, element)
        if detail:
            view["detail"] = detail
    return views
