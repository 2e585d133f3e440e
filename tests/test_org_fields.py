"""Organisation fields of a declared level (``x-org-level``): the start form and the task form offer only
the organisations of those levels the caller may name; a submission of another level or outside the
caller's unit is a 422 naming the field; deployment refuses unknown levels."""

from __future__ import annotations

import json
from typing import Any

from tests.case_helpers import complete_ok, multipart, start_ok
from tests.model_builder import chain, files, model, user_task
from tests.support import ApiClient


def _ids(choices: list[dict[str, str]]) -> list[str]:
    return [c["id"] for c in choices]


def _details(response: Any) -> dict[str, str]:
    return {d["path"]: d["message"] for d in response.get_json()["error"]["details"]}


def test_the_procedures_start_forms_offer_and_accept_units_of_their_level_only(api: ApiClient) -> None:
    village = api.get("/process-definitions/village_to_community/start-form", as_user="street_a").get_json()
    assert _ids(village["org_choices"]["subject_org"]) == ["village_a1", "village_a2"]
    assert village["org_choices"]["subject_org"][0]["name"] == "甲街道东村"
    committee = api.get("/process-definitions/residents_committee/start-form", as_user="street_a").get_json()
    assert _ids(committee["org_choices"]["subject_org"]) == ["community_a1"]
    housing = api.get("/process-definitions/housing_handover/start-form", as_user="natural_resources").get_json()
    assert _ids(housing["org_choices"]["subject_org"]) == ["community_a1", "community_b1"]
    assert _ids(housing["org_choices"]["developer_org"]) == ["dev_hx"]

    response = api.start("street_a", "village_to_community", {"subject_org": "community_a1"})
    assert response.status_code == 422
    assert _details(response) == {"subject_org": "「拟撤销的行政村（牵头村）」须为村，甲街道和平社区是社区"}
    response = api.start("street_a", "residents_committee",
                         {"subject_org": "village_a1", "residential_area_name": "和平小区"})
    assert _details(response) == {"subject_org": "「所涉社区」须为社区，甲街道东村是村"}
    response = api.start("natural_resources", "housing_handover",
                         {"subject_org": "community_a1", "developer_org": "community_b1", "project_name": "和平苑"})
    assert _details(response) == {"developer_org": "「开发建设单位」须为外部单位，乙街道幸福社区是社区"}
    start_ok(api, "street_a", "village_to_community", {"subject_org": "village_a1"})


NUM = {"type": "integer", "title": "数值"}
PICK_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "选择单位", "type": "object",
    "properties": {
        "villages": {"type": "array", "title": "所涉各村", "uniqueItems": True,
                     "items": {"type": "string", "x-org-level": ["village"]}},
        "builder": {"type": "string", "title": "建设单位", "x-org-level": ["external"]},
        "n": NUM,
    },
    "additionalProperties": False,
}
PICK = model("pick_units", (
    '<bpmn:startEvent id="start" name="发起" />' + user_task("pick", "选择单位", "pick.schema.json")
    + '<bpmn:endEvent id="end" name="完成" />' + chain("start", "pick", "end")),
    {"civil_affairs": ["start", "pick", "end"]})


def _deploy(api: ApiClient, form: dict[str, Any]) -> Any:
    return multipart(api, "/process-definitions", "owner",
                     files(PICK, {"pick.schema.json": json.dumps(form, ensure_ascii=False).encode()}, key="pick_units"))


def test_a_task_form_offers_and_checks_its_organisation_fields_and_arrays_of_them(api: ApiClient) -> None:
    assert _deploy(api, PICK_FORM).status_code == 201
    case = start_ok(api, "civil_affairs", "pick_units", {})
    task = api.open_task(case["id"], "pick", "civil_affairs")
    detail = api.get(f"/tasks/{task['id']}", as_user="civil_affairs").get_json()
    assert detail["org_choices"] == {
        "villages": [{"id": "village_a1", "name": "甲街道东村", "level": "village"},
                     {"id": "village_a2", "name": "甲街道南村", "level": "village"},
                     {"id": "village_b1", "name": "乙街道西村", "level": "village"}],
        "builder": [{"id": "dev_hx", "name": "华兴置业有限公司", "level": "external"}]}

    response = api.complete(task["id"], "civil_affairs", {"villages": ["village_a1", "community_a1"],
                                                           "builder": "street_a"})
    assert response.status_code == 422
    assert _details(response) == {"villages/1": "「所涉各村」须为村，甲街道和平社区是社区",
                                  "builder": "「建设单位」须为外部单位，沣西新城甲街道是街道"}
    response = api.complete(task["id"], "civil_affairs", {"villages": ["nowhere"]})
    assert _details(response) == {"villages/0": "「所涉各村」不是已知单位"}
    complete_ok(api, case["id"], "pick", "civil_affairs", {"villages": ["village_a1", "village_b1"],
                                                         "builder": "dev_hx"})


