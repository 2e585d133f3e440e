"""File fields of a form: the value is the id of an attachment of the same case.

A form asks for a file with ``{"type": "integer", "format": "attachment"}`` (one
file) or ``{"type": "array", "items": {"type": "integer", "format": "attachment"}}``
(several). The page uploads the file with ``POST /process-instances/{id}/attachments``
(so it is journalled and listed with the case's attachments like any other) and
submits the returned id. The JSON Schema checks the shape (and ``required``,
``minItems``); this module checks that every id names an attachment of the case
the task belongs to, so a submission cannot point at another case's file.

Start forms have no case yet; deployment refuses file fields in them
(form_render_check), the first task of the procedure asks for the files instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Problem, ValidationFailed
from engine.forms.render_check import analyse_form
from engine.store.models import Attachment


def attachment_fields(schema: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(data path, title, several) of each file field; list items in the path as ``name[]``.

    A deployed form's schema is analysed once: every completion asks (the cache keeps the schema
    object itself, so an id in it always names the schema it was computed for)."""
    cached = _FIELDS.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    found = [(f.path, f.title, f.kind == "attachments") for f in analyse_form(schema).fields
             if f.kind in ("attachment", "attachments")]
    if len(_FIELDS) >= _FIELDS_KEPT:
        _FIELDS.pop(next(iter(_FIELDS)))
    _FIELDS[id(schema)] = (schema, found)
    return found


_FIELDS: dict[int, tuple[dict[str, Any], list[tuple[str, str, bool]]]] = {}
_FIELDS_KEPT = 512  # forms of every deployed version, with room


def _values(data: Any, parts: list[str], where: list[str]) -> Iterator[tuple[str, Any]]:
    """(concrete path, value) at a field path, one per list item for ``name[]`` segments."""
    if not parts:
        yield "/".join(where), data
        return
    head, rest = parts[0], parts[1:]
    name = head[:-2] if head.endswith("[]") else head
    if not isinstance(data, dict) or name not in data:
        return
    value = data[name]
    if head.endswith("[]"):
        for index, item in enumerate(value if isinstance(value, list) else []):
            yield from _values(item, rest, [*where, name, str(index)])
    else:
        yield from _values(value, rest, [*where, name])


def submitted_attachments(schema: dict[str, Any], data: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(path, field title, attachment id) of every file a submission names."""
    found = []
    for path, title, several in attachment_fields(schema):
        for where, value in _values(data, path.split("/"), []):
            values = value if several and isinstance(value, list) else [value]
            for index, item in enumerate(values):
                if isinstance(item, int) and not isinstance(item, bool):
                    found.append((f"{where}/{index}" if several else where, title, item))
    return found


def check_attachments(session: Session, schema: dict[str, Any] | None, instance_id: int,
                      data: dict[str, Any]) -> None:
    """Raise ValidationFailed (422) naming each file field whose id is not an attachment of the case."""
    if not schema:
        return
    named = submitted_attachments(schema, data)
    if not named:
        return
    ids = {attachment_id for _, _, attachment_id in named}
    own = set(session.scalars(select(Attachment.id).where(Attachment.instance_id == instance_id,
                                                          Attachment.id.in_(ids))))
    problems = [Problem(path, f"{title}：附件 {attachment_id} 不是本办件的附件，请重新上传")
                for path, title, attachment_id in named if attachment_id not in own]
    if problems:
        raise ValidationFailed("表单中的附件不正确：" + "；".join(p.message for p in problems[:5]), problems)
