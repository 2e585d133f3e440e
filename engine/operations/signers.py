"""加签 (add signers), 减签 (remove a signer) and 会签: others sign a step beside its holder.

The holder of a step adds signers in one of three modes:

- ``before`` (前加签): the signers sign first; the step is out of the holder's hands
  (``held``) until every signer has signed, then it comes back to them;
- ``after`` (后加签): the holder completes first; the submission is kept and the signers
  sign it; the step completes with it when enough signers agree;
- ``parallel`` (会签): the signers sign alongside the holder; the step completes with the
  holder's submission once it is in and enough signers agree.

"Enough" is the round's pass ratio of the signers not removed (default all of them). If
the disagreements make that impossible, the round fails: the submission is dropped and
the step is the holder's again (told 加签未通过) to change, return or sign again. A
signer signs by completing their own task row (kind ``sign``) with :data:`SIGN_FORM`;
their opinion is the comment. The holder may remove (减签) a signer who has not signed.

Journal commands: ``add_signers``, ``sign``, ``remove_signer`` and ``submit`` (the holder's
completion while signers are still to sign). The one that finishes the round completes
the step in the workflow, as a completion would.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task

from engine.definitions.compile import CompiledDefinition
from engine.errors import Conflict, Forbidden, Problem, ValidationFailed
from engine.identity import access
from engine.operations import policy, state
from engine.operations.assignment import check_receiver
from engine.operations.base import Command, mark_outcome
from engine.operations.sign_form import SIGN_FORM, validate_sign
from engine.operations.state import MODE_NAMES, MODES, Holding, Signer, Signing
from engine.runtime import runner
from engine.runtime.runner import Outcome
from engine.sandbox.evaluator import SandboxError

__all__ = ["SIGN_FORM", "add_signers", "remove_signer", "sign", "submit"]

MAX_SIGNERS = 20
COMPLETED = "completed"

# -- on the workflow (live and in replay) ------------------------------------------------------


def settle(definition: CompiledDefinition, workflow: BpmnWorkflow, task: Task, holding: Holding,
           command: str) -> tuple[Outcome, str]:
    """Write ``holding`` back and end the signing round if it is over: ``(outcome, verdict)``.

    The verdict is ``open``, ``done`` (前加签 signed), ``passed`` (会签 agreed, the holder still to
    submit), ``failed``, or ``completed`` (the step completed with the holder's submission).
    """
    signing = holding.signing
    verdict = signing.verdict() if signing is not None else "done"
    if signing is None or verdict == "open":
        state.write(task, holding)
        return mark_outcome(definition, workflow, command, task), "open" if signing is not None else verdict
    for signer in signing.pending:
        signer.state = "skipped"
    if verdict == "passed" and signing.submitted is not None:
        state.write(task, Holding())
        return runner.complete_task(definition, workflow, task, dict(signing.submitted["data"]),
                                    command=command), COMPLETED
    holding.signing = None
    state.write(task, holding)
    return mark_outcome(definition, workflow, command, task), verdict


def apply_add_signers(definition: CompiledDefinition, workflow: BpmnWorkflow, task: Task, users: list[str],
                      mode: str, ratio: float, by: str) -> Outcome:
    holding = state.read(task)
    if holding.signing is None:
        holding.signing = Signing(mode=mode, by=by, ratio=ratio)
    if holding.assignee is None:  # the step is the adder's own from now on, not its lane's
        holding.assignee = by
    holding.signing.signers.extend(Signer(user) for user in users)
    state.write(task, holding)
    return mark_outcome(definition, workflow, "add_signers", task)


def _signing(task: Task) -> tuple[Holding, Signing]:
    holding = state.read(task)
    if holding.signing is None:
        raise Conflict("该环节没有进行中的加签")
    return holding, holding.signing


def apply_sign(definition: CompiledDefinition, workflow: BpmnWorkflow, task: Task, user: str,
               agree: bool) -> tuple[Outcome, str]:
    holding, signing = _signing(task)
    signer = signing.signer(user)
    if signer is None or signer.state != "pending" or user not in signing.actionable:
        raise Conflict("您在该环节的加签已结束")
    signer.state = "agreed" if agree else "disagreed"
    return settle(definition, workflow, task, holding, "sign")


def apply_remove_signer(definition: CompiledDefinition, workflow: BpmnWorkflow, task: Task,
                        user: str) -> tuple[Outcome, str]:
    holding, signing = _signing(task)
    signer = signing.signer(user)
    if signer is None or signer.state != "pending":
        raise Conflict("该加签人已签署或不在本轮加签中，不能减签")
    signer.state = "removed"
    return settle(definition, workflow, task, holding, "remove_signer")


def apply_submit(definition: CompiledDefinition, workflow: BpmnWorkflow, task: Task, user: str,
                 data: dict[str, Any], comment: str | None) -> tuple[Outcome, str]:
    holding, signing = _signing(task)
    signing.submitted = {"data": data, "by": user, "comment": comment}
    return settle(definition, workflow, task, holding, "submit")


# -- the commands --------------------------------------------------------------------------------


def _clean_users(users: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(u.strip() for u in users if u and u.strip()))
    if not cleaned:
        raise ValidationFailed("请选择加签人", [Problem("users", "至少选择一人")])
    if len(cleaned) > MAX_SIGNERS:
        raise ValidationFailed("加签人过多", [Problem("users", f"最多 {MAX_SIGNERS} 人")])
    return cleaned


def add_signers(cmd: Command, users: list[str], mode: str, ratio: float | None, comment: str | None) -> None:
    assert cmd.row is not None and cmd.task is not None
    policy.require_running(cmd.instance, "add-signers")
    holding = cmd.holding
    policy.require_holder(cmd.actor, cmd.row, "add-signers", holding)
    policy.require_model_allows(cmd.definition, cmd.row.element_id, "add-signers")
    if mode not in MODES:
        raise ValidationFailed("加签方式不正确", [Problem("mode", "须为 before、after 或 parallel")])
    if ratio is not None and (mode == "before" or not 0 < ratio <= 1):
        raise ValidationFailed("通过比例不正确", [Problem("pass_ratio", "仅后加签、会签可设，须大于 0 且不大于 1")])
    signing = holding.signing
    if signing is not None:
        if signing.mode != mode:
            raise Conflict(f"该环节已有进行中的{MODE_NAMES[signing.mode]}，不能同时{MODE_NAMES[mode]}")
        if ratio is not None and ratio != signing.ratio:
            raise Conflict("进行中的加签已定通过比例，不能更改")
    cleaned = _clean_users(users)
    for index, user in enumerate(cleaned):
        check_receiver(cmd, user, "add-signers", path=f"users/{index}")
        if signing is not None and signing.signer(user) is not None:
            raise ValidationFailed("已是加签人", [Problem(f"users/{index}", f"{user} 已在本轮加签中")])
    effective = signing.ratio if signing is not None else (ratio if ratio is not None else 1.0)
    extra = cmd.ordinal() | {"users": cleaned, "mode": mode, "ratio": effective}
    outcome = apply_add_signers(cmd.definition, cmd.workflow, cmd.task, cleaned, mode, effective,
                                signing.by if signing is not None else cmd.actor.username)
    spiff_id = str(cmd.task.id)
    cmd.notify(state.read(cmd.task).sign_users, "sign", spiff_id, per_signer=True)
    cmd.record(outcome, comment, extra)


def remove_signer(cmd: Command, user: str, comment: str | None) -> None:
    assert cmd.row is not None and cmd.task is not None
    policy.require_running(cmd.instance, "remove-signer")
    if cmd.row.kind != "task":
        raise Forbidden("加签人不能减签")
    access.require_task_actor(cmd.actor, cmd.row)
    policy.require_model_allows(cmd.definition, cmd.row.element_id, "remove-signer")
    holding = cmd.holding
    if holding.signing is None or holding.signing.by != cmd.actor.username:
        raise Conflict("该环节没有您发起的进行中的加签")
    extra = cmd.ordinal() | {"user": user}
    _finish(cmd, "remove_signer", None, comment, extra,
            lambda: apply_remove_signer(cmd.definition, cmd.workflow, cmd.task, user),  # type: ignore[arg-type]
            closing_user=(user, "removed"))


def sign(cmd: Command, data: dict[str, Any], comment: str | None) -> None:
    """A signer's completion of their ``sign`` row."""
    assert cmd.row is not None and cmd.task is not None
    policy.require_running(cmd.instance, "sign")
    access.require_task_actor(cmd.actor, cmd.row)
    agree = validate_sign(data)
    extra = cmd.ordinal() | {"agree": agree}
    _finish(cmd, "sign", data, comment, extra,
            lambda: apply_sign(cmd.definition, cmd.workflow, cmd.task, cmd.actor.username, agree),  # type: ignore[arg-type]
            closing_user=(cmd.actor.username, "signed"))


def submit(cmd: Command, data: dict[str, Any], comment: str | None) -> None:
    """The holder's completion while signers are still to sign (checked against the form by the caller)."""
    assert cmd.task is not None
    extra = cmd.ordinal()
    _finish(cmd, "submit", data, comment, extra,
            lambda: apply_submit(cmd.definition, cmd.workflow, cmd.task, cmd.actor.username, data, comment))  # type: ignore[arg-type]


def _finish(cmd: Command, command: str, data: dict[str, Any] | None, comment: str | None, extra: dict[str, Any],
            apply: Any, closing_user: tuple[str, str] | None = None) -> None:
    from engine.operations import copies

    assert cmd.task is not None and cmd.row is not None
    holding = cmd.holding
    signing = holding.signing
    main = next(r for r in _open_rows(cmd) if r.kind == "task")
    try:
        outcome, verdict = apply()
    except (SpiffWorkflowException, SandboxError) as exc:
        cmd.record_failure(command, data, comment, extra, exc)
        return
    closing: dict[int, tuple[str, str | None]] = {}
    if closing_user is not None:
        sign_row = next((r for r in _open_rows(cmd) if r.kind == "sign" and r.assignee == closing_user[0]), None)
        if sign_row is not None:
            closing[sign_row.id] = (closing_user[1], closing_user[0] if closing_user[1] == "signed" else
                                    cmd.actor.username)
    spiff_id = str(cmd.task.id)
    holder = signing.by if signing is not None else None
    if verdict == COMPLETED:
        submitter = (signing.submitted or {}).get("by") if signing is not None else None
        closing[main.id] = ("completed", submitter)
        extra = extra | {"completed_task_id": main.id}  # the step's row this command completed
        cmd.notify([holder or ""], "signing_done")
    elif verdict in ("done", "passed"):
        cmd.notify([holder or ""], "signing_done", spiff_id)
    elif verdict == "failed":
        cmd.notify([holder or ""], "signing_failed", spiff_id)
    elif command == "submit":
        cmd.notify(state.read(cmd.task).sign_users, "sign", spiff_id, per_signer=True)
    cmd.record(outcome, comment, extra, data=data, closing=closing)
    if verdict == COMPLETED:
        copies.after_completion(cmd, main)


def _open_rows(cmd: Command) -> list[Any]:
    from engine.operations import rows

    assert cmd.task is not None
    return [r for r in rows.open_rows(cmd.session, cmd.instance.id) if r.spiff_task_id == str(cmd.task.id)]
