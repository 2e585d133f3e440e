"""Small BPMN models written inline for tests: the boilerplate (namespaces, lanes, a form per user task) once.

``model("key", body, lanes={"street_office": ["start", "ask", "end"]})`` wraps the
process body (flow nodes and sequence flows as XML text) in a definitions
element; ``user_task("ask", "填写")`` gives a user task linked to the shared
``round.schema.json`` form of :data:`FORMS`.
"""

from __future__ import annotations

import json
from itertools import pairwise
from typing import Any

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'id="Definitions_test" targetNamespace="http://bpmn.io/schema/bpmn">\n'
)
ROUND_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "填写",
    "type": "object",
    "properties": {"again": {"type": "boolean", "title": "再来一轮"}, "n": {"type": "integer", "title": "数值"},
                   "note": {"type": "string", "title": "说明"}},
    "additionalProperties": False,
}
FORMS: dict[str, bytes] = {"round.schema.json": json.dumps(ROUND_FORM, ensure_ascii=False).encode()}


def form_link(schema: str = "round.schema.json") -> str:
    return ('<bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property '
            f'name="formJsonSchemaFilename" value="{schema}" /></spiffworkflow:properties></bpmn:extensionElements>')


def user_task(element_id: str, name: str, schema: str = "round.schema.json", inner: str = "") -> str:
    return f'<bpmn:userTask id="{element_id}" name="{name}">{form_link(schema)}{inner}</bpmn:userTask>'


def flow(flow_id: str, source: str, target: str, condition: str | None = None) -> str:
    if condition is None:
        return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}" />'
    escaped = condition.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">'
            f'<bpmn:conditionExpression>{escaped}</bpmn:conditionExpression></bpmn:sequenceFlow>')


def chain(*ids: str, prefix: str = "Flow") -> str:
    """Sequence flows start → … → end along ``ids``."""
    return "\n".join(flow(f"{prefix}_{a}_{b}", a, b) for a, b in pairwise(ids))


def lanes_xml(lanes: dict[str, list[str]]) -> str:
    body = "".join(
        f'<bpmn:lane id="Lane_{role}" name="{role}">'
        + "".join(f"<bpmn:flowNodeRef>{ref}</bpmn:flowNodeRef>" for ref in refs) + "</bpmn:lane>"
        for role, refs in lanes.items())
    return f'<bpmn:laneSet id="LaneSet_1">{body}</bpmn:laneSet>'


def model(key: str, body: str, lanes: dict[str, list[str]] | None = None, name: str = "测试流程",
          before: str = "", after: str = "", executable: bool = True) -> bytes:
    """A definitions document with one process ``key``; ``before``/``after``: root elements around it."""
    lane_part = lanes_xml(lanes) if lanes else ""
    flag = "true" if executable else "false"
    return (HEADER + before + f'<bpmn:process id="{key}" name="{name}" isExecutable="{flag}">'
            + lane_part + body + "</bpmn:process>" + after + "</bpmn:definitions>").encode()


def files(bpmn: bytes, forms: dict[str, bytes] | None = None, key: str = "model",
          extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A multipart body for POST /process-definitions (and /validate)."""
    body: dict[str, Any] = {"bpmn": (bpmn, f"{key}.bpmn"),
                            "forms": [(content, name) for name, content in (FORMS if forms is None else forms).items()]}
    body.update(extra or {})
    return body
