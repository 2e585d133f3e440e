"""Receipts (回执) and their check codes (查询码), for the applicant's public progress lookup.

A case gets a receipt when it is created: a random salt in ``case_receipts``. Its check code is
an HMAC-SHA256 of the 办件编号 and the salt under the receipt key, written as eight characters of
an alphabet without look-alikes (0/O, 1/I/L), shown as ``ABCD-EFGH``. The code is not stored:
the starter's receipt recomputes it, and a lookup recomputes and compares it in constant time.

The key is ``RECEIPT_SECRET`` when set (then a copy of the database alone does not reveal any
code), else the random key the migration stored in ``receipt_keys``. Changing the key changes
every code already printed.

A lookup answers a wrong code exactly as an unknown number (``None``), after the same work, so
the lookup cannot be used to find out which numbers exist.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Unavailable
from engine.store.models import CaseReceipt, ProcessInstance, ReceiptKey

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
MAX_INPUT = 40  # longer input is no number or code of ours


def issue(session: Session, instance_id: int, at: datetime) -> None:
    """The receipt of a new case (inside the starting command's transaction)."""
    session.add(CaseReceipt(instance_id=instance_id, salt=secrets.token_hex(16), issued_at=at))


def receipt_key(session: Session, configured: str) -> bytes:
    if configured:
        return configured.encode("utf-8")
    secret = session.scalar(select(ReceiptKey.secret).where(ReceiptKey.id == 1))
    if not secret:
        raise Unavailable("回执密钥缺失：请运行 flask --app api db upgrade", 60)
    return secret.encode("utf-8")


def check_code(key: bytes, business_key: str, salt: str) -> str:
    digest = hmac.new(key, f"{business_key}\x1f{salt}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest, "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return "".join(chars)


def display(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalise_code(text: str) -> str:
    """What a person types: any case, with spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch not in " -－—\t")


def normalise_number(text: str) -> str:
    return "".join(ch for ch in text.strip().upper() if ch not in " \t").replace("—", "-").replace("－", "-")


def code_of(session: Session, key: bytes, instance: ProcessInstance) -> str | None:
    receipt = session.get(CaseReceipt, instance.id)
    if receipt is None or not instance.business_key:
        return None
    return check_code(key, instance.business_key, receipt.salt)


def find(session: Session, key: bytes, number: str, code: str) -> ProcessInstance | None:
    """The case whose number and check code these are, else None (unknown number and wrong code alike)."""
    number, code = normalise_number(number)[:MAX_INPUT], normalise_code(code)[:MAX_INPUT]
    instance = session.scalar(select(ProcessInstance).where(ProcessInstance.business_key == number)) \
        if number else None
    receipt = session.get(CaseReceipt, instance.id) if instance is not None else None
    # the same HMAC work whether or not the number exists
    expected = check_code(key, number, receipt.salt if receipt is not None else "-")
    matches = hmac.compare_digest(expected.encode(), code.encode())
    return instance if matches and receipt is not None else None
