"""Human-readable case numbers (办件编号), e.g. ``CJJ-2026-000123``.

The number is the highest of its prefix and year plus one, computed inside the
starting command's transaction; the column is unique. On SQLite writers are
serialised (``BEGIN IMMEDIATE``); on PostgreSQL a transaction-scoped advisory
lock per prefix and year serialises the starts that compete for a number, and
should two transactions still collide, the unique violation is a named race the
unit of work runs the start again for (:mod:`engine.store.unit_of_work`).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session

from engine.store.models import ProcessInstance

PREFIXES = {
    "village_to_community": "CJJ",  # 撤村建居
    "residents_committee": "JWH",  # 居委会设立
    "housing_handover": "YFYJ",  # 用房移交
    "community_access": "SWZR",  # 事务准入
    "whistle_report": "CSBD",  # 吹哨报到
}


def prefix_for(key: str) -> str:
    known = PREFIXES.get(key)
    if known:
        return known
    initials = "".join(part[0] for part in key.split("_") if part).upper()
    return (initials or "BJ")[:6]


_business_key = ProcessInstance.__table__.c.business_key
_LAST_IN_RANGE = select(func.max(_business_key)).where(_business_key >= bindparam("low"),
                                                       _business_key < bindparam("high"))
_LAST_LIKE = select(func.max(_business_key)).where(_business_key.like(bindparam("pattern")))


def next_business_key(session: Session, key: str, at: datetime) -> str:
    stem = f"{prefix_for(key)}-{at.year}-"
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _lock_id(stem)})
    if dialect == "sqlite":
        # SQLite's LIKE ignores case and so cannot use the unique index: it read every case.
        # Keys are upper case, so the keys starting with the stem are exactly this range of the index.
        high = stem[:-1] + chr(ord(stem[-1]) + 1)
        last = session.connection().execute(_LAST_IN_RANGE, {"low": stem, "high": high}).scalar()
    else:
        last = session.connection().execute(_LAST_LIKE, {"pattern": stem + "%"}).scalar()
    number = int(last.rsplit("-", 1)[-1]) + 1 if last else 1
    return f"{stem}{number:06d}"


def _lock_id(stem: str) -> int:
    """A stable signed 64-bit advisory-lock id for a business-key stem."""
    return int.from_bytes(hashlib.sha256(b"business_key:" + stem.encode()).digest()[:8], "big", signed=True)
