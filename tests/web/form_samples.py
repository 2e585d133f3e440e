"""The forms of the four procedures and real submissions for them, for the renderer's browser tests.

Each scenario of features/<key>.feature sends, step by step, data a clerk enters into a start form
or a task's form; those bodies are the samples the renderer must be able to produce through its
widgets. The forms are read from processes/ and forms/ as deployment reads them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from engine.forms.render_check import Field, analyse_form
from tests.paper_files import has_papers

ROOT = Path(__file__).resolve().parents[2]
PROCEDURES = ("community_access", "housing_handover", "residents_committee", "village_to_community",
              "community_refusal", "access_quarterly_meeting")
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
# Paths no scenario takes, so that every conditional field is shown by some data.
EXTRA_SAMPLES: dict[tuple[str, str], list[dict[str, Any]]] = {
    ("residents_committee", "interim_arrangement"): [
        {"interim_mode": "residents_group", "residents_group_leader": "王建国", "interim_start_date": "2026-05-01"}],
    ("village_to_community", "correct_meeting_papers"): [
        {"corrected_papers": ["minutes_file", "ballots_file"], "minutes_file": "file:会议纪要（补正）.pdf",
         "ballots_file": "file:表决票（补正）.pdf", "correction_note": "已补签会议纪要与表决票"}],
}
_STEP = re.compile(r'^\s*(?:Given|When|Then|And)\s+user "(?P<user>[^"]+)" '
                   r'(?:starts a "(?P<key>[^"]+)" case|completes task "(?P<element>[^"]+)"(?! with the paper))')


@dataclass
class ProcedureForm:
    key: str
    element: str
    element_type: str
    schema_file: str
    schema: dict[str, Any]
    ui: dict[str, Any]
    samples: list[dict[str, Any]] = field(default_factory=list)
    # samples whose papers ("file:NAME") were left out: the modeler's preview has no case to upload to
    without_papers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def fields(self) -> list[Field]:
        """The form's own fields (not list items), in the order the page shows them."""
        found = {f.path: f for f in analyse_form(self.schema, self.ui).fields if "/" not in f.path
                 and not f.path.endswith("[]")}
        order = [n for n in self.ui.get("ui:order", []) if n in found]
        return [found[n] for n in order] + [f for n, f in found.items() if n not in order]


    def distinct_samples(self) -> list[dict[str, Any]]:
        """One sample per shape: the same fields with the same choices need entering only once."""
        chosen = {f.path for f in self.fields if f.kind in ("choice", "boolean", "confirm", "multichoice")}
        shapes: dict[tuple[Any, ...], dict[str, Any]] = {}
        for sample in self.samples:
            shape = tuple(sorted((name, repr(value) if name in chosen else type(value).__name__)
                                 for name, value in sample.items()))
            shapes.setdefault(shape, sample)
        return list(shapes.values())


def _form_elements(key: str) -> list[tuple[str, str, str, str | None]]:
    root = etree.parse(str(ROOT / "processes" / f"{key}.bpmn")).getroot()
    found = []
    for node in root.iter(f"{{{NS['bpmn']}}}startEvent", f"{{{NS['bpmn']}}}userTask"):
        props = {p.get("name"): p.get("value") for p in node.iterfind(
            "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)}
        if props.get("formJsonSchemaFilename"):
            kind = etree.QName(node.tag).localname
            found.append((node.get("id", ""), kind, props["formJsonSchemaFilename"],
                          props.get("formUiSchemaFilename")))
    return found


def _docstrings(text: str) -> list[tuple[re.Match[str], dict[str, Any]]]:
    """Each step that sends data, with its doc string."""
    lines = text.splitlines()
    steps = []
    for index, line in enumerate(lines):
        match = _STEP.match(line)
        if not match or not line.rstrip().endswith(":"):
            continue
        start = index + 1
        if start >= len(lines) or lines[start].strip() != '"""':
            continue
        end = next(i for i in range(start + 1, len(lines)) if lines[i].strip() == '"""')
        body = "\n".join(lines[start + 1:end]).strip()
        steps.append((match, json.loads(body) if body else {}))
    return steps


def procedure_forms(key: str) -> list[ProcedureForm]:
    forms_dir = ROOT / "forms" / key
    forms = []
    for element, kind, schema_file, ui_file in _form_elements(key):
        ui = json.loads((forms_dir / ui_file).read_text(encoding="utf-8")) if ui_file else {}
        forms.append(ProcedureForm(key, element, kind, schema_file,
                                   json.loads((forms_dir / schema_file).read_text(encoding="utf-8")), ui))
    by_element = {f.element: f for f in forms}
    start = next((f for f in forms if f.element_type == "startEvent"), None)
    for match, data in _docstrings((ROOT / "features" / f"{key}.feature").read_text(encoding="utf-8")):
        if match.group("key"):  # a scenario may start a case of another procedure first
            target = start if match.group("key") == key else None
        else:
            target = by_element.get(match.group("element") or "")
        kept = {k: v for k, v in data.items() if not has_papers(v)}
        if target is not None and kept and kept not in target.samples:
            target.samples.append(kept)
            if kept != data:
                target.without_papers.append(kept)
    for form in forms:
        form.samples.extend(EXTRA_SAMPLES.get((key, form.element), []))
    return forms
