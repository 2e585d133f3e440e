"""Request and response shapes of the time API: the working-day calendar, deadlines, extensions."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .schemas import UtcDateTime

UNITS = ["workingDays", "naturalDays", "hours"]
URGENCIES = ["normal", "yellow", "red", "overdue", "unknown"]


class CalendarDaySchema(Schema):
    day = fields.Date(required=True)
    workday = fields.Boolean(required=True)
    source = fields.String(required=True, validate=validate.OneOf(["package", "entered", "override"]))
    note = fields.String(allow_none=True)


class CalendarYearSchema(Schema):
    year = fields.Integer(required=True)
    last_known_year = fields.Integer(required=True)
    package_version = fields.String(required=True)
    days = fields.List(fields.Nested(CalendarDaySchema), required=True)


class EnterYearSchema(Schema):
    days_off = fields.List(fields.Date(), required=True, validate=validate.Length(max=366))
    workdays = fields.List(fields.Date(), load_default=list, validate=validate.Length(max=366))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class SetDaySchema(Schema):
    workday = fields.Boolean(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class DeadlineQuerySchema(Schema):
    start = fields.Date(required=True, data_key="from")
    working_days = fields.Integer(required=True, validate=validate.Range(min=0, max=1000))


class DeadlineAnswerSchema(Schema):
    start = fields.Date(required=True, data_key="from")
    working_days = fields.Integer(required=True)
    due = fields.Date(required=True)


class DeadlineSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["statutory", "promised", "task"]))
    label = fields.String(required=True)
    task_id = fields.Integer(allow_none=True)
    element_id = fields.String(allow_none=True)
    amount = fields.Integer(required=True)
    unit = fields.String(required=True, validate=validate.OneOf(UNITS))
    extension_days = fields.Integer(required=True)
    state = fields.String(required=True, validate=validate.OneOf(["running", "paused", "closed", "unknown"]))
    urgency = fields.String(required=True, validate=validate.OneOf(URGENCIES))
    deadline = UtcDateTime(allow_none=True)
    remaining = fields.String(allow_none=True)
    problem = fields.String(allow_none=True)


class ExtendSchema(Schema):
    kind = fields.String(load_default="statutory", validate=validate.OneOf(["statutory", "promised"]))
    days = fields.Integer(required=True, validate=validate.Range(min=1, max=365))
    opinion = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class OverdueCaseSchema(Schema):
    id = fields.Integer(required=True)
    business_key = fields.String(allow_none=True)
    definition_key = fields.String(required=True)
    org = fields.String(required=True)
    org_name = fields.String(required=True)
    status = fields.String(required=True)
    deadlines = fields.List(fields.Nested(DeadlineSchema), required=True)

