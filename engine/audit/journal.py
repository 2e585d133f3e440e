"""The journal's hash chain and the canonical form of a case's state.

Each entry's hash covers its own fields and the previous entry's hash, so an
edited, deleted or reordered entry breaks the chain; each entry also carries
the hash of the case state it produced, so a snapshot that no longer matches
its journal is caught by replay.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def iso_utc(at: datetime) -> str:
    """One spelling of a time whatever the database gave back (SQLite drops the zone)."""
    zone = at.tzinfo
    if (zone is None or zone is UTC) and at.year >= 1000:
        # already in UTC: the fields as strftime's format below spells them (it pads %Y only from 1000 on),
        # a third of its cost; hashed in every entry
        return (f"{at.year:04d}-{at.month:02d}-{at.day:02d}T{at.hour:02d}:{at.minute:02d}:{at.second:02d}"
                f".{at.microsecond:06d}Z")
    return _strftime_utc(at)


def _strftime_utc(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# json.dumps builds this same encoder on every call; one shared instance gives the same text (encode keeps
# no state between calls) and saves that construction, once per entry and per state hashed
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def canonical_json(value: Any) -> str:
    return _CANONICAL.encode(value)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class CaseState:
    """What a case looks like at one point: enough to colour a diagram and fill a form."""

    completed: list[str]
    active: list[dict[str, Any]]  # {"element_id", "state"}
    data: dict[str, Any]
    finished: bool
    end_event: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "completed": self.completed,
            "active": self.active,
            "data": self.data,
            "finished": self.finished,
            "end_event": self.end_event,
        }

    def digest(self) -> str:
        return sha256_text(canonical_json(self.as_dict()))


@dataclass
class Entry:
    """A journal entry before it is chained and stored."""

    command: str
    at: datetime
    actor: str | None = None
    actor_role: str | None = None
    actor_org: str | None = None
    element_id: str | None = None
    element_name: str | None = None
    element_type: str | None = None
    task_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    comment: str | None = None
    state_hash: str = ""


def entry_hash(instance_id: int, seq: int, entry: Entry, prev_hash: str) -> str:
    body = {
        "instance_id": instance_id,
        "seq": seq,
        "at": iso_utc(entry.at),
        "command": entry.command,
        "actor": entry.actor,
        "actor_role": entry.actor_role,
        "actor_org": entry.actor_org,
        "element_id": entry.element_id,
        "element_name": entry.element_name,
        "element_type": entry.element_type,
        "task_id": entry.task_id,
        "payload": entry.payload,
        "comment": entry.comment,
        "state_hash": entry.state_hash,
        "prev_hash": prev_hash,
    }
    return sha256_text(canonical_json(body))
