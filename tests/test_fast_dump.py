"""The compiled dump of the read side's response schemas gives exactly what marshmallow's own dump gives."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, fields

from api.fast_dump import FastDump
from api.schemas import CompletionResultSchema, InstanceSchema
from api.workbench_schemas import DoneTaskSchema, InboxTaskSchema, WorkbenchTaskDetailSchema
from engine.read.paging import PageRequest
from engine.read.workbench import DoneFilter, InboxFilter
from tests.support import ApiClient


def _both(schema: Schema, value: Any) -> tuple[Any, Any]:
    return schema.dump(value), Schema.dump(schema, value)


def test_real_views_dump_as_marshmallow_dumps_them(api: ApiClient) -> None:
    started = api.start("department", "community_access",
                        {"item_title": "学生近视筛查台账", "applicant_department": "沣西新城教育局"}).get_json()
    task = api.open_task(started["id"], started["active_tasks"][0]["element_id"], "department")
    engine = api.engine
    clerk = engine.views.actor(api.token("department"))
    page = engine.views.inbox(clerk, InboxFilter(), PageRequest(limit=50, offset=0, sort=None))
    assert page.items
    fast, slow = _both(InboxTaskSchema(many=True), page.items)
    assert fast == slow
    detail = engine.views.task(clerk, task["id"])
    fast, slow = _both(WorkbenchTaskDetailSchema(), detail)
    assert fast == slow and fast["case"]["steps"] and fast["form"]["schema"]
    view = engine.views.case(clerk, started["id"])
    for schema in (InstanceSchema(), CompletionResultSchema()):
        fast, slow = _both(schema, view)
        assert fast == slow and fast["active_tasks"]
    done = engine.views.done(clerk, DoneFilter(), PageRequest(limit=50, offset=0, sort=None))
    assert _both(DoneTaskSchema(many=True), done.items)[0] == _both(DoneTaskSchema(many=True), done.items)[1]


class _Inner(Schema):
    at = fields.DateTime()
    n = fields.Integer()


class _Outer(FastDump):
    text = fields.String(allow_none=True)
    number = fields.Integer(as_string=True)
    flag = fields.Boolean()
    renamed = fields.String(attribute="source", data_key="out")
    fallback = fields.String(dump_default="无")
    computed = fields.Function(lambda obj: f"#{obj['number']}")
    inner = fields.Nested(_Inner, allow_none=True)
    inners = fields.List(fields.Nested(_Inner))
    raw = fields.Raw()
    mapping = fields.Dict()


def test_conversions_missing_keys_defaults_and_other_objects() -> None:
    schema = _Outer()
    at = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
    values: list[Any] = [
        {"text": 5, "number": 7, "flag": 1, "source": "s", "inner": {"at": at, "n": "3", "x": 1},
         "inners": [{"at": at}], "raw": [1], "mapping": {"a": 1}, "undeclared": True},
        {"text": None, "number": 1, "inner": None, "fallback": "有"},
        {"number": 2},
    ]
    for value in values:
        fast, slow = _both(schema, value)
        assert fast == slow, value
    assert schema.dump(values[2]) == {"number": "2", "fallback": "无", "computed": "#2"}
    assert _Outer(many=True).dump(values) == Schema.dump(_Outer(many=True), values)

    class Row:  # not a dictionary: marshmallow's own path
        text, number, flag, source = "t", 3, False, "s"
        inner = inners = raw = mapping = None

        def __getitem__(self, key: str) -> Any:
            return getattr(self, key)

    assert schema.dump(Row()) == Schema.dump(schema, Row())
