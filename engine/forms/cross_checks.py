"""Cross-field checks of a form: rules JSON Schema cannot say (one number not above another field's).

A form's schema may carry at top level::

    "x-checks": [{"test": "votes_for <= attendees", "fields": ["votes_for"],
                  "message": "赞成票数不能超过到会人数"}]

``test`` is a sandboxed expression (engine/sandbox/) over the case data updated with
the submitted fields, so it may compare with an earlier step's value or with
``rules``. A test that names an absent value (an optional field not filled) is
skipped; a false result refuses the submission with ``message`` on every field of
``fields``. Deployment checks each entry (:func:`check_problems`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from engine.errors import Problem, ValidationFailed
from engine.forms.rule_labels import fill_text
from engine.sandbox.evaluator import SandboxEnvironment, SandboxError, compile_expression

log = logging.getLogger(__name__)

KEYWORD = "x-checks"
_CHINESE = re.compile(r"[\u4e00-\u9fff]")
_ENVIRONMENT = SandboxEnvironment()


def checks_of(schema: Any) -> list[dict[str, Any]]:
    found = schema.get(KEYWORD) if isinstance(schema, dict) else None
    return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []


def check_problems(name: str, schema: Any) -> list[Problem]:
    """What is wrong with a form's x-checks, each problem naming the form file and the check."""
    if not isinstance(schema, dict) or KEYWORD not in schema:
        return []
    raw = schema[KEYWORD]
    if not isinstance(raw, list):
        return [Problem(name, f"{KEYWORD} 须为列表，每项为 {{\"test\": 表达式, \"fields\": [字段], "
                              "\"message\": 提示}")]
    props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    problems: list[Problem] = []
    for index, check in enumerate(raw, start=1):
        where = f"{KEYWORD} 第 {index} 项"
        if not isinstance(check, dict):
            problems.append(Problem(name, f"{where}须为对象（test、fields、message）"))
            continue
        unknown = sorted(set(check) - {"test", "fields", "message", "$comment"})
        if unknown:
            problems.append(Problem(name, f"{where}有不支持的键：{'、'.join(unknown)}"))
        test = check.get("test")
        if not isinstance(test, str) or not test.strip():
            problems.append(Problem(name, f"{where}缺少检查表达式 test"))
        else:
            try:
                compile_expression(test)
            except SandboxError as exc:
                problems.append(Problem(name, f"{where}的表达式无法编译：{exc}"))
            except SyntaxError as exc:
                problems.append(Problem(name, f"{where}的表达式有语法错误：{exc.msg}"))
        fields = check.get("fields")
        if not isinstance(fields, list) or not fields or not all(isinstance(f, str) for f in fields):
            problems.append(Problem(name, f"{where}须用 fields 列出出错时提示的字段"))
        else:
            missing = [f for f in fields if f not in props]
            if missing:
                problems.append(Problem(name, f"{where}的字段 {'、'.join(missing)} 不是表单的字段"))
        text = check.get("message")
        if not isinstance(text, str) or not _CHINESE.search(text):
            problems.append(Problem(name, f"{where}须有中文提示 message"))
    return problems


def _holds(test: str, context: dict[str, Any]) -> bool | None:
    """The test's result; None when it names a value the case does not have (the check does not apply)."""
    try:
        return bool(_ENVIRONMENT.evaluate(test, dict(context)))
    except NameError:
        return None
    except Exception as exc:  # a check that cannot be decided refuses rather than lets bad numbers through
        log.info("cross-field check %r failed to evaluate: %s", test, exc)
        return False


def run_checks(schema: Any, case_data: Mapping[str, Any] | None, submitted: Mapping[str, Any]) -> None:
    """Raise ValidationFailed naming the fields of every check that does not hold; nothing changes."""
    checks = checks_of(schema)
    if not checks:
        return
    context = {**(case_data or {}), **submitted}
    problems: list[Problem] = []
    for check in checks:
        if _holds(str(check.get("test", "")), context) is False:
            text = fill_text(str(check.get("message", "")), context.get("rules"))  # {rules.NAME} too
            problems.extend(Problem(f, text) for f in check.get("fields", []))
    if problems:
        unique = list({(p.path, p.message): p for p in problems}.values())
        summary = "；".join(dict.fromkeys(p.message for p in unique))
        raise ValidationFailed(f"表单数据不符合要求：{summary}", unique)
