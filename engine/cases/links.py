"""Cases that start another case: linked cases, shown from both sides.

A flow node of a model (typically a script task that prepares the data) may carry, in its
``spiffworkflow:properties``:

=====================  ===================================================================
``startsLinkedCase``   the key of the procedure whose latest version is started
``linkedCaseData``     the data variable holding the new case's start data (an object)
``linkLabel``          what the link is called on both cases (default: the element's name)
=====================  ===================================================================

When a command's steps pass such an element, the new case is started in the same
transaction, by the command's actor, for the same organisation, with that start data
checked against the procedure's start form exactly as ``POST /process-instances`` checks
it (a refusal refuses the whole command, so nothing half-happens). The new case's
``start`` journal entry names the case it came from (``linked_from``); a ``case_links``
row lets each case list the other (``linked_cases`` in ``GET /process-instances/{id}``).
A split-off residential area (社区居委会设立, 003 §二(二)) gets its own case this way: a call
activity would make the original case wait for the new area's committee, which has its
own occupancy and its own time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, bindparam, exists, or_, select
from sqlalchemy.orm import Session

from engine.definitions.compile import NS, CompiledDefinition, executable_process
from engine.definitions.xmlsafe import parse_untrusted_xml
from engine.errors import BadRequest, Problem
from engine.identity.actors import Actor
from engine.runtime.runner import Outcome
from engine.store.models import CaseLink, ProcessInstance

if TYPE_CHECKING:
    from engine.cases.commands import InstanceService

STARTS_PROP, DATA_PROP, LABEL_PROP = "startsLinkedCase", "linkedCaseData", "linkLabel"


@dataclass(frozen=True)
class LinkStart:
    element_id: str
    key: str
    variable: str
    label: str


_CACHE: dict[str, dict[str, LinkStart]] = {}


def link_starts(definition: CompiledDefinition) -> dict[str, LinkStart]:
    """The elements of a model that start a linked case, by element id (read once per version)."""
    found = _CACHE.get(definition.content_hash)
    if found is not None:
        return found
    found = {}
    if STARTS_PROP in definition.bpmn_xml:
        process = executable_process(parse_untrusted_xml(definition.bpmn_xml.encode("utf-8")))
        for node in process.iter():
            props = {p.get("name", ""): p.get("value", "") for p in node.iterfind(
                "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)}
            key = props.get(STARTS_PROP, "").strip()
            if key:
                element_id = node.get("id", "")
                label = props.get(LABEL_PROP, "").strip() or node.get("name", "") or element_id
                found[element_id] = LinkStart(element_id, key, props.get(DATA_PROP, "").strip(), label)
    _CACHE[definition.content_hash] = found
    return found


def start_linked_cases(service: InstanceService, session: Session, instance: ProcessInstance,
                       definition: CompiledDefinition, outcome: Outcome, actor: Actor, at: datetime) -> None:
    """Start the linked case of every step of ``outcome`` whose element asks for one."""
    starts = link_starts(definition)
    if not starts:
        return
    for step in outcome.steps:
        link = starts.get(step.element_id or "")
        if link is None:
            continue
        data = step.result.get(link.variable, outcome.state.data.get(link.variable))
        if not isinstance(data, dict):
            raise BadRequest(f"「{step.element_name}」没有发起关联办件所需的数据（变量 {link.variable or '未指定'}）",
                             [Problem(link.element_id, "linkedCaseData 须指向一个对象")])
        origin = {"instance_id": instance.id, "business_key": instance.business_key,
                  "element_id": link.element_id, "label": link.label}
        child_id = service.start_in(session, actor, link.key, instance.org_id, dict(data),
                                    extra={"linked_from": origin})
        session.add(CaseLink(from_instance_id=instance.id, to_instance_id=child_id, element_id=link.element_id,
                             label=link.label, created_at=at))
        session.flush()


def has_links(instance_id: ColumnElement[int]) -> ColumnElement[bool]:
    """Whether the case ``instance_id`` (a column of the case view's own statement) has a linked case:
    most have none, so the view reads the links only when this says so."""
    return exists().where(or_(CaseLink.from_instance_id == instance_id, CaseLink.to_instance_id == instance_id))


# built once (every case view with links asks)
_LINKS = (select(CaseLink.__table__).where(or_(CaseLink.from_instance_id == bindparam("instance_id"),
                                               CaseLink.to_instance_id == bindparam("instance_id")))
          .order_by(CaseLink.id))


def linked_cases(session: Session, instance_id: int) -> list[dict[str, Any]]:
    """Both directions: the cases this one started (``to``) and the case it was started from (``from``)."""
    rows = session.connection().execute(_LINKS, {"instance_id": instance_id}).all()
    others = {r.to_instance_id if r.from_instance_id == instance_id else r.from_instance_id for r in rows}
    cases = {c.id: c for c in session.execute(select(ProcessInstance.id, ProcessInstance.business_key,
                                                     ProcessInstance.case_title, ProcessInstance.status,
                                                     ProcessInstance.definition_key)
                                              .where(ProcessInstance.id.in_(others)))} if others else {}
    found = []
    for row in rows:
        outgoing = row.from_instance_id == instance_id
        other = cases.get(row.to_instance_id if outgoing else row.from_instance_id)
        if other is None:
            continue
        found.append({"direction": "to" if outgoing else "from", "label": row.label, "element_id": row.element_id,
                      "instance_id": other.id, "business_key": other.business_key, "case_title": other.case_title,
                      "status": other.status, "definition_key": other.definition_key,
                      "created_at": row.created_at})
    return found