def test_a_unit_outside_the_callers_own_is_neither_offered_nor_accepted(api: ApiClient) -> None:
    form = json.loads(json.dumps(PICK_FORM))
    bpmn = PICK.replace(b'"civil_affairs"', b'"street_office"')
    assert multipart(api, "/process-definitions", "owner", files(
        bpmn, {"pick.schema.json": json.dumps(form, ensure_ascii=False).encode()}, key="pick_units")).status_code == 201
    case = start_ok(api, "street_a", "pick_units", {})
    task = api.open_task(case["id"], "pick", "street_a")
    detail = api.get(f"/tasks/{task['id']}", as_user="street_a").get_json()
    assert _ids(detail["org_choices"]["villages"]) == ["village_a1", "village_a2"]
    response = api.complete(task["id"], "street_a", {"villages": ["village_b1"]})
    assert response.status_code == 422
    assert _details(response) == {"villages/0": "乙街道西村不在您单位的辖区内，不能填入「所涉各村」"}


def test_deployment_refuses_an_unknown_level_or_a_level_on_a_field_that_holds_no_id(api: ApiClient) -> None:
    form = json.loads(json.dumps(PICK_FORM))
    form["properties"]["builder"]["x-org-level"] = ["company"]
    form["properties"]["n"]["x-org-level"] = ["village"]
    response = _deploy(api, form)
    assert response.status_code == 422
    messages = [d["message"] for d in response.get_json()["error"]["details"] if d["path"] == "pick.schema.json"]
    assert len(messages) == 2, messages
    assert any("builder" in m and "company" in m for m in messages)
    assert any("字段 n" in m and "文字字段" in m for m in messages)


ROWS_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "分派任务", "type": "object",
    "properties": {
        "assignments": {"type": "array", "title": "任务分派", "minItems": 1, "items": {
            "type": "object", "additionalProperties": False, "required": ["department", "task"],
            "properties": {
                "department": {"type": "string", "title": "部门", "x-org-level": ["department"]},
                "task": {"type": "string", "title": "任务", "minLength": 1},
                "villages": {"type": "array", "title": "涉及村", "items": {"type": "string",
                                                                        "x-org-level": ["village"]}}}}},
    },
    "additionalProperties": False,
}


def test_organisation_fields_inside_array_rows_are_offered_and_checked_by_row(api: ApiClient) -> None:
    assert _deploy(api, ROWS_FORM).status_code == 201
    case = start_ok(api, "civil_affairs", "pick_units", {})
    task = api.open_task(case["id"], "pick", "civil_affairs")
    detail = api.get(f"/tasks/{task['id']}", as_user="civil_affairs").get_json()
    assert set(detail["org_choices"]) == {"assignments/department", "assignments/villages"}
    departments = _ids(detail["org_choices"]["assignments/department"])
    assert departments and all(c["level"] == "department" for c in detail["org_choices"]["assignments/department"])
    assert _ids(detail["org_choices"]["assignments/villages"]) == ["village_a1", "village_a2", "village_b1"]

    response = api.complete(task["id"], "civil_affairs", {"assignments": [
        {"department": departments[0], "task": "清理"},
        {"department": "community_a1", "task": "巡查", "villages": ["village_a1", "street_a"]},
        {"department": "nowhere", "task": "复核"}]})
    assert response.status_code == 422
    assert _details(response) == {
        "assignments/1/department": "「任务分派·部门」须为职能部门，甲街道和平社区是社区",
        "assignments/1/villages/1": "「任务分派·涉及村」须为村，沣西新城甲街道是街道",
        "assignments/2/department": "「任务分派·部门」不是已知单位"}
    assert api.get(f"/tasks/{task['id']}", as_user="civil_affairs").get_json()["state"] == detail["state"]
    complete_ok(api, case["id"], "pick", "civil_affairs", {"assignments": [
        {"department": departments[0], "task": "清理", "villages": ["village_b1"]}]})


def test_deployment_refuses_an_unknown_level_inside_array_rows(api: ApiClient) -> None:
    form = json.loads(json.dumps(ROWS_FORM))
    form["properties"]["assignments"]["items"]["properties"]["department"]["x-org-level"] = ["bureau"]
    form["properties"]["assignments"]["items"]["properties"]["task"]["x-org-level"] = ["village"]
    form["properties"]["assignments"]["items"]["properties"]["task"]["type"] = "integer"
    response = _deploy(api, form)
    assert response.status_code == 422
    messages = [d["message"] for d in response.get_json()["error"]["details"] if d["path"] == "pick.schema.json"]
    assert any("assignments[].department" in m and "bureau" in m for m in messages), messages
    assert any("assignments[].task" in m and "文字字段" in m for m in messages), messages
