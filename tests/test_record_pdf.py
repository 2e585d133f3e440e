"""GET /process-instances/{id}/record.pdf: the 审批表, checked by the text extracted from the PDF."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from pypdf import PdfReader

from tests.support import ApiClient, fresh_settings, make_client
from tests.workbench_support import WALK, display_name, ok, walk_case


def pdf_text(data: bytes) -> str:
    """The PDF's text without whitespace (extraction spaces CJK glyphs and wraps lines at will)."""
    reader = PdfReader(io.BytesIO(data))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def squeezed(text: str) -> str:
    return "".join(text.split())


def test_the_record_of_a_finished_case_has_every_step_opinion_and_person(api: ApiClient) -> None:
    case = walk_case(api)
    response = api.get(f"/process-instances/{case.id}/record.pdf", as_user="auditor")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(f'社区事务准入审批表-{case.business_key}.pdf', safe='')}" in disposition
    assert f'filename="record-{case.business_key}.pdf"' in disposition
    text = pdf_text(response.data)
    for expected in ("社区事务准入审批表", case.business_key, "社区安全生产网格巡查", "已办结：已准入", "区应急管理局"):
        assert squeezed(expected) in text, expected
    for _element, user, _data, opinion in WALK:
        assert squeezed(opinion) in text, opinion
        assert squeezed(display_name(api, user)) in text, user
    steps = ok(api.get(f"/process-instances/{case.id}/steps", as_user="auditor"))["steps"]
    for step in steps:
        assert squeezed(step["name"]) in text, step["name"]
        assert squeezed(step["actor"]["org_name"]) in text and squeezed(step["actor"]["role_name"]) in text
        if step["decision"]:
            assert squeezed(step["decision"]) in text, step["decision"]
    assert "（第2次）" in text  # the second round of 填报 after the return


def test_a_running_case_prints_where_it_stands_and_a_terminated_one_why(api: ApiClient) -> None:
    case = walk_case(api, steps=2)
    text = pdf_text(api.get(f"/process-instances/{case.id}/record.pdf", as_user="department").data)
    assert "办理中，当前环节：填报准入事项" in text
    ok(api.post(f"/process-instances/{case.id}/terminate", {"reason": "部门撤回申请"}, as_user="admin"))
    text = pdf_text(api.get(f"/process-instances/{case.id}/record.pdf", as_user="auditor").data)
    assert "已终止（部门撤回申请）" in text and "其他操作" in text


def test_the_record_is_printed_only_for_whoever_may_see_the_case(api: ApiClient) -> None:
    case = walk_case(api, steps=1)
    for user in ("street_b", "community_a1", "owner"):
        response = api.get(f"/process-instances/{case.id}/record.pdf", as_user=user)
        assert response.status_code == 403, user
        assert response.get_json()["error"]["message"] == "您无权查看该办件"
    assert api.get("/process-instances/999/record.pdf", as_user="auditor").status_code == 404
    assert api.get(f"/process-instances/{case.id}/record.pdf", as_user="civil_affairs").status_code == 200


@pytest.fixture
def api_with_font(template_db: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[ApiClient]:
    yield from make_client(fresh_settings(template_db, tmp_path, cjk_font=request.param))


@pytest.mark.parametrize("api_with_font", [Path("/nonexistent/font.ttc"),
                                           Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")],
                         indirect=True, ids=["missing", "no-chinese-glyphs"])
def test_without_a_chinese_font_the_record_is_a_clear_503(api_with_font: ApiClient) -> None:
    case = walk_case(api_with_font, steps=0)
    response = api_with_font.get(f"/process-instances/{case.id}/record.pdf", as_user="auditor")
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "service_unavailable" and "中文字体" in error["message"]
