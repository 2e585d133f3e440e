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
# The keys starting with the stem are exactly a range in byte order (keys are upper case, digits and hyphens):
# SQLite compares bytes, so its unique index holds that order; PostgreSQL's index of the key in collation "C"
# (ix_process_instances_business_key_c) does, whatever the database's own collation.
_LAST_IN_RANGE = select(func.max(_business_key)).where(_business_key >= bindparam("low"),
                                                       _business_key < bindparam("high"))
_in_bytes = _business_key.collate("C")
_LAST_IN_BYTE_RANGE = (select(_business_key).where(_in_bytes >= bindparam("low"), _in_bytes < bindparam("high"))
                       .order_by(_in_bytes.desc()).limit(1))


def next_business_key(session: Session, key: str, at: datetime) -> str:
    stem = f"{prefix_for(key)}-{at.year}-"
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": _lock_id(stem)})
    # a LIKE of the stem could use neither index: SQLite's ignores case, PostgreSQL's needs byte order
    bounds = {"low": stem, "high": stem[:-1] + chr(ord(stem[-1]) + 1)}
    statement = _LAST_IN_BYTE_RANGE if dialect == "postgresql" else _LAST_IN_RANGE
    last = session.connection().execute(statement, bounds).scalar()
    number = int(last.rsplit("-", 1)[-1]) + 1 if last else 1
    return f"{stem}{number:06d}"


def _lock_id(stem: str) -> int:
    """A stable signed 64-bit advisory-lock id for a business-key stem."""
    return int.from_bytes(hashlib.sha256(b"business_key:" + stem.encode()).digest()[:8], "big", signed=True)
