"""What the form renderer can show: every field of a form classified, or named as a problem.

The pages render forms with one component (``api/web/assets/forms.js``); its
JSON Schema subset is written down once in ``form_subset.json`` and implemented
twice, here for deployment and ``POST /process-definitions/validate`` and in
``api/web/assets/form-schema.js`` for the pages, with the same kinds, widgets
and messages. A form outside the subset is refused with a problem naming the
form file and the field, so what deploys is what a clerk can fill in.

A field's *kind* decides its widget: ``choice`` (``enum``, or ``oneOf``/``anyOf``
of ``const`` values with titles; radio buttons up to ``radioMaxOptions``
options, else a select), ``boolean`` (是/否), ``confirm`` (a boolean with
``const: true``: a check box), ``text`` (a textarea above
``textareaAboveLength`` characters), ``date``/``datetime``/``time``/``email``/
``uri``, ``number``, ``multichoice`` (a unique array of choices: check boxes),
``attachment``/``attachments`` (case attachment ids, see form_attachments.py),
``list`` (add/remove items) and ``object`` (a group of fields).

Conditions (``if``/``then``/``else`` on an object, also inside its ``allOf``)
stay validation rules; a field that is not always required but some branch
requires is *conditional*: the renderer shows it only while such a branch
applies (see form-conditions.js), unless its UI schema says
``"ui:options": {"alwaysShow": true}`` (a remark that is optional in one case
and required in another).
"""

from __future__ import annotations

import json
from typing import Any

from engine.errors import Problem
from engine.forms.form_conditions import always_shown, conditional_fields
from engine.forms.render_subset import SUBSET, Field, FormReport, default_widget, field_problem, message

__all__ = ["Field", "FormReport", "analyse_form", "render_problems"]

_ANNOTATIONS = {"title", "description", "$comment", "errorMessage", "examples", "default", "readOnly", "deprecated"}
_BRANCH_KEYS = {"const", "title", "description", "$comment"}
_COMPOUND = ("allOf",)
_ALTERNATIVES = ("oneOf", "anyOf")
_MAX_DEPTH = 12


