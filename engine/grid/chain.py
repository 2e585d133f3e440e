"""The 民情日志 as an append-only chain per community: each entry's hash covers its content and the previous
entry's hash, so an edited, removed or re-ordered entry breaks the chain (checked by :func:`check_chain`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.audit.journal import GENESIS_HASH, canonical_json, iso_utc, sha256_text
from engine.store.models import GridLogEntry

# what the hash covers: everything written once (whistle_instance_id is set later and checked against the case)
HASHED = ("community_org", "seq", "grid_name", "kind", "key_group", "title", "content", "location",
          "person_name", "person_phone", "author")


def entry_body(row: GridLogEntry) -> dict[str, Any]:
    body: dict[str, Any] = {name: getattr(row, name) for name in HASHED}
    body["recorded_on"] = row.recorded_on.isoformat()
    body["created_at"] = iso_utc(row.created_at)
    return body


def entry_hash(row: GridLogEntry, prev_hash: str) -> str:
    return sha256_text(canonical_json({**entry_body(row), "prev_hash": prev_hash}))


def head(session: Session, community: str) -> tuple[int, str]:
    """The community's last seq and hash (0 and the genesis hash for an empty log)."""
    last = session.execute(select(GridLogEntry.seq, GridLogEntry.hash).where(GridLogEntry.community_org == community)
                           .order_by(GridLogEntry.seq.desc()).limit(1)).first()
    return (last.seq, last.hash) if last is not None else (0, GENESIS_HASH)


def check_chain(session: Session, community: str) -> str | None:
    """The first broken link of a community's log, in words, or None when the chain is whole."""
    prev, expected = GENESIS_HASH, 1
    for row in session.scalars(select(GridLogEntry).where(GridLogEntry.community_org == community)
                               .order_by(GridLogEntry.seq)):
        if row.seq != expected:
            return f"民情日志缺少第 {expected} 条"
        if row.prev_hash != prev or entry_hash(row, prev) != row.hash:
            return f"民情日志第 {row.seq} 条与其哈希不符（记录被篡改、删除或调换）"
        prev, expected = row.hash, expected + 1
    return None


def check_all(session: Session) -> list[tuple[str, str]]:
    """(community, problem) for every community whose log is broken."""
    communities = session.scalars(select(GridLogEntry.community_org).distinct().order_by(GridLogEntry.community_org))
    return [(c, problem) for c in list(communities) if (problem := check_chain(session, c)) is not None]
