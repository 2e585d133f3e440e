"""Files in Gherkin doc strings, for the browser walk: ``"file:会议纪要.pdf"`` is a paper the clerk uploads.

The API steps upload them with tests/paper_files.py; the browser walk (tests/web/walks.py) reads
the same values and chooses the file in the form's upload field.
"""

from __future__ import annotations

from typing import Any

from tests.paper_files import PREFIX, pdf, upload_papers

with_uploads = upload_papers  # the data with every ``file:`` value uploaded and replaced by its attachment id
PAPER = pdf("材料.pdf")  # a small valid PDF: the upload checks accept it as the paper it names


def is_file(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def file_name(value: str) -> str:
    return value[len(PREFIX):]
