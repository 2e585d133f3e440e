"""Where a 社区事务准入 item stands with the leadership group, for its case view (the applicant's question
"when will my item be decided?"): on the agenda of a meeting not yet held, or waiting for the next one.

An item waiting for the group's decision is a case subscribed to the meeting's decision message. It
is ``on_agenda`` of the open meeting whose agenda lists its 办件编号 (engine/access_list/agenda_cache.py);
otherwise it ``waits`` for the next meeting: the quarterly call armed soonest (``next_meeting_at``), or
an interim meeting the group's office may call at any time (engine/access_list/start_data.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, bindparam, exists, select
from sqlalchemy.orm import Session

from engine.access_list.agenda_cache import OPEN_AGENDAS
from engine.access_list.start_data import AGENDA_DEFINITIONS, MEETING_MESSAGE
from engine.store.models import EventSubscription, Timer

_WAITING = select(EventSubscription.id).where(
    EventSubscription.instance_id == bindparam("instance_id"), EventSubscription.kind == "message",
    EventSubscription.name == MEETING_MESSAGE).limit(1)
# ix_timers_kind_due: the armed start timers in due order, not every armed timer of the city's time limits
_NEXT_CALL = (select(Timer.due_at)
              .where(Timer.kind == "start", Timer.state == "armed",
                     Timer.definition_id.in_(bindparam("meetings", expanding=True)))
              .order_by(Timer.due_at).limit(1))


def waits_for_meeting(instance_id: ColumnElement[int]) -> ColumnElement[bool]:
    """Whether the case ``instance_id`` (a column of the case view's statement) waits for the group's decision:
    its standing is read only then."""
    return exists().where(EventSubscription.instance_id == instance_id, EventSubscription.kind == "message",
                          EventSubscription.name == MEETING_MESSAGE)


def meeting_standing(session: Session, instance_id: int, business_key: str | None) -> dict[str, Any] | None:
    conn = session.connection()  # statements built once: every case view asks
    waiting = conn.execute(_WAITING, {"instance_id": instance_id}).scalar()
    if waiting is None or business_key is None:
        return None
    meetings = AGENDA_DEFINITIONS.ids(session)
    taken = OPEN_AGENDAS.holding(session, meetings, business_key)
    if taken is not None:
        return {"state": "on_agenda", "meeting_instance_id": taken[0], "meeting_business_key": taken[1]}
    due = conn.execute(_NEXT_CALL, {"meetings": meetings}).scalar() if meetings else None
    return {"state": "waiting", "next_meeting_at": due}
