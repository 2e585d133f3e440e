"""Dumping the read side's plain dictionaries through a response schema without marshmallow's per-value machinery.

Marshmallow's ``Schema.dump`` looks every value up through an accessor, checks for defaults and calls the
field's ``serialize`` wrapper: for the inbox's fifty items of twenty-five fields that was more time than
reading them from the database. :class:`FastDump` (a mixin for a response schema) compiles the schema's dump
fields once into (output key, source key, converter) and calls each field's own ``_serialize`` on the
dictionary's values, so the output is the schema's: the same keys (undeclared keys dropped, missing ones
left out), the same conversions. Anything that is not a dictionary, a schema with pre/post-dump hooks and
fields that do not read an attribute (``Function``, ``Method``) take marshmallow's own path.
``tests/test_fast_dump.py`` compares both on real views.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from marshmallow import Schema, fields, missing
from marshmallow.decorators import POST_DUMP, PRE_DUMP

Dumper = Callable[[Any], Any]
_PLAN = "_fast_dump_plan"  # the compiled dumper, kept on the schema instance (False: marshmallow's path)


def _value_dumper(field: fields.Field, name: str) -> Callable[[Any, Any], Any] | None:
    """``(value, obj) -> dumped`` for one field, or None when only marshmallow's ``serialize`` will do."""
    if isinstance(field, fields.Nested):
        inner = _compile(field.schema)
        if inner is None:
            return None
        if field.many:
            return lambda value, obj: None if value is None else [inner(v) for v in value]
        return lambda value, obj: None if value is None else inner(value)
    if isinstance(field, fields.List):
        item = _value_dumper(field.inner, name)
        if item is None:
            return None
        return lambda value, obj: None if value is None else [item(v, obj) for v in value]
    serialize = field._serialize
    # values that the field's own conversion hands back unchanged skip it (None is None for all of these)
    if isinstance(field, fields.String):
        return lambda value, obj: value if value is None or type(value) is str else serialize(value, name, obj)
    if isinstance(field, fields.Integer) and not field.as_string:
        return lambda value, obj: value if value is None or type(value) is int else serialize(value, name, obj)
    if isinstance(field, fields.Boolean):
        return lambda value, obj: value if value is None or type(value) is bool else serialize(value, name, obj)
    if isinstance(field, fields.DateTime) and _isoformat_when_aware(field):
        return lambda value, obj: (value.isoformat() if type(value) is datetime and value.tzinfo is not None
                                   else None if value is None else serialize(value, name, obj))
    if isinstance(field, fields.Raw | fields.DateTime | fields.Dict | fields.Float | fields.Integer):
        return lambda value, obj: None if value is None else serialize(value, name, obj)
    return None


def _isoformat_when_aware(field: fields.DateTime) -> bool:
    """Whether the field dumps a timezone-aware datetime as its ``isoformat()``: marshmallow's own ISO
    format, or a subclass that says so (``AWARE_AS_ISOFORMAT``)."""
    if (field.format or field.DEFAULT_FORMAT) not in ("iso", "iso8601"):
        return False
    return type(field)._serialize is fields.DateTime._serialize or getattr(field, "AWARE_AS_ISOFORMAT", False)


def _compile(schema: Schema) -> Dumper | None:
    known = schema.__dict__.get(_PLAN)
    if known is not None:
        return known or None
    schema.__dict__[_PLAN] = False  # a schema nesting itself takes marshmallow's path
    plan: list[tuple[str, str, Any, Callable[[Any, Any], Any] | None, fields.Field]] = []
    simple = not (schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP])
    for attr_name, field in schema.dump_fields.items():
        source = field.attribute or attr_name
        out = field.data_key if field.data_key is not None else attr_name
        dumper = _value_dumper(field, attr_name) if field._CHECK_ATTRIBUTE and "." not in source else None
        plan.append((out, source, field.dump_default, dumper, field))
    if not simple:
        return None
    get_attribute = schema.get_attribute

    def dump(obj: Any) -> Any:
        if not isinstance(obj, dict):
            return Schema.dump(schema, obj, many=False)
        result: dict[str, Any] = {}
        for out, source, default, dumper, field in plan:
            if dumper is None:
                value = field.serialize(source, obj, accessor=get_attribute)
                if value is not missing:
                    result[out] = value
                continue
            value = obj.get(source, missing)
            if value is missing:
                if default is missing:
                    continue
                value = default() if callable(default) else default
            result[out] = dumper(value, obj)
        return result

    schema.__dict__[_PLAN] = dump
    return dump


class FastDump(Schema):
    """A response schema whose ``dump`` of dictionaries is compiled (see the module's docstring)."""

    def dump(self, obj: Any, *, many: bool | None = None) -> Any:
        many = self.many if many is None else bool(many)
        dumper = _compile(self)
        if dumper is None:
            return super().dump(obj, many=many)
        if many:
            return None if obj is None else [dumper(item) for item in obj]
        return dumper(obj)
