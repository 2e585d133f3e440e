"""The files uploaded beside a BPMN (forms, decision tables): bare names, a naming rule, no duplicates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.errors import InvalidModel, Problem


@dataclass(frozen=True)
class FileKind:
    field: str  # the multipart field, named in problems without a file name
    noun: str  # 表单 / 决策
    suffix: str  # .json / .dmn
    max_files: int
    unit: str  # how the limit counts them: 个表单文件 / 个 DMN 文件
    pattern: re.Pattern[str]


def collect_files(files: list[tuple[str | None, bytes]], kind: FileKind) -> dict[str, bytes]:
    """``{bare file name: content}``, or InvalidModel naming every bad or repeated name."""
    if len(files) > kind.max_files:
        raise InvalidModel(f"{kind.noun}文件过多", [Problem(kind.field, f"最多 {kind.max_files} {kind.unit}")])
    problems: list[Problem] = []
    found: dict[str, bytes] = {}
    for raw_name, content in files:
        name = (raw_name or "").replace("\\", "/").rsplit("/", 1)[-1]
        if not kind.pattern.match(name):
            rule = f"{kind.noun}文件名只能由英文字母、数字、下划线、点和连字符组成，并以 {kind.suffix} 结尾"
            problems.append(Problem(name or kind.field, rule))
        elif name in found:
            problems.append(Problem(name, f"{kind.noun}文件重复上传"))
        else:
            found[name] = content
    if problems:
        raise InvalidModel(f"{kind.noun}文件不正确", problems)
    return found
