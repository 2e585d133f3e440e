"""Attachments: upload (type, size and role checks), list, download, content-addressed storage, journal."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from engine.settings import Settings
from engine.store.models import Attachment, JournalEntry
from tests.case_helpers import multipart, start_village
from tests.support import ApiClient, fresh_settings, make_client

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
DOCX = b"PK\x03\x04" + b"\x14\x00\x06\x00" + b"[Content_Types].xml" + b"\x00" * 64
CHINESE_NAME = "甲街道东村撤村建居方案（定稿）.pdf"


def upload(api: ApiClient, instance_id: int, user: str, content: bytes, filename: str):  # type: ignore[no-untyped-def]
    return multipart(api, f"/process-instances/{instance_id}/attachments", user, {"file": (content, filename)})


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_upload_list_and_download_with_the_original_chinese_name(api: ApiClient, settings: Settings) -> None:
    case = start_village(api)
    response = upload(api, case["id"], "street_a", PDF, CHINESE_NAME)
    assert response.status_code == 201, response.get_json()
    item = response.get_json()
    digest = hashlib.sha256(PDF).hexdigest()
    assert item["filename"] == CHINESE_NAME and item["sha256"] == digest and item["size"] == len(PDF)
    assert item["content_type"] == "application/pdf" and item["uploaded_by"] == "street_a"
    assert item["uploaded_by_name"] == "甲街道办 张敏"
    assert stored_files(settings.attachments_dir) == [settings.attachments_dir / digest[:2] / digest]

    listed = api.get(f"/process-instances/{case['id']}/attachments", as_user="village_a1")
    assert listed.status_code == 200 and listed.get_json() == [item]

    download = api.get(f"/process-instances/{case['id']}/attachments/{item['id']}", as_user="auditor")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(CHINESE_NAME)}" in disposition
    assert download.headers["X-Content-Type-Options"] == "nosniff"

    with api.engine.db.reader() as session:
        entry = session.scalars(select(JournalEntry).where(JournalEntry.instance_id == case["id"])
                                .order_by(JournalEntry.seq.desc())).first()
    assert entry is not None and entry.command == "attach" and entry.actor == "street_a"
    assert entry.payload["filename"] == CHINESE_NAME and entry.payload["sha256"] == digest
    assert entry.payload["size"] == len(PDF)
    verified = api.post(f"/process-instances/{case['id']}/verify", as_user="auditor")
    assert verified.status_code == 200 and verified.get_json()["ok"], verified.get_json()


def test_same_content_is_stored_once(api: ApiClient, settings: Settings) -> None:
    case = start_village(api)
    assert upload(api, case["id"], "street_a", DOCX, "会议纪要.docx").status_code == 201
    assert upload(api, case["id"], "admin", DOCX, "会议纪要（副本）.docx").status_code == 201
    assert len(stored_files(settings.attachments_dir)) == 1
    names = [a["filename"] for a in api.get(f"/process-instances/{case['id']}/attachments", as_user="admin").get_json()]
    assert names == ["会议纪要.docx", "会议纪要（副本）.docx"]


@pytest.mark.parametrize(("content", "filename", "path"), [
    (b"MZ\x90\x00" + b"\x00" * 60, "方案.pdf", "file"),        # a program renamed to .pdf
    (b"MZ\x90\x00" + b"\x00" * 60, "setup.exe", "file"),       # a type not on the list
    (b"<html><script>alert(1)</script>", "page.html", "file"),
    (b"\x00\x01\x02binary", "说明.txt", "file"),                # not text
    (PDF, "", "file"),                                          # no name
])
def test_refused_files_leave_nothing_behind(api: ApiClient, settings: Settings, content: bytes, filename: str,
                                            path: str) -> None:
    case = start_village(api)
    response = upload(api, case["id"], "street_a", content, filename)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["details"][0]["path"] == path
    assert stored_files(settings.attachments_dir) == []
    assert api.get(f"/process-instances/{case['id']}/attachments", as_user="admin").get_json() == []


def test_missing_file_field_is_refused(api: ApiClient) -> None:
    case = start_village(api)
    response = api.client.post(f"/api/v1/process-instances/{case['id']}/attachments", data={"other": "x"},
                               headers=api.headers("street_a"), content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["path"] == "file"


def test_text_in_chinese_encodings_is_accepted(api: ApiClient) -> None:
    case = start_village(api)
    assert upload(api, case["id"], "street_a", "会议记录：同意。".encode(), "记录.txt").status_code == 201
    assert upload(api, case["id"], "street_a", "会议记录：同意。".encode("gb18030"), "记录2.txt").status_code == 201


@pytest.fixture
def small_limit_api(template_db: Path, tmp_path: Path) -> Iterator[ApiClient]:
    yield from make_client(fresh_settings(template_db, tmp_path, max_attachment_bytes=1024))


def test_files_over_the_size_limit_are_refused(small_limit_api: ApiClient, tmp_path: Path) -> None:
    api = small_limit_api
    case = start_village(api)
    assert upload(api, case["id"], "street_a", PDF + b"0" * (1024 - len(PDF)), "刚好.pdf").status_code == 201
    response = upload(api, case["id"], "street_a", PDF + b"0" * 1024, "太大.pdf")
    assert response.status_code == 413, response.get_json()
    assert "附件过大" in response.get_json()["error"]["message"]
    huge = upload(api, case["id"], "street_a", PDF + b"0" * 200_000, "更大.pdf")  # cut off while reading
    assert huge.status_code == 413
    with api.engine.db.reader() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == 1
    assert len(stored_files(api.engine.settings.attachments_dir)) == 1  # no temporary files left


@pytest.mark.parametrize(("user", "status"), [
    ("street_a", 201),           # sees the case, holds a lane role
    ("civil_affairs", 201),      # district bureau with a lane in the procedure
    ("admin", 201),
    ("auditor", 403),            # reads everything, writes nothing
    ("owner", 403),              # sees the case (city level) but has no lane in it
    ("street_b", 403),           # another street office's case
    ("developer", 403),
])
def test_who_may_upload(api: ApiClient, user: str, status: int) -> None:
    case = start_village(api)
    response = upload(api, case["id"], user, PDF, "方案.pdf")
    assert response.status_code == status, response.get_json()


def test_reading_attachments_needs_the_case_to_be_visible(api: ApiClient) -> None:
    case = start_village(api)
    other = start_village(api)
    item = upload(api, case["id"], "street_a", PDF, "方案.pdf").get_json()
    base = f"/process-instances/{case['id']}/attachments"
    assert api.get(base, as_user="street_b").status_code == 403
    assert api.get(f"{base}/{item['id']}", as_user="street_b").status_code == 403
    assert api.get(f"{base}/{item['id'] + 1}", as_user="street_a").status_code == 404
    assert api.get(f"/process-instances/{other['id']}/attachments/{item['id']}", as_user="admin").status_code == 404
    assert api.get("/process-instances/999999/attachments", as_user="admin").status_code == 404
