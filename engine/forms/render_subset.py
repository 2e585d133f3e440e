"""The renderer's form subset as data (``form_subset.json``: limits and messages, shared with the
pages), the field report it yields, and the widget a field gets by default."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUBSET: dict[str, Any] = json.loads(Path(__file__).with_name("form_subset.json").read_text(encoding="utf-8"))
MESSAGES: dict[str, str] = SUBSET["messages"]


def message(key: str, **values: Any) -> str:
    text = MESSAGES[key]
    for name, value in values.items():
        text = text.replace("{" + name + "}", str(value))
    return text


@dataclass(frozen=True)
class Field:
    """One field as the renderer shows it. ``path`` is the data path, list items as ``name[]``."""

    path: str
    title: str
    kind: str
    widget: str
    options: tuple[tuple[Any, str], ...] = ()
    required: bool = False
    conditional: bool = False


@dataclass
class FormReport:
    fields: list[Field] = field(default_factory=list)
    # (field path or "" for the form, message, whether the UI schema is at fault)
    problems: list[tuple[str, str, bool]] = field(default_factory=list)

    def add(self, path: str, title: str | None, text: str, ui: bool = False) -> None:
        self.problems.append((path, text if not path else field_problem(path, title, text), ui))


def field_problem(path: str, title: str | None, text: str) -> str:
    return f"字段 {path}{f'（{title}）' if title else ''}：{text}"


def default_widget(kind: str, schema: dict[str, Any], options: tuple[tuple[Any, str], ...]) -> str:
    if kind == "choice":
        return "radio" if len(options) <= SUBSET["radioMaxOptions"] else "select"
    if kind == "text":
        limit = schema.get("maxLength")
        return "textarea" if isinstance(limit, int) and limit > SUBSET["textareaAboveLength"] else "text"
    return {"boolean": "radio", "confirm": "checkbox", "multichoice": "checkboxes", "number": "updown",
            "list": "list", "object": "object"}.get(kind, kind)
