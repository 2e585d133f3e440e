"""The form a signer (加签人) fills in: whether they agree; their opinion is the comment."""

from __future__ import annotations

from typing import Any

from engine.errors import ValidationFailed
from engine.forms.schema_guard import make_validator
from engine.forms.validation import field_problems

SIGN_FORM: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "加签意见",
    "type": "object",
    "properties": {
        "agree": {"type": "boolean", "title": "是否同意", "default": True,
                  "oneOf": [{"const": True, "title": "同意"}, {"const": False, "title": "不同意"}]},
    },
    "required": ["agree"],
    "additionalProperties": False,
}
SIGN_UI: dict[str, Any] = {"agree": {"ui:widget": "radio"}}


def validate_sign(data: dict[str, Any]) -> bool:
    """Whether the signer agrees; a submission breaking :data:`SIGN_FORM` is a 422 naming each field."""
    errors = list(make_validator(SIGN_FORM).iter_errors(data))
    if errors:
        details = [p for e in errors for p in field_problems(e, SIGN_FORM)]
        raise ValidationFailed("加签意见不符合要求：" + "；".join(d.message for d in details[:5]), details)
    return bool(data["agree"])
