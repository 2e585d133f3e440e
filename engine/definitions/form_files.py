"""A definition's form files: loaded within a size limit, each checked as a JSON Schema (or UI schema)."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from engine.errors import Problem
from engine.forms.messages import schema_error_message
from engine.forms.schema_guard import FormFileError, load_json_document, schema_problems

MAX_FORM_BYTES = 256 * 1024
FORM_SCHEMA_PROP = "formJsonSchemaFilename"
FORM_UI_PROP = "formUiSchemaFilename"


def load_forms(forms: dict[str, bytes], problems: list[Problem]) -> dict[str, Any]:
    loaded: dict[str, Any] = {}
    for name, raw in forms.items():
        if len(raw) > MAX_FORM_BYTES:
            problems.append(Problem(name, f"表单文件过大（上限 {MAX_FORM_BYTES} 字节）"))
            continue
        try:
            loaded[name] = load_json_document(raw)
        except FormFileError as exc:
            problems.append(Problem(name, str(exc)))
    return loaded


def check_form(name: str, forms: dict[str, Any], problems: list[Problem], element_id: str,
                schema: bool) -> bool:
    """Record what is wrong with one form file; True when it is usable."""
    if name not in forms:
        problems.append(Problem(element_id, f"缺少表单文件 {name}"))
        return False
    if not isinstance(forms[name], dict):
        problems.append(Problem(name, "表单必须是 JSON 对象"))
        return False
    if schema:
        try:
            Draft202012Validator.check_schema(forms[name])
        except SchemaError as exc:
            problems.append(Problem(name, schema_error_message(exc)))
            return False
        found = schema_problems(name, forms[name])
        problems.extend(found)
        return not found
    return True
