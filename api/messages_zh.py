"""Chinese validation messages for marshmallow, webargs and flask-smorest, installed once for the project.

A clerk (or a client's developer) reads ``details[].message`` of a 400/422: it
must be Chinese whichever schema answered. marshmallow has no translation
hook, so this module sets the *default* messages of its field classes, of its
validators, of ``Schema`` and of the request parser, once, when it is imported.

marshmallow copies a field's default messages when the field is created, and
``Range``/``OneOf`` format theirs when they are created; schemas create their
fields when their class is defined. So this module must run before any schema
module is imported: ``api/__init__.py`` imports it first (and it is idempotent).
A message given explicitly (``error=…``, ``error_messages={…}``) still wins.
"""

from __future__ import annotations

from typing import Any, ClassVar

import flask_smorest
import webargs.fields
from marshmallow import Schema, fields, validate
from webargs import flaskparser

FIELD_MESSAGES: dict[type[fields.Field], dict[str, str]] = {
    fields.Field: {
        "required": "缺少必填字段",
        "null": "不能为空（null）",
        "validator_failed": "取值无效",
    },
    fields.Nested: {"type": "应为 JSON 对象"},
    fields.List: {"invalid": "应为列表（JSON 数组）"},
    fields.Tuple: {"invalid": "应为列表（JSON 数组）"},
    fields.String: {"invalid": "应为字符串", "invalid_utf8": "不是有效的 UTF-8 字符串"},
    fields.UUID: {"invalid_uuid": "不是有效的 UUID"},
    fields.Number: {"invalid": "应为数字", "too_large": "数值过大"},
    fields.Integer: {"invalid": "应为整数"},
    fields.Decimal: {"special": "不允许 NaN 或无穷大"},
    fields.Float: {"special": "不允许 NaN 或无穷大"},
    fields.Boolean: {"invalid": "应为布尔值（true 或 false）"},
    fields.DateTime: {
        "invalid": "不是有效的日期时间（ISO 8601，如 2026-01-31T09:00:00+08:00）",
        "invalid_awareness": "日期时间的时区不符合要求",
        "format": "“{input}”无法格式化为日期时间",
    },
    fields.NaiveDateTime: {"invalid_awareness": "日期时间不应带时区"},
    fields.AwareDateTime: {"invalid_awareness": "日期时间须带时区（如 +08:00）"},
    fields.Time: {"invalid": "不是有效的时间（如 09:30:00）", "invalid_awareness": "时间的时区不符合要求",
                  "format": "“{input}”无法格式化为时间"},
    fields.Date: {"invalid": "不是有效的日期（年-月-日，如 2026-01-31）", "invalid_awareness": "日期不符合要求",
                  "format": "“{input}”无法格式化为日期"},
    fields.TimeDelta: {"invalid": "不是有效的时长", "format": "{input!r} 无法格式化为时长"},
    fields.Mapping: {"invalid": "应为 JSON 对象"},
    fields.Url: {"invalid": "不是有效的网址"},
    fields.Email: {"invalid": "不是有效的电子邮件地址"},
    fields.IP: {"invalid_ip": "不是有效的 IP 地址"},
    fields.IPv4: {"invalid_ip": "不是有效的 IPv4 地址"},
    fields.IPv6: {"invalid_ip": "不是有效的 IPv6 地址"},
    fields.IPInterface: {"invalid_ip_interface": "不是有效的 IP 网络接口"},
    fields.IPv4Interface: {"invalid_ip_interface": "不是有效的 IPv4 网络接口"},
    fields.IPv6Interface: {"invalid_ip_interface": "不是有效的 IPv6 网络接口"},
    fields.Enum: {"unknown": "须为以下之一：{choices}"},
    webargs.fields.DelimitedList: {"invalid": "不是有效的逗号分隔列表"},
    webargs.fields.DelimitedTuple: {"invalid": "不是有效的逗号分隔列表"},
}

# class attribute → message, for each validator class
VALIDATOR_MESSAGES: dict[type[validate.Validator], dict[str, str]] = {
    validate.URL: {"default_message": "不是有效的网址"},
    validate.Email: {"default_message": "不是有效的电子邮件地址"},
    validate.Range: {
        "message_min": "须{min_op} {{min}}",
        "message_max": "须{max_op} {{max}}",
        "message_all": "须{min_op} {{min}} 且{max_op} {{max}}",
        "message_gte": "大于或等于",
        "message_gt": "大于",
        "message_lte": "小于或等于",
        "message_lt": "小于",
    },
    validate.Length: {
        "message_min": "长度不得少于 {min}",
        "message_max": "长度不得超过 {max}",
        "message_all": "长度须在 {min} 到 {max} 之间",
        "message_equal": "长度须为 {equal}",
    },
    validate.Equal: {"default_message": "须等于 {other}"},
    validate.Regexp: {"default_message": "格式不正确"},
    validate.Predicate: {"default_message": "取值无效"},
    validate.NoneOf: {"default_message": "不能是以下之一：{values}"},
    validate.OneOf: {"default_message": "须为以下之一：{choices}"},
    validate.ContainsOnly: {"default_message": "所选项须在以下范围内：{choices}"},
    validate.ContainsNoneOf: {"default_message": "所选项不能包含：{values}"},
}

SCHEMA_MESSAGES = {"type": "应为 JSON 对象", "unknown": "未知字段"}
INVALID_JSON = "不是合法的 JSON"
PARSER_VALIDATION_MESSAGE = "取值无效"


class ChineseFlaskParser(flaskparser.FlaskParser):
    """webargs' Flask parser with Chinese messages of its own (not from a schema).

    A view's arguments schema is given as a class (``@blp.arguments(TaskListQuery)``): webargs builds an
    instance of it on every request (binding every field anew), which cost a list request more than
    loading its arguments. One instance per class serves every request: a marshmallow schema keeps no
    state between loads.
    """

    DEFAULT_VALIDATION_MESSAGE = PARSER_VALIDATION_MESSAGE
    _instances: ClassVar[dict[type[Schema], Schema]] = {}

    def _get_schema(self, argmap: Any, req: Any) -> Schema:
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            schema = self._instances.get(argmap)
            if schema is None:
                schema = self._instances[argmap] = argmap()
            return schema
        return super()._get_schema(argmap, req)

    def _handle_invalid_json_error(self, error: Any, req: Any, *args: Any, **kwargs: Any) -> Any:
        flaskparser.abort(400, exc=error, messages={"json": [INVALID_JSON]})


def install() -> None:
    """Set the Chinese defaults (idempotent). Fields and validators created before keep their messages."""
    for field_class, messages in FIELD_MESSAGES.items():
        # each class keeps its own dict: marshmallow merges them along the MRO
        field_class.default_error_messages = {**field_class.__dict__.get("default_error_messages", {}), **messages}
    for validator_class, attributes in VALIDATOR_MESSAGES.items():
        for name, message in attributes.items():
            setattr(validator_class, name, message)
    Schema._default_error_messages = dict(SCHEMA_MESSAGES)
    flask_smorest.Blueprint.ARGUMENTS_PARSER = ChineseFlaskParser()


install()
