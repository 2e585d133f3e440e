"""Deployment refuses a form the pages cannot render, naming the form file and the field; file fields
take attachments of their own case only.

The forms in tests/data/form_render_cases.json are the shared yardstick: the browser test renders the
same ones (tests/web/test_form_rendering.py) and expects the same messages from the renderer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from engine.errors import ValidationFailed
from engine.forms.attachments import check_attachments
from engine.forms.render_check import analyse_form
from tests.case_helpers import ACCESS_APPLY, ROOT, multipart, procedure_files, start_access
from tests.support import ApiClient

CASES = json.loads((Path(__file__).parent / "data" / "form_render_cases.json").read_text(encoding="utf-8"))
KEY = "community_access"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def validate_with(api: ApiClient, form: str, schema: dict[str, Any], ui: dict[str, Any]) -> Any:
    """POST /process-definitions/validate: 社区事务准入 with one of its forms replaced."""
    bpmn, forms = procedure_files(KEY)
    forms[f"{form}.schema.json"] = json.dumps(schema, ensure_ascii=False).encode()
    forms[f"{form}.uischema.json"] = json.dumps(ui, ensure_ascii=False).encode()
    return multipart(api, "/process-definitions/validate", "owner",
                     {"bpmn": (bpmn, f"{KEY}.bpmn"), "forms": [(body, name) for name, body in forms.items()]})


@pytest.mark.parametrize("case", CASES["renders"], ids=lambda c: c["name"])
def test_forms_the_renderer_shows_are_accepted(api: ApiClient, case: dict[str, Any]) -> None:
    response = validate_with(api, "gatekeep_review", case["schema"], case["ui"])
    assert response.status_code == 200, response.get_json()
    fields = {f.path: f"{f.kind}/{f.widget}" for f in analyse_form(case["schema"], case["ui"]).fields}
    assert fields == case["fields"]


@pytest.mark.parametrize("case", CASES["refused"], ids=lambda c: c["name"])
def test_each_construct_the_renderer_cannot_show_is_a_422_naming_file_and_field(
        api: ApiClient, case: dict[str, Any]) -> None:
    response = validate_with(api, "gatekeep_review", case["schema"], case["ui"])
    assert response.status_code == 422, response.get_json()
    details = response.get_json()["error"]["details"]
    expected = [{"path": "gatekeep_review.uischema.json" if p["in_ui"] else "gatekeep_review.schema.json",
                 "message": p["message"]} for p in case["problems"]]
    assert details == expected
    # deployment refuses it just the same, and nothing is deployed
    bpmn, forms = procedure_files(KEY)
    forms["gatekeep_review.schema.json"] = json.dumps(case["schema"], ensure_ascii=False).encode()
    forms["gatekeep_review.uischema.json"] = json.dumps(case["ui"], ensure_ascii=False).encode()
    deployed = multipart(api, "/process-definitions", "owner",
                         {"bpmn": (bpmn, f"{KEY}.bpmn"), "forms": [(b, n) for n, b in forms.items()]})
    assert deployed.status_code == 422
    assert deployed.get_json()["error"]["details"] == expected
    listed = api.get(f"/process-definitions/{KEY}/versions", as_user="owner").get_json()
    assert [v["version"] for v in listed] == [1]


def test_the_messages_name_the_field_by_path_and_title() -> None:
    messages = [p["message"] for case in CASES["refused"] for p in case["problems"]]
    field_messages = [m for m in messages if m.startswith("字段 ")]
    assert len(field_messages) >= 15
    no_type = next(c for c in CASES["refused"] if c["name"] == "no_type")
    assert no_type["problems"][0]["message"].startswith("字段 thing（事项）：没有类型（type）")


def test_start_forms_cannot_ask_for_files(api: ApiClient) -> None:
    case = next(c for c in CASES["renders"] if c["name"] == "file_fields")
    response = validate_with(api, "start", case["schema"], case["ui"])
    # the procedure's caseTitle names a field this start form lacks: that problem is not the one under test
    details = [d for d in response.get_json()["error"]["details"] if "caseTitle" not in d["message"]]
    assert response.status_code == 422
    assert {d["path"] for d in details} == {"start.schema.json"}
    assert [d["message"].split("：")[0] for d in details] == ["字段 scan（会议记录（扫描件））",
                                                             "字段 files（申请材料）"]
    assert all("发起表单不能有附件字段" in d["message"] for d in details)
    # the same form on a task is fine
    assert validate_with(api, "gatekeep_review", case["schema"], case["ui"]).status_code == 200


def test_the_procedures_forms_all_render() -> None:
    for schema_file in sorted((ROOT / "forms").glob("*/*.schema.json")):
        ui_file = schema_file.with_name(schema_file.name.replace(".schema.json", ".uischema.json"))
        ui = json.loads(ui_file.read_text(encoding="utf-8")) if ui_file.exists() else {}
        report = analyse_form(json.loads(schema_file.read_text(encoding="utf-8")), ui)
        assert report.problems == [], schema_file
        assert all(f.title for f in report.fields if not f.path.endswith("[]")), schema_file


def _upload(api: ApiClient, instance_id: int, name: str = "申请材料.pdf") -> int:
    response = multipart(api, f"/process-instances/{instance_id}/attachments", "department", {"file": (PDF, name)})
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def test_a_file_field_takes_an_attachment_of_its_own_case_only(api: ApiClient) -> None:
    mine, other = start_access(api), start_access(api)
    own_file, foreign_file = _upload(api, mine["id"]), _upload(api, other["id"], "别的办件.pdf")
    task = api.open_task(mine["id"], "apply", "department")

    refused = api.complete(task["id"], "department", {**ACCESS_APPLY, "application_files": [own_file, foreign_file]})
    assert refused.status_code == 422, refused.get_json()
    assert refused.get_json()["error"]["details"] == [
        {"path": "application_files/1", "message": f"申请材料：附件 {foreign_file} 不是本办件的附件，请重新上传"}]
    assert api.open_task(mine["id"], "apply", "department")["id"] == task["id"]  # nothing happened

    missing = api.complete(task["id"], "department", {**ACCESS_APPLY, "application_files": [own_file + 1000]})
    assert missing.status_code == 422
    assert missing.get_json()["error"]["details"][0]["path"] == "application_files/0"

    done = api.complete(task["id"], "department", {**ACCESS_APPLY, "application_files": [own_file]})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["data"]["application_files"] == [own_file]
    listed = api.get(f"/process-instances/{mine['id']}/attachments", as_user="department").get_json()
    assert [a["id"] for a in listed] == [own_file]  # the form's file is one of the case's attachments


def test_single_and_nested_file_fields_are_checked(api: ApiClient) -> None:
    mine, other = start_access(api), start_access(api)
    own_file, foreign_file = _upload(api, mine["id"]), _upload(api, other["id"])
    schema = {"type": "object", "properties": {
        "scan": {"type": "integer", "format": "attachment", "title": "扫描件"},
        "rows": {"type": "array", "title": "明细", "items": {"type": "object", "title": "一行", "properties": {
            "proof": {"type": "integer", "format": "attachment", "title": "证明"}}}}}}
    engine = api.engine
    with engine.db.reader() as session:
        check_attachments(session, schema, mine["id"], {"scan": own_file, "rows": [{"proof": own_file}, {}]})
        with pytest.raises(ValidationFailed) as refused:
            check_attachments(session, schema, mine["id"],
                              {"scan": foreign_file, "rows": [{"proof": own_file}, {"proof": foreign_file}]})
    assert [(p.path, p.message.split("：")[0]) for p in refused.value.details] == [("scan", "扫描件"),
                                                                               ("rows/1/proof", "证明")]


def test_a_required_file_field_must_be_given(api: ApiClient) -> None:
    bpmn, forms = procedure_files(KEY)
    schema = json.loads(forms["apply.schema.json"])
    schema["required"].append("application_files")
    schema["properties"]["application_files"]["minItems"] = 1
    forms["apply.schema.json"] = json.dumps(schema, ensure_ascii=False).encode()
    deployed = multipart(api, "/process-definitions", "owner",
                         {"bpmn": (bpmn, f"{KEY}.bpmn"), "forms": [(b, n) for n, b in forms.items()]})
    assert deployed.status_code == 201, deployed.get_json()
    case = start_access(api)
    task = api.open_task(case["id"], "apply", "department")
    for data in (ACCESS_APPLY, {**ACCESS_APPLY, "application_files": []}):
        response = api.complete(task["id"], "department", data)
        assert response.status_code == 422
        assert [d["path"] for d in response.get_json()["error"]["details"]] == ["application_files"]
