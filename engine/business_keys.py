"""Human-readable case numbers (办件编号), e.g. ``CJJ-2026-000123``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .store.models import ProcessInstance

PREFIXES = {
    "village_to_community": "CJJ",  # 撤村建居
    "residents_committee": "JWH",  # 居委会设立
    "housing_handover": "YFYJ",  # 用房移交
    "community_access": "SWZR",  # 事务准入
}


def prefix_for(key: str) -> str:
    known = PREFIXES.get(key)
    if known:
        return known
    initials = "".join(part[0] for part in key.split("_") if part).upper()
    return (initials or "BJ")[:6]


def next_business_key(session: Session, key: str, at: datetime) -> str:
    stem = f"{prefix_for(key)}-{at.year}-"
    last = session.scalar(select(func.max(ProcessInstance.business_key))
                          .where(ProcessInstance.business_key.like(stem + "%")))
    number = int(last.rsplit("-", 1)[-1]) + 1 if last else 1
    return f"{stem}{number:06d}"