class _Analyser:
    def __init__(self, root: dict[str, Any], ui: dict[str, Any]) -> None:
        self.root = root
        self.ui = ui if isinstance(ui, dict) else {}
        self.report = FormReport()
        self.expanding: list[str] = []  # the $refs being expanded around the current field

    # -- references -------------------------------------------------------------------------

    def resolve(self, node: Any, path: str, title: str | None, seen: list[str] | None = None) -> Any:
        """Follow local $refs (siblings such as title override the target); None after a reported problem.

        The refs followed are added to ``seen``; one met again there or around the field is a cycle.
        """
        seen = [] if seen is None else seen
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#"):
                self.report.add(path, title, message("refExternal"))
                return None
            if ref in seen or ref in self.expanding or ref == "#":
                self.report.add(path, title, message("refCycle", ref=ref))
                return None
            seen.append(ref)
            target: Any = self.root
            for part in ref[1:].split("/"):
                if not part:
                    continue
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part) if isinstance(target, dict) else None
            if not isinstance(target, dict):
                self.report.add(path, title, message("refDangling", ref=ref))
                return None
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        return node

    # -- objects ----------------------------------------------------------------------------

    def object_fields(self, schema: dict[str, Any], ui: Any, prefix: str, depth: int, in_item: bool) -> None:
        ui = ui if isinstance(ui, dict) else {}
        props = schema.get("properties") or {}
        if not isinstance(props, dict):
            props = {}
        if schema.get("additionalProperties", False) is not False:
            self.report.add(prefix, schema.get("title") if prefix else None, message("additionalProperties"))
        for keyword, text in SUBSET["refusedKeywords"].items():
            if keyword in schema:
                self.report.add(prefix, schema.get("title") if prefix else None, text)
        self._check_order(ui, list(props), prefix, schema.get("title"))
        required = set(schema.get("required") or []) if isinstance(schema.get("required"), list) else set()
        governed, mentioned = conditional_fields(schema)
        if in_item and governed:
            self.report.add(prefix, schema.get("title"), message("itemConditions"))
        for name in sorted(mentioned - set(props)):
            self.report.add(prefix, schema.get("title") if prefix else None, message("undeclared", name=name))
        for name, prop in props.items():
            path = f"{prefix}/{name}" if prefix else name
            conditional = name in governed and name not in required and not always_shown(ui.get(name))
            self.field(prop, ui.get(name), path, depth + 1, in_item, required=name in required,
                       conditional=conditional)

    def _check_order(self, ui: dict[str, Any], names: list[str], prefix: str, title: str | None) -> None:
        """A name ui:order lists must be a field (a typo otherwise); fields it leaves out go last."""
        order = ui.get("ui:order")
        if order is None:
            return
        if not isinstance(order, list) or not all(isinstance(n, str) for n in order):
            self.report.add(prefix, title if prefix else None, message("uiOrderType"), ui=True)
            return
        for name in order:
            if name != "*" and name not in names:
                self.report.add(prefix, title if prefix else None, message("uiOrderUnknown", name=name), ui=True)

    # -- one field --------------------------------------------------------------------------

    def field(self, raw: Any, ui: Any, path: str, depth: int, in_item: bool, required: bool = False,
              conditional: bool = False) -> str | None:
        """Classify one field (recording it) and return its kind, or None after a problem."""
        title = raw.get("title") if isinstance(raw, dict) else None
        if depth > _MAX_DEPTH:
            self.report.add(path, title, message("nested"))
            return None
        refs: list[str] = []
        schema = self.resolve(raw, path, title, refs)
        if schema is None:
            return None
        if not isinstance(schema, dict):
            self.report.add(path, None, message("noType"))
            return None
        self.expanding.extend(refs)
        try:
            return self._field(schema, ui, path, depth, in_item, required, conditional)
        finally:
            del self.expanding[len(self.expanding) - len(refs):]

    def _field(self, schema: dict[str, Any], ui: Any, path: str, depth: int, in_item: bool, required: bool,
               conditional: bool) -> str | None:
        title = schema.get("title")
        ui = ui if isinstance(ui, dict) else {}
        item = path.endswith("[]")
        if not title and not item:
            self.report.add(path, None, message("noTitle"))
        for keyword, text in SUBSET["refusedKeywords"].items():
            if keyword in schema:
                self.report.add(path, title, text)
                return None
        if "ui:field" in ui:
            self.report.add(path, title, message("uiField"), ui=True)
            return None
        for keyword in _COMPOUND:
            if keyword in schema:
                self.report.add(path, title, message("compound", keyword=keyword))
                return None
        found = self.classify(schema, ui, path, title, depth, in_item)
        if found is None:
            return None
        kind, options = found
        widget = self.widget(kind, schema, ui, options, path, title)
        if widget is None:
            return None
        self.report.fields.append(Field(path, title or "", kind, widget, options, required, conditional))
        return kind

    def classify(self, schema: dict[str, Any], ui: dict[str, Any], path: str, title: str | None, depth: int,
                 in_item: bool) -> tuple[str, tuple[tuple[Any, str], ...]] | None:
        kind_type = schema.get("type")
        if isinstance(kind_type, list):
            self.report.add(path, title, message("typeList"))
            return None
        if kind_type is not None and kind_type not in SUBSET["types"]:
            self.report.add(path, title, message("badType", type=kind_type))
            return None
        options = self.choices(schema, ui, path, title)
        if options is False:
            return None
        if options:
            assert isinstance(options, tuple)
            for value, _ in options:
                if kind_type is not None and not _fits(value, kind_type):
                    self.report.add(path, title, message("choiceType", value=json.dumps(value, ensure_ascii=False),
                                                         type=kind_type))
                    return None
            return "choice", options
        if "const" in schema:
            if kind_type == "boolean" and schema["const"] is True:
                return "confirm", ()
            self.report.add(path, title, message("constField"))
            return None
        fmt = schema.get("format")
        if kind_type is None:
            if "properties" in schema:
                kind_type = "object"
            else:
                self.report.add(path, title, message("noType"))
                return None
        if fmt == SUBSET["attachmentFormat"]:
            if kind_type != "integer":
                self.report.add(path, title, message("attachmentType"))
                return None
            return "attachment", ()
        if kind_type == "string":
            if fmt is None:
                return "text", ()
            if fmt in SUBSET["stringFormats"]:
                return SUBSET["stringFormats"][fmt], ()
            self.report.add(path, title, message("badFormat", format=fmt))
            return None
        if kind_type in ("integer", "number"):
            return "number", ()
        if kind_type == "boolean":
            return "boolean", ()
        if kind_type == "object":
            self.object_fields(schema, ui, path, depth, in_item)
            return "object", ()
        return self.array(schema, ui, path, title, depth)

    def array(self, schema: dict[str, Any], ui: dict[str, Any], path: str, title: str | None,
              depth: int) -> tuple[str, tuple[tuple[Any, str], ...]] | None:
        items = schema.get("items")
        if not isinstance(items, dict):
            self.report.add(path, title, message("noItems"))
            return None
        resolved = self.resolve(items, path, title, list(self.expanding))
        if resolved is None:
            return None
        item_ui = ui.get("items") if isinstance(ui.get("items"), dict) else {}
        if resolved.get("format") == SUBSET["attachmentFormat"]:
            if resolved.get("type") != "integer":
                self.report.add(path, title, message("attachmentType"))
                return None
            return "attachments", ()
        options = self.choices(resolved, item_ui, path, title)
        if options is False:
            return None
        if options and schema.get("uniqueItems") is True:
            assert isinstance(options, tuple)
            item_type = resolved.get("type")
            for value, _ in options:
                if isinstance(item_type, str) and not _fits(value, item_type):
                    self.report.add(path, title, message("choiceType", value=json.dumps(value, ensure_ascii=False),
                                                         type=item_type))
                    return None
            return "multichoice", options
        kind = self.field(items, item_ui, f"{path}[]", depth + 1, in_item=True)
        return ("list", ()) if kind else None

    def choices(self, schema: dict[str, Any], ui: dict[str, Any], path: str,
                title: str | None) -> tuple[tuple[Any, str], ...] | bool:
        """The (value, title) options of a choice; () when it is none; False after a reported problem."""
        if "enum" in schema:
            values = schema["enum"]
            if not isinstance(values, list) or not values or not all(_scalar(v) for v in values):
                self.report.add(path, title, message("choiceValue"))
                return False
            names = ui.get("ui:enumNames")
            if names is not None and (not isinstance(names, list) or len(names) != len(values)):
                self.report.add(path, title, message("choiceTitles"), ui=True)
                return False
            return tuple((v, str(names[i]) if names else _label(v)) for i, v in enumerate(values))
        for keyword in _ALTERNATIVES:
            if keyword not in schema:
                continue
            branches = schema[keyword]
            if not isinstance(branches, list) or not branches:
                self.report.add(path, title, message("alternatives"))
                return False
            options = []
            for index, branch in enumerate(branches, start=1):
                if not isinstance(branch, dict) or "const" not in branch or set(branch) - _BRANCH_KEYS:
                    self.report.add(path, title, message("choiceBranch", index=index))
                    return False
                if not _scalar(branch["const"]):
                    self.report.add(path, title, message("choiceValue"))
                    return False
                options.append((branch["const"], str(branch.get("title") or _label(branch["const"]))))
            return tuple(options)
        return ()

    def widget(self, kind: str, schema: dict[str, Any], ui: dict[str, Any], options: tuple[tuple[Any, str], ...],
               path: str, title: str | None) -> str | None:
        allowed: list[str] = SUBSET["widgets"][kind]
        chosen = ui.get("ui:widget")
        if chosen is not None:
            if chosen not in allowed:
                shown = "、".join(allowed) if allowed else "无"
                self.report.add(path, title, message("widget", widget=chosen, allowed=shown), ui=True)
                return None
            return str(chosen)
        return default_widget(kind, schema, options)


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and value is not None


