"""A case's title (事项名称): the procedure's ``caseTitle`` template rendered over the case data.

A process owner names the title on the process element, e.g.

    <spiffworkflow:property name="caseTitle" value="{project_name}社区用房移交" />

``{field}`` is replaced by the field's value in the case data: text and numbers as
they are, lists joined with 、, an organisation field (its name ends in ``_org``)
by the organisation's name; a missing field by nothing. Nothing else is
evaluated (no attribute access, no format specs: the template is untrusted).
The title is stored on the case row whenever the data changes, so that inboxes
search and sort by it in SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from engine.errors import Problem
from engine.identity.orgs import OrgDirectory

CASE_TITLE_PROP = "caseTitle"
MAX_TEMPLATE_CHARS = 200
MAX_TITLE_CHARS = 200
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]{0,63})\}")


def template_problems(template: str, element_id: str, form_fields: Iterable[str]) -> list[Problem]:
    """What is wrong with a ``caseTitle`` template (reported on ``element_id``, the process)."""
    problems: list[Problem] = []
    if len(template) > MAX_TEMPLATE_CHARS:
        problems.append(Problem(element_id, f"办件标题模板（caseTitle）过长（上限 {MAX_TEMPLATE_CHARS} 字）"))
    rest = PLACEHOLDER.sub("", template)
    if "{" in rest or "}" in rest:
        problems.append(Problem(element_id, "办件标题模板（caseTitle）中的 { } 须成对包住一个字段名，如 {item_title}"))
    known = set(form_fields)
    for name in dict.fromkeys(PLACEHOLDER.findall(template)):
        if name not in known:
            problems.append(Problem(element_id, f"办件标题模板（caseTitle）中的字段 {name} 不在任何表单中"))
    return problems


def _text(name: str, value: Any, directory: OrgDirectory | None) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str):
        if name.endswith("_org") and directory is not None and value in directory.orgs:
            return directory.orgs[value].name
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "、".join(t for t in (_text(name, v, directory) for v in value) if t)
    return ""


def render_case_title(template: str | None, data: dict[str, Any], directory: OrgDirectory | None) -> str | None:
    """The title of a case with ``data``; None without a template or while none of its fields has a value."""
    if not template:
        return None
    filled: list[str] = []

    def fill(match: re.Match[str]) -> str:
        text = _text(match.group(1), data.get(match.group(1)), directory)
        if text:
            filled.append(text)
        return text

    title = " ".join(PLACEHOLDER.sub(fill, template).split())
    if PLACEHOLDER.search(template) and not filled:
        return None  # no field of the title is known yet: no title rather than its bare punctuation
    return title[:MAX_TITLE_CHARS] or None
