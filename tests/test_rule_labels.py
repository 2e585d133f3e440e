"""Rule values in labels: ``{rules.NAME}`` in a form's titles, descriptions, UI help texts and cross-field
check messages shows the case's current rule value when a task form is read; a start form shows the
value of the model's rules script, and leaves out a placeholder it has no value for."""

from __future__ import annotations

import json
from typing import Any

from tests.case_helpers import multipart, start_ok
from tests.model_builder import chain, files, form_link, model, user_task
from tests.support import ApiClient


def _doc(title: str, props: dict[str, Any], **extra: Any) -> bytes:
    return json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, "type": "object",
                       "properties": props, "additionalProperties": False, **extra}, ensure_ascii=False).encode()


START = _doc("设立申请（入住率达到{rules.occupancy_pct}%时设立）", {
    "note": {"type": "string", "title": "说明", "description": "比例{rules.ratio}，未定{rules.unknown}"}})
SURVEY = _doc("入住率是否达到{rules.occupancy_pct}%", {
    "occupied": {"type": "integer", "title": "已入住户数（{rules.min_households}户以上）"},
    "total": {"type": "integer", "title": "总户数"},
    "reached": {"type": "boolean", "title": "达到{rules.occupancy_pct}%", "description": "比例 {rules.ratio}"}},
    **{"x-checks": [{"test": "occupied * 100 >= rules['occupancy_pct'] * total or not reached",
                     "fields": ["reached"], "message": "入住率未达到{rules.occupancy_pct}%，不能勾选"}]})
SURVEY_UI = json.dumps({"occupied": {"ui:help": "不少于{rules.min_households}户"}}, ensure_ascii=False).encode()
BPMN = model("labelled", (
    f'<bpmn:startEvent id="start" name="发起">{form_link("start.schema.json")}</bpmn:startEvent>'
    '<bpmn:scriptTask id="set_rules" name="设置规则"><bpmn:script>'
    'rules = {"occupancy_pct": 50, "ratio": 0.5, "min_households": 300.0}</bpmn:script></bpmn:scriptTask>'
    '<bpmn:scriptTask id="adjust" name="调整规则"><bpmn:script>rules["occupancy_pct"] = 51</bpmn:script>'
    '</bpmn:scriptTask>'
    + user_task("survey", "入住率调查", "survey.schema.json").replace(
        "</spiffworkflow:properties>",
        '<spiffworkflow:property name="formUiSchemaFilename" value="survey.uischema.json" />'
        "</spiffworkflow:properties>")
    + '<bpmn:endEvent id="end" name="完成" />' + chain("start", "set_rules", "adjust", "survey", "end")),
    {"street_office": ["start", "set_rules", "adjust", "survey", "end"]})
FORMS = {"start.schema.json": START, "survey.schema.json": SURVEY, "survey.uischema.json": SURVEY_UI}


def test_labels_show_the_current_rule_values(api: ApiClient) -> None:
    response = multipart(api, "/process-definitions", "owner", files(BPMN, FORMS, key="labelled"))
    assert response.status_code == 201, response.get_json()

    start = api.get("/process-definitions/labelled/start-form", as_user="street_a").get_json()
    assert start["schema"]["title"] == "设立申请（入住率达到50%时设立）"
    assert start["schema"]["properties"]["note"]["description"] == "比例0.5，未定"

    case = start_ok(api, "street_a", "labelled", {})
    task = api.open_task(case["id"], "survey", "street_a")
    form = api.get(f"/tasks/{task['id']}", as_user="street_a").get_json()["form"]
    # the case changed the rule after the model set it: the label follows the case
    assert form["schema"]["title"] == "入住率是否达到51%"
    assert form["schema"]["properties"]["reached"]["title"] == "达到51%"
    assert form["schema"]["properties"]["reached"]["description"] == "比例 0.5"
    assert form["schema"]["properties"]["occupied"]["title"] == "已入住户数（300户以上）"
    assert form["ui_schema"]["occupied"]["ui:help"] == "不少于300户"

    response = api.complete(task["id"], "street_a", {"occupied": 50, "total": 100, "reached": True})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == [{"path": "reached", "message": "入住率未达到51%，不能勾选"}]
    assert api.complete(task["id"], "street_a", {"occupied": 51, "total": 100, "reached": True}).status_code == 200
