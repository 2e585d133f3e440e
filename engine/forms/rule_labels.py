"""Rule values in labels: ``{rules.NAME}`` in a form's texts shows the case's current ``rules["NAME"]``.

A number that lives in a model's ``rules`` (set by a script task, changed by the
process owner) should not be copied into a label, where it would go stale
("入住率是否达到50%"). A form's ``title``/``description`` strings (at any depth:
the form, its fields, list items, choice branches), the UI schema's help texts and
the messages of cross-field checks may say ``{rules.occupancy_pct}`` instead: the
task-form read replaces it with the case's value (:func:`fill_labels`). A start
form has no case yet: the values come from the model's own ``rules = {...}``
script when it is a plain literal (:func:`model_rules`), else the placeholder is
left out.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from engine.definitions.xmlsafe import parse_untrusted_xml

PLACEHOLDER = re.compile(r"\{rules\.([A-Za-z_][A-Za-z0-9_]*)\}")
LABEL_KEYS = frozenset({"title", "description", "ui:help", "ui:description", "ui:title", "ui:placeholder"})
_SCRIPT_TAG = "{http://www.omg.org/spec/BPMN/20100524/MODEL}script"


def format_value(value: Any) -> str:
    """A rule value as a label shows it: numbers plainly (50, 0.5), 是/否, lists joined by 、."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | str):
        return str(value)
    if isinstance(value, list | tuple):
        return "、".join(format_value(v) for v in value)
    return ""


def fill_text(text: str, rules: Mapping[str, Any] | None) -> str:
    """``text`` with each ``{rules.NAME}`` replaced by the value (left out when there is none)."""
    if "{rules." not in text:
        return text
    found = rules if isinstance(rules, Mapping) else {}
    return PLACEHOLDER.sub(lambda m: format_value(found.get(m.group(1))) if m.group(1) in found else "", text)


def fill_labels(document: Any, rules: Mapping[str, Any] | None) -> Any:
    """A copy of a schema or UI schema with the placeholders of its label texts replaced (shared when none)."""
    if isinstance(document, dict):
        changed = False
        out: dict[str, Any] = {}
        for key, value in document.items():
            new = fill_text(value, rules) if key in LABEL_KEYS and isinstance(value, str) else fill_labels(value, rules)
            changed = changed or new is not value
            out[key] = new
        return out if changed else document
    if isinstance(document, list):
        items = [fill_labels(v, rules) for v in document]
        return items if any(a is not b for a, b in zip(items, document, strict=True)) else document
    return document


@lru_cache(maxsize=256)
def _rules_in(bpmn_xml: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    try:
        root = parse_untrusted_xml(bpmn_xml.encode("utf-8"))
    except Exception:  # a deployed model always parses; nothing to offer otherwise
        return found
    for node in root.iter(_SCRIPT_TAG):
        try:
            tree = ast.parse(node.text or "")
        except SyntaxError:
            continue
        for statement in tree.body:
            if isinstance(statement, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "rules"
                                                         for t in statement.targets):
                try:
                    value = ast.literal_eval(statement.value)
                except ValueError:
                    continue
                if isinstance(value, dict):
                    found.update({k: v for k, v in value.items() if isinstance(k, str)})
    return found


def model_rules(bpmn_xml: str) -> dict[str, Any]:
    """The ``rules`` a model's scripts set as a plain literal (``rules = {"occupancy_pct": 50}``)."""
    return dict(_rules_in(bpmn_xml))
