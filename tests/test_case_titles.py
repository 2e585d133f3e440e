"""The procedure's caseTitle: checked at deployment, rendered over the case data without evaluating anything."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update

from engine.cases.title_backfill import backfill_case_titles
from engine.cases.titles import render_case_title
from engine.identity.orgs import OrgDirectory, OrgNode
from engine.store.models import ProcessInstance
from tests.case_helpers import multipart, procedure_files, start_access, start_village
from tests.support import ApiClient

KEY = "community_access"
TITLE = b'name="caseTitle" value="{item_title}"'


def validate(api: ApiClient, template: str) -> Any:
    bpmn, forms = procedure_files(KEY)
    assert TITLE in bpmn
    changed = bpmn.replace(TITLE, f'name="caseTitle" value="{template}"'.encode())
    return multipart(api, "/process-definitions/validate", "owner",
                     {"bpmn": (changed, f"{KEY}.bpmn"), "forms": [(body, name) for name, body in forms.items()]})


@pytest.mark.parametrize(("template", "message"), [
    ("{no_such_field}准入", "办件标题模板（caseTitle）中的字段 no_such_field 不在任何表单中"),
    ("{item_title", "办件标题模板（caseTitle）中的 { } 须成对包住一个字段名，如 {item_title}"),
    ("{item_title.__class__}", "办件标题模板（caseTitle）中的 { } 须成对包住一个字段名，如 {item_title}"),
    ("{item_title!r:>10}", "办件标题模板（caseTitle）中的 { } 须成对包住一个字段名，如 {item_title}"),
    ("长" * 201, "办件标题模板（caseTitle）过长（上限 200 字）"),
])
def test_a_bad_case_title_is_refused_at_deployment_on_the_process(api: ApiClient, template: str,
                                                                  message: str) -> None:
    response = validate(api, template)
    assert response.status_code == 422, response.get_json()
    details = response.get_json()["error"]["details"]
    assert {"path": KEY, "message": message} in details


def test_a_good_case_title_validates(api: ApiClient) -> None:
    response = validate(api, "{applicant_department}：{item_title}")
    assert response.status_code == 200, response.get_json()


DIRECTORY = OrgDirectory([OrgNode("village_a1", "甲街道东村", "village", None)], {}, {})


@pytest.mark.parametrize(("template", "data", "title"), [
    ("{subject_org}撤村建居", {"subject_org": "village_a1"}, "甲街道东村撤村建居"),
    ("{subject_org}撤村建居", {"subject_org": "unknown_org"}, "unknown_org撤村建居"),
    ("{title}（{amount} 元）", {"title": "走查", "amount": 12}, "走查（12 元）"),
    ("{title}（{amount} 元）", {}, None),
    ("{title} {note}", {"title": " 走查 ", "note": None}, "走查"),
    ("{items}", {"items": ["甲", 2, {"x": 1}, True]}, "甲、2"),
    ("{flag}", {"flag": True}, None),
    ("固定标题", {}, "固定标题"),
    ("{title}", {"title": "长" * 300}, "长" * 200),
])
def test_the_title_is_rendered_from_the_data(template: str, data: dict[str, Any], title: str | None) -> None:
    assert render_case_title(template, data, DIRECTORY) == title


def test_no_template_no_title() -> None:
    assert render_case_title(None, {"item_title": "x"}, DIRECTORY) is None


def test_cases_stored_without_a_title_get_one_from_the_backfill(api: ApiClient) -> None:
    village, access = start_village(api), start_access(api)
    with api.engine.db.writer() as session, session.begin():
        session.execute(update(ProcessInstance).values(case_title=None))
    with api.engine.db.writer() as session, session.begin():
        assert backfill_case_titles(session, api.engine.registry, batch=1) == 2
    titles = {c["id"]: c["case_title"] for c in api.get("/process-instances", as_user="auditor").get_json()}
    assert titles == {village["id"]: "甲街道东村撤村建居", access["id"]: "高龄老人津贴资格年度认证"}
    with api.engine.db.writer() as session, session.begin():
        assert backfill_case_titles(session, api.engine.registry) == 0
