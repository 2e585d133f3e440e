"""Process-level ``spiffworkflow:property`` values of a compiled definition, read once per version."""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

from engine.definitions.compile import CompiledDefinition

_NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
       "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}


@lru_cache(maxsize=256)
def _read(content_hash: str, bpmn_xml: str) -> dict[str, str]:
    root = etree.fromstring(bpmn_xml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    found: dict[str, str] = {}
    for process in root.iterfind("bpmn:process", _NS):
        for prop in process.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", _NS):
            found[prop.get("name", "")] = prop.get("value", "")
    return found


def process_property(definition: CompiledDefinition, name: str) -> str | None:
    return _read(definition.content_hash, definition.bpmn_xml).get(name)
