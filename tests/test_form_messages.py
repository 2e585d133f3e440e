"""Form validation messages are Chinese and name the field (engine/forms/messages.py): every JSON Schema
keyword our forms use, the real forms under random data, and a 422 through the API."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.forms.schema_guard import make_validator
from engine.forms.validation import field_problems
from tests.case_helpers import multipart, procedure_files
from tests.support import ApiClient

FORMS = sorted(Path(__file__).resolve().parent.parent.glob("forms/*/*.schema.json"))
CJK = re.compile(r"[\u4e00-\u9fff]")
# words of jsonschema's own messages ("'x' is a required property", "is not valid under any of the given schemas" …)
ENGLISH = re.compile(r"\b(is|not|valid|required|property|properties|match|expected|should|less|greater|than|"
                     r"allowed|schema|schemas|given|type|of|too|short|long|unique|elements|non)\b")

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["households", "decision"],
    "properties": {
        "households": {"type": "integer", "title": "户数", "minimum": 1, "maximum": 9999},
        "area": {"type": "number", "title": "面积", "exclusiveMinimum": 0, "exclusiveMaximum": 100},
        "name": {"type": "string", "title": "名称", "minLength": 2, "maxLength": 4, "pattern": "社区$"},
        "day": {"type": "string", "title": "日期", "format": "date"},
        "kind": {"type": "string", "title": "类别", "enum": ["a", "b"]},
        "confirmed": {"type": "boolean", "title": "已确认", "const": True},
        "decision": {"type": "string", "title": "结论",
                     "oneOf": [{"const": "pass", "title": "通过"}, {"const": "return", "title": "退回"}]},
        "reason": {"type": "string", "title": "退回理由"},
        "items": {"type": "array", "title": "事项", "minItems": 1, "maxItems": 2, "uniqueItems": True,
                  "items": {"type": "string"}},
        "floor": {"type": "integer", "title": "楼层", "not": {"const": 0}},
        "phase": {"title": "分期", "anyOf": [{"type": "integer"}, {"type": "string", "minLength": 3}]},
        "ledger": {"type": "string", "title": "台账形式",
                   "oneOf": [{"const": "none", "title": "无需台账"}, {"const": "paper", "title": "纸质台账"}]},
        "comment": {"type": "string", "title": "说明"},
    },
    "allOf": [
        {"if": {"properties": {"decision": {"const": "return"}}, "required": ["decision"]},
         "then": {"required": ["reason"]}},
        {"if": {"properties": {"kind": {"const": "b"}}, "required": ["kind"]},
         "then": {"properties": {"ledger": {"not": {"const": "none"}, "description": "乙类事项须说明台账形式"}}}},
        {"if": {"properties": {"decision": {"const": "pass"}}, "required": ["decision"]},
         "then": {"properties": {"households": {"minimum": 10}}},
         "else": {"properties": {"comment": {"minLength": 5}}}},
    ],
}


def messages(data: Any, schema: dict[str, Any] = SCHEMA) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for error in make_validator(schema).iter_errors(data):
        for problem in field_problems(error, schema):
            out.setdefault(problem.path, []).append(problem.message)
    return out


@pytest.mark.parametrize(("data", "path", "expected"), [
    ({}, "households", "户数：必填项未填写"),
    ({"households": 0}, "households", "户数：不得小于 1"),
    ({"households": 10_000}, "households", "户数：不得大于 9999"),
    ({"households": "十"}, "households", "户数：应为整数"),
    ({"area": 0}, "area", "面积：必须大于 0"),
    ({"area": 100}, "area", "面积：必须小于 100"),
    ({"name": "社"}, "name", "名称：至少填写 2 个字"),
    ({"name": "幸福美好社区"}, "name", "名称：最多填写 4 个字"),
    ({"name": "幸福村"}, "name", "名称：格式不正确"),
    ({"day": "2026-02-30"}, "day", "日期：请填写日期（年-月-日，如 2026-01-31）"),
    ({"kind": "c"}, "kind", "类别：请从可选项中选择"),
    ({"confirmed": False}, "confirmed", "已确认：须勾选确认"),
    ({"decision": "maybe"}, "decision", "结论：请从可选项中选择"),
    ({"items": []}, "items", "事项：至少 1 项"),
    ({"items": ["a", "b", "c"]}, "items", "事项：最多 2 项"),
    ({"items": ["a", "a"]}, "items", "事项：不能有重复的项"),
    ({"items": [1]}, "items/0", "事项第 1 项：应为文字"),
    ({"floor": 0}, "floor", "楼层：不能为「0」"),
    ({"phase": "一"}, "phase", "分期：不符合任何一种允许的情形"),
    ({"bogus": 1, "other": 2}, "bogus", "表单中没有字段「bogus」"),
    ({"bogus": 1, "other": 2}, "other", "表单中没有字段「other」"),
    ({"decision": "return"}, "reason", "退回理由：结论为「退回」时必须填写"),
    ({"kind": "b", "ledger": "none"}, "ledger", "台账形式：不能为「无需台账」（乙类事项须说明台账形式）"),
    ({"decision": "pass", "households": 5}, "households", "户数：不得小于 10（结论为「通过」时）"),
    ({"decision": "return", "comment": "短"}, "comment", "说明：至少填写 5 个字（不满足“结论为「通过」”时）"),
])
def test_each_keyword_has_a_chinese_message_naming_the_field(data: dict[str, Any], path: str, expected: str) -> None:
    assert expected in messages(data).get(path, []), messages(data)


def test_a_form_s_own_error_message_wins() -> None:
    field = {"title": "名称", "pattern": "社区$", "errorMessage": "须以社区结尾"}
    schema = {"type": "object", "properties": {"x": field}}
    assert messages({"x": "村"}, schema) == {"x": ["须以社区结尾"]}


def test_data_that_is_not_an_object() -> None:
    assert messages([1]) == {"/": ["表单数据应为 JSON 对象"]}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(-1e6, 1e6, allow_nan=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)


@pytest.mark.parametrize("form", FORMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_english_reaches_a_clerk_from_any_real_form(form: Path) -> None:
    schema = json.loads(form.read_text(encoding="utf-8"))
    names = [*schema.get("properties", {}), "unknown_field"]

    @settings(max_examples=40, deadline=None, database=None)
    @given(st.dictionaries(st.sampled_from(names), JSON_VALUES, max_size=len(names)))
    def check(data: dict[str, Any]) -> None:
        for path, found in messages(data, schema).items():
            for message in found:
                plain = message.replace(path.split("/")[-1], "")  # an unknown field is named as sent
                assert CJK.search(message) and not ENGLISH.search(plain), (path, message)

    check()


def test_a_422_through_the_api_names_the_fields_by_title(api: ApiClient) -> None:
    start = api.start("department", "community_access",
                      {"item_title": "学生近视筛查台账", "applicant_department": "沣西新城教育局"})
    assert start.status_code == 201, start.get_json()
    task = api.open_task(start.get_json()["id"], "apply", "department")
    response = api.post(f"/tasks/{task['id']}/complete", {"data": {"time_limit_months": 0, "surplus": 1}},
                        as_user="department")
    assert response.status_code == 422
    error = response.get_json()["error"]
    details = {d["path"]: d["message"] for d in error["details"]}
    assert details["time_limit_months"] == "时限（月）：不得小于 1"
    assert details["item_type"] == "事项类别：必填项未填写"
    assert details["surplus"] == "表单中没有字段「surplus」"
    assert error["message"].startswith("表单数据不符合要求：")
    assert "时限（月）：不得小于 1" in error["message"] or "等" in error["message"]


def test_a_form_file_that_is_not_a_json_schema_is_explained_in_chinese(api: ApiClient) -> None:
    bpmn, forms = procedure_files("community_access")
    apply = json.loads(forms["apply.schema.json"])
    apply["properties"]["item_type"]["type"] = "strin"
    apply["required"] = "item_type"
    forms["apply.schema.json"] = json.dumps(apply, ensure_ascii=False).encode()
    forms["start.schema.json"] = b'{"title": "x",\n  "type": }'
    body = {"bpmn": (bpmn, "community_access.bpmn"), "forms": [(raw, name) for name, raw in forms.items()]}
    response = multipart(api, "/process-definitions/validate", "owner", body)
    assert response.status_code == 422, response.get_json()
    found = {d["path"]: d["message"] for d in response.get_json()["error"]["details"]}
    assert found["apply.schema.json"].startswith("不是合法的 JSON Schema（")
    assert "不是 JSON Schema 的类型" in found["apply.schema.json"] or "应为数组" in found["apply.schema.json"]
    assert found["start.schema.json"].startswith("不是合法的 JSON：第 2 行第")
