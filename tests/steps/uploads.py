"""Files in Gherkin doc strings: a value ``"file:会议纪要.pdf"`` is a paper the clerk uploads.

Before a task is completed, each such value (a form field, or an item of a list field) is
uploaded as that clerk to the case with ``POST /process-instances/{id}/attachments`` and
replaced by the new attachment's id, as the page does for a file field. The browser walk
(tests/web/walks.py) reads the same values and chooses the file in the form's upload field.
"""

from __future__ import annotations

import io
from typing import Any

from tests.support import ApiClient

PREFIX = "file:"
# a small valid PDF: the upload checks accept it as the paper it names
PAPER = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def is_file(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def file_name(value: str) -> str:
    return value[len(PREFIX):]


def upload(api: ApiClient, instance_id: int, user: str, name: str) -> int:
    response = api.client.post(f"/api/v1/process-instances/{instance_id}/attachments",
                               data={"file": (io.BytesIO(PAPER), name)}, headers=api.headers(user),
                               content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def with_uploads(api: ApiClient, instance_id: int, user: str, data: dict[str, Any]) -> dict[str, Any]:
    """The data with every ``file:`` value uploaded and replaced by its attachment id."""
    def resolved(value: Any) -> Any:
        if is_file(value):
            return upload(api, instance_id, user, file_name(value))
        if isinstance(value, list):
            return [resolved(v) for v in value]
        return value

    return {name: resolved(value) for name, value in data.items()}
