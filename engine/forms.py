"""Validating a submission against the JSON Schema of the case's definition version."""

from __future__ import annotations

import re
from typing import Any

from jsonschema.exceptions import ValidationError

from .bpmn_model import CompiledDefinition, TaskForm
from .errors import Problem, ValidationFailed

_REQUIRED = re.compile(r"^'(.+)' is a required property$")


def _path(error: ValidationError) -> str:
    parts = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        # jsonschema reports one error per missing property, named in its message
        match = _REQUIRED.match(error.message)
        if match:
            parts.append(match.group(1))
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = [name for name in error.instance if name not in allowed]
        if extra:
            parts.append(extra[0])
    return "/".join(parts) or "/"


def _message(error: ValidationError, schema_root: dict[str, Any]) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    custom = schema.get("errorMessage")
    if isinstance(custom, str):
        return custom
    title = schema.get("title")
    validator = error.validator
    value = error.validator_value
    if validator == "required":
        # a conditional rule (if/then, allOf) may explain itself; the form's own description does not
        rule = schema.get("description") if len(error.schema_path) > 1 else None
        return f"必填项未填写（{rule}）" if isinstance(rule, str) and rule else "必填项未填写"
    if validator == "additionalProperties":
        return "表单中没有这个字段"
    if validator == "type":
        return f"类型应为 {value}"
    if validator == "minimum":
        return f"不得小于 {value}"
    if validator == "maximum":
        return f"不得大于 {value}"
    if validator == "exclusiveMinimum":
        return f"必须大于 {value}"
    if validator == "exclusiveMaximum":
        return f"必须小于 {value}"
    if validator == "minLength":
        return f"至少 {value} 个字符"
    if validator == "maxLength":
        return f"最多 {value} 个字符"
    if validator in ("enum", "oneOf", "const"):
        return "取值不在可选范围内"
    if validator == "pattern":
        return "格式不正确"
    if validator == "minItems":
        return f"至少 {value} 项"
    if validator == "maxItems":
        return f"最多 {value} 项"
    if validator == "format":
        return f"格式应为 {value}"
    prefix = f"{title}：" if title else ""
    return prefix + error.message


def validate_submission(definition: CompiledDefinition, form: TaskForm | None, data: dict[str, Any]) -> None:
    """Raise ValidationFailed naming each field at fault; no form means no fields are accepted."""
    if form is None:
        if data:
            raise ValidationFailed("该步骤没有表单，不接受数据", [Problem(k, "表单中没有这个字段") for k in data])
        return
    validator = definition.validator(form.schema_file)
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.validator))
    if errors:
        details = [Problem(_path(e), _message(e, definition.forms[form.schema_file])) for e in errors[:50]]
        raise ValidationFailed("表单数据不符合要求：" + "；".join(f"{d.path} {d.message}" for d in details[:5]),
                               details)
