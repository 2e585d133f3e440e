"""Who holds a step and who signs it: kept on the step's SpiffWorkflow task, so replay rebuilds it.

An operation that changes the holders of a ready user task (转办, 委派, 加签, 撤回 …)
writes them into that task's ``internal_data`` under :data:`KEY`. They are part of
the snapshot (and of every checkpoint), they leave with the task when it
completes or is reset (SpiffWorkflow clears ``internal_data`` on a reset), and
replaying the journal writes exactly the same values, which verification
compares (:mod:`engine.operations.audit`). The ``human_tasks`` rows are only their
projection for inboxes (:mod:`engine.operations.rows`).

Everything here is plain JSON (the snapshot codec's fast path restores plain JSON only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task

from engine.runtime import runner

KEY = "operations"
MODES = ("before", "after", "parallel")  # 前加签, 后加签, 会签
MODE_NAMES = {"before": "前加签", "after": "后加签", "parallel": "会签"}


@dataclass
class Signer:
    user: str
    state: str = "pending"  # pending, agreed, disagreed, removed, skipped

    def as_dict(self) -> dict[str, Any]:
        return {"user": self.user, "state": self.state}


@dataclass
class Signing:
    """One round of 加签 on a step, added by its holder ``by``."""

    mode: str
    by: str
    ratio: float = 1.0  # share of the signers (not removed) who must agree (after, parallel)
    signers: list[Signer] = field(default_factory=list)
    submitted: dict[str, Any] | None = None  # the holder's own submission, kept until the signers finished

    def as_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "by": self.by, "ratio": self.ratio,
                "signers": [s.as_dict() for s in self.signers], "submitted": self.submitted}

    @classmethod
    def from_dict(cls, value: dict[str, Any]) -> Signing:
        return cls(mode=value["mode"], by=value["by"], ratio=float(value.get("ratio", 1.0)),
                   signers=[Signer(s["user"], s["state"]) for s in value.get("signers", [])],
                   submitted=value.get("submitted"))

    def signer(self, user: str) -> Signer | None:
        return next((s for s in self.signers if s.user == user and s.state != "removed"), None)

    @property
    def pending(self) -> list[Signer]:
        return [s for s in self.signers if s.state == "pending"]

    @property
    def actionable(self) -> list[str]:
        """The signers who may sign now (后加签: only once the holder has submitted)."""
        if self.mode == "after" and self.submitted is None:
            return []
        return [s.user for s in self.pending]

    def verdict(self) -> str:
        """``open``; ``done`` (前加签, everyone signed); ``passed`` or ``failed`` (后加签, 会签)."""
        if self.mode == "before":
            return "open" if self.pending else "done"
        voters = [s for s in self.signers if s.state != "removed"]
        need = math.ceil(self.ratio * len(voters) - 1e-9)
        agreed = sum(1 for s in voters if s.state == "agreed")
        disagreed = sum(1 for s in voters if s.state == "disagreed")
        if agreed >= need:
            return "passed"
        if disagreed > len(voters) - need:
            return "failed"
        return "open"


@dataclass
class Holding:
    """The operations state of one ready user task."""

    assignee: str | None = None  # the one user who holds it
    delegated_by: str | None = None  # 委派: the holder it goes back to
    proposal: dict[str, Any] | None = None  # 委派: what the delegate submitted ({"data", "by", "comment"})
    signing: Signing | None = None

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if self.assignee is not None:
            body["assignee"] = self.assignee
        if self.delegated_by is not None:
            body["delegated_by"] = self.delegated_by
        if self.proposal is not None:
            body["proposal"] = self.proposal
        if self.signing is not None:
            body["signing"] = self.signing.as_dict()
        return body

    @property
    def held(self) -> bool:
        """Waiting for signers: the holder cannot act on it meanwhile."""
        signing = self.signing
        if signing is None:
            return False
        return bool(signing.pending) if signing.mode == "before" else signing.submitted is not None

    @property
    def sign_users(self) -> list[str]:
        return self.signing.actionable if self.signing is not None else []


def read(task: Task) -> Holding:
    value = task.internal_data.get(KEY)
    if not value:
        return Holding()
    signing = value.get("signing")
    return Holding(assignee=value.get("assignee"), delegated_by=value.get("delegated_by"),
                   proposal=value.get("proposal"),
                   signing=Signing.from_dict(signing) if signing else None)


def write(task: Task, holding: Holding) -> None:
    body = holding.as_dict()
    if body:
        task.internal_data[KEY] = body
    else:
        task.internal_data.pop(KEY, None)


def of_ready_tasks(workflow: BpmnWorkflow) -> list[tuple[str, dict[str, Any]]]:
    """Every ready user task's element and operations state, in the tree's order (to compare two trees)."""
    return [(runner.bpmn_id(t) or "", dict(t.internal_data.get(KEY) or {})) for t in runner.ready_user_tasks(workflow)]


# -- finding a task again, in the live case and in replay -------------------------------------

def ordinal(workflow: BpmnWorkflow, task: Task) -> int:
    same = [t for t in runner.ready_user_tasks(workflow) if runner.bpmn_id(t) == runner.bpmn_id(task)]
    return same.index(task)


def find_ready(workflow: BpmnWorkflow, element_id: str | None, index: int) -> Task | None:
    same = [t for t in runner.ready_user_tasks(workflow) if runner.bpmn_id(t) == element_id]
    return same[index] if 0 <= index < len(same) else None
