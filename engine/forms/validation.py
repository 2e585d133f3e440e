"""Validating a submission against the JSON Schema of the case's definition version."""

from __future__ import annotations

import re
from typing import Any

from jsonschema.exceptions import ValidationError

from engine.definitions.compile import CompiledDefinition, TaskForm
from engine.errors import Problem, ValidationFailed
from engine.forms.messages import form_message

_REQUIRED = re.compile(r"^'(.+)' is a required property$")
MAX_DETAILS = 50


def field_problems(error: ValidationError, schema_root: dict[str, Any]) -> list[Problem]:
    """One problem per field at fault: a missing field, each field the form does not have, or the field itself."""
    parts: list[Any] = list(error.absolute_path)
    if error.validator == "required":
        # jsonschema reports one error per missing property, named in its message
        match = _REQUIRED.match(error.message)
        if match:
            parts.append(match.group(1))
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
        extra = [name for name in error.instance if name not in allowed] or [None]
        return [_problem(error, schema_root, parts if name is None else [*parts, name]) for name in extra]
    return [_problem(error, schema_root, parts)]


def _problem(error: ValidationError, schema_root: dict[str, Any], parts: list[Any]) -> Problem:
    return Problem("/".join(map(str, parts)) or "/", form_message(error, schema_root, parts))


def validate_submission(definition: CompiledDefinition, form: TaskForm | None, data: dict[str, Any]) -> None:
    """Raise ValidationFailed naming each field at fault; no form means no fields are accepted."""
    if form is None:
        if data:
            raise ValidationFailed("该步骤没有表单，不接受数据",
                                   [Problem(k, f"表单中没有字段「{k}」") for k in data])
        return
    fast = definition.fast_check(form.schema_file)
    if fast is not None and fast(data):  # valid for the compiled validator: valid for jsonschema too
        return
    validator = definition.validator(form.schema_file)
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    if errors:
        root = definition.forms[form.schema_file]
        # the same rule may be broken twice (a field required by the form and by a branch): say it once
        unique = {(p.path, p.message): p for e in errors for p in field_problems(e, root)}
        details = list(unique.values())[:MAX_DETAILS]
        summary = "；".join(d.message for d in details[:5]) + (f"等 {len(details)} 处" if len(details) > 5 else "")
        raise ValidationFailed(f"表单数据不符合要求：{summary}", details)
