"""SQLAlchemy 2 models, one module per concept; every table on one ``Base.metadata``.

One row per instance holds the snapshot; inboxes query human_tasks. Importing this package
registers every table, so ``from engine.store.models import X`` works for any of them."""

from __future__ import annotations

from engine.store.models.access_list import AccessListEntry
from engine.store.models.base import Base, UtcDateTime
from engine.store.models.cases import (
    Attachment,
    CaseCopy,
    CaseLink,
    CaseReceipt,
    EventSubscription,
    HumanTask,
    IdempotencyKey,
    ProcessInstance,
    ReceiptKey,
)
from engine.store.models.definitions import ProcessDefinition
from engine.store.models.grid import GridLogEntry
from engine.store.models.identity import AuthToken, DirectoryAddition, LoginThrottle, Organisation, Role, User, UserRole
from engine.store.models.journal import JournalCheckpoint, JournalEntry, VerificationSeal
from engine.store.models.timekeeping import CalendarDay, CalendarYear, Deadline, Notification, Timer

__all__ = [
    "AccessListEntry",
    "Attachment",
    "AuthToken",
    "Base",
    "CalendarDay",
    "CalendarYear",
    "CaseCopy",
    "CaseLink",
    "CaseReceipt",
    "Deadline",
    "DirectoryAddition",
    "EventSubscription",
    "GridLogEntry",
    "HumanTask",
    "IdempotencyKey",
    "JournalCheckpoint",
    "JournalEntry",
    "LoginThrottle",
    "Notification",
    "Organisation",
    "ProcessDefinition",
    "ProcessInstance",
    "ReceiptKey",
    "Role",
    "Timer",
    "User",
    "UserRole",
    "UtcDateTime",
    "VerificationSeal",
]
