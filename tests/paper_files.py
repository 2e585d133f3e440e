"""Papers in Gherkin doc strings: a value ``"file:批复文件.pdf"`` is a file the clerk uploads to the case first.

The step uploads a small PDF under that name (``POST /process-instances/{id}/attachments``) as the
user who then submits the form, and submits the new attachment's id in its place, as the page does.
"""

from __future__ import annotations

from typing import Any

from tests.case_helpers import multipart
from tests.support import ApiClient

PREFIX = "file:"


def pdf(name: str) -> bytes:
    """A minimal PDF whose content differs per name (files are stored once per content)."""
    return (b"%PDF-1.7\n% " + name.encode("utf-8") + b"\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
            b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


def upload_papers(api: ApiClient, instance_id: int, user: str, data: Any) -> Any:
    """``data`` with every ``file:NAME`` string replaced by the id of NAME, uploaded to the case."""
    if isinstance(data, dict):
        return {k: upload_papers(api, instance_id, user, v) for k, v in data.items()}
    if isinstance(data, list):
        return [upload_papers(api, instance_id, user, v) for v in data]
    if isinstance(data, str) and data.startswith(PREFIX):
        name = data[len(PREFIX):]
        response = multipart(api, f"/process-instances/{instance_id}/attachments", user, {"file": (pdf(name), name)})
        if response.status_code == 403:  # a user who may not act on the case: the submission is refused too
            return 0
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]
    return data


def has_papers(data: Any) -> bool:
    if isinstance(data, dict):
        return any(has_papers(v) for v in data.values())
    if isinstance(data, list):
        return any(has_papers(v) for v in data)
    return isinstance(data, str) and data.startswith(PREFIX)


def _is_file(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("format") == "attachment"


def _fill(schema: Any, value: Any, file_id: int) -> Any:
    if _is_file(schema):
        return file_id
    if not isinstance(schema, dict):
        return value
    if isinstance(value, dict):
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        return {k: _fill(props.get(k), v, file_id) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(schema.get("items"), v, file_id) for v in value]
    return value


def with_case_files(api: ApiClient, instance_id: int, user: str, schema: dict[str, Any],
                    data: dict[str, Any]) -> dict[str, Any]:
    """Random data for a form whose file fields name one real attachment of the case (uploaded by ``user``)."""
    if "attachment" not in str(schema):
        return data
    name = "材料.pdf"
    response = multipart(api, f"/process-instances/{instance_id}/attachments", user, {"file": (pdf(name), name)})
    assert response.status_code == 201, response.get_json()
    filled: dict[str, Any] = _fill(schema, data, response.get_json()["id"])
    return filled