def _label(value: Any) -> str:
    if value is True:
        return "是"
    if value is False:
        return "否"
    return str(value)


def _fits(value: Any, kind_type: str) -> bool:
    if kind_type == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if kind_type == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if kind_type == "number":
        return isinstance(value, int | float)
    return kind_type == "string" and isinstance(value, str)


def analyse_form(schema: Any, ui: Any = None) -> FormReport:
    """Every field of a form with its kind and widget, and what the renderer could not show."""
    analyser = _Analyser(schema if isinstance(schema, dict) else {}, ui or {})
    if not isinstance(schema, dict) or schema.get("type", "object") != "object" or (
            "properties" not in schema and schema.get("type") != "object"):
        analyser.report.add("", None, message("notObject"))
        return analyser.report
    analyser.object_fields(schema, ui, "", 0, in_item=False)
    return analyser.report


def render_problems(schema_file: str, schema: Any, ui_file: str | None, ui: Any,
                    start_form: bool = False) -> list[Problem]:
    """Deployment's check: one problem per field the renderer cannot show, on the form file at fault."""
    report = analyse_form(schema, ui)
    problems = []
    for _path, text, in_ui in report.problems:
        problems.append(Problem(ui_file if in_ui and ui_file else schema_file, text))
    if start_form:
        for found in report.fields:
            if found.kind in ("attachment", "attachments"):
                text = field_problem(found.path, found.title, message("startAttachment"))
                problems.append(Problem(schema_file, text))
    return problems
