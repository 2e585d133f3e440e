"""Parsing a checked BPMN tree (and its decisions) into the SpiffWorkflow spec its cases run."""

from __future__ import annotations

from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask as SubWorkflowTaskMixin
from SpiffWorkflow.spiff.parser import SpiffBpmnParser

from engine.definitions.parser_errors import parser_problem
from engine.errors import Problem


def parse_spec(root: etree._Element, key: str, problems: list[Problem],
                decision_roots: dict[str, etree._Element]) -> tuple[BpmnProcessSpec | None, dict[str, Any]]:
    parser = SpiffBpmnParser()
    for name, decision_root in decision_roots.items():
        try:
            parser.add_dmn_xml(decision_root, filename=name)
        except Exception as exc:
            problems.append(parser_problem(exc, name))
            return None, {}
    try:
        parser.add_bpmn_xml(etree.ElementTree(root), filename=f"{key}.bpmn")
        return parser.get_spec(key), _subprocess_specs(parser, key)
    except Exception as exc:  # ValidationException, and the many kinds a malformed model raises
        problems.append(parser_problem(exc, key))
    return None, {}


def _subprocess_specs(parser: SpiffBpmnParser, key: str) -> dict[str, Any]:
    """The specs of the file's subprocesses and of the processes it calls that the file holds; a call of
    another procedure is bound when a case makes it (engine/runtime/callees.py)."""
    found: dict[str, Any] = {}
    pending = [key]
    while pending:
        for task_spec in parser.get_spec(pending.pop()).task_specs.values():
            name = getattr(task_spec, "spec", None)
            if isinstance(task_spec, SubWorkflowTaskMixin) and name not in found:
                spec = parser.get_spec(name, required=False)
                if spec is not None:
                    found[name] = spec
                    pending.append(name)
    return found


def connect_event_subprocesses(spec: BpmnProcessSpec) -> None:
    """Wire event subprocesses into the spec once, as SpiffWorkflow does when one is first triggered.

    SpiffWorkflow's trigger (BpmnStartTask.trigger_wf) connects the triggered subprocess to the
    process's start and end the first time, in the spec shared by every case of the version: cases
    created afterwards would start with the subprocess among the start's children, and replay would
    meet a different spec than the live case. With the subprocess already listed as an input of its
    own (not an output of the start) and connected to the end, the trigger changes nothing.
    """
    start = getattr(spec, "start", None)
    for name in getattr(start, "trigger_specs", []):
        task_spec = spec.task_specs.get(name)
        if task_spec is not None and start not in task_spec.inputs:
            task_spec._inputs.append(start.name)  # what connect() would note, without the start's output
            task_spec.connect(spec.end)
