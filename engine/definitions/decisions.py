"""DMN decision tables uploaded with a procedure: file names, and their expressions for the sandbox check.

Business-rule tasks call a decision by id (``spiffworkflow:calledDecisionId``);
SpiffWorkflow's DMN engine evaluates the table with the case's script engine,
so every input expression, input entry and output entry runs in the sandbox
(engine/sandbox/evaluator.py) like a gateway condition. An entry is evaluated
the way SpiffWorkflow's DMNEngine builds it — ``(input) == (entry)`` for a value,
``input entry`` for a test such as ``> 1000``, the entry with ``?`` standing for
the input — and is compiled that way at deployment, so a table the sandbox
would refuse is refused then, naming the DMN element.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from lxml import etree

from engine.definitions.uploads import FileKind, collect_files

MAX_DECISION_FILES = 50
DECISION_FILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\.dmn$")
_QUESTION_MARK = re.compile(r"""(\?)(?=(?:[^'"]|['"][^'"]*['"])*$)""")  # outside quotes, as DMNEngine


def _local(node: etree._Element) -> str:
    return etree.QName(node.tag).localname if isinstance(node.tag, str) else ""


def _children(node: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in node if _local(child) == name]


def _text(node: etree._Element) -> str:
    found = _children(node, "text")
    return (found[0].text or "").strip() if found else ""


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except SyntaxError:
        return False
    return True


def input_entry_expression(input_expression: str, entry: str) -> str:
    """The expression SpiffWorkflow's DMN engine evaluates for one input entry of a rule."""
    if "?" in entry and _QUESTION_MARK.search(entry):
        return _QUESTION_MARK.sub("dmninputexpr", entry)
    return f"({input_expression}) == ({entry})" if _parses(entry) else f"{input_expression} {entry}"


def decision_sources(file_name: str, root: etree._Element) -> Iterator[tuple[str, str, str]]:
    """(element id, "expression", source) of every expression a decision table evaluates."""
    for table in (n for n in root.iter() if _local(n) == "decisionTable"):
        inputs = [_text(_children(i, "inputExpression")[0]) if _children(i, "inputExpression") else ""
                  for i in _children(table, "input")]
        for column in _children(table, "input"):
            for expression in _children(column, "inputExpression"):
                if _text(expression):
                    yield expression.get("id") or column.get("id") or file_name, "expression", _text(expression)
        for rule in _children(table, "rule"):
            for position, entry in enumerate(_children(rule, "inputEntry")):
                text = _text(entry)
                if text and text != "-" and position < len(inputs):
                    yield (entry.get("id") or rule.get("id") or file_name, "expression",
                           input_entry_expression(inputs[position] or "None", text))
            for entry in _children(rule, "outputEntry"):
                if _text(entry):
                    yield entry.get("id") or rule.get("id") or file_name, "expression", _text(entry)


DECISION_FILES = FileKind("decisions", "决策", ".dmn", MAX_DECISION_FILES, "个 DMN 文件", DECISION_FILE_NAME)


def collect_decision_files(files: list[tuple[str | None, bytes]]) -> dict[str, bytes]:
    return collect_files(files, DECISION_FILES)
