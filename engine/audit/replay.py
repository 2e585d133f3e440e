"""Replay: re-execute a case's journal against its definition version.

The journal's *commands* (start, complete, terminate, …) are re-run in order;
the entries a command caused (``engine_step``, ``loop_reset``) are not re-run
but must be re-produced by it, entry by entry: same element, same flows, same
script results, same state hash. Replay can stop right after any entry, also
in the middle of a command, which is how the case is shown as it stood then.

Adding a command is one registry entry: a function ``(ReplayContext, entry)``
that performs the command on ``ctx.workflow`` through :mod:`engine.runtime.runner`
(whose recorded steps reach the replay by :func:`engine.runtime.runner.observe_steps`)
or emits its steps itself with ``ctx.emit``::

    @replays("urge")
    def _urge(ctx, entry):
        runner.mark(ctx.definition, ctx.require_workflow(entry), "urge")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException

from engine.audit.journal import canonical_json
from engine.definitions.compile import CompiledDefinition
from engine.runtime import callees, runner
from engine.runtime.runner import Step
from engine.sandbox.evaluator import SandboxError


class EntryLike(Protocol):
    """What replay reads of a journal entry (the ``JournalEntry`` row, or an exported line)."""

    seq: int
    command: str
    element_id: str | None
    payload: dict[str, Any]
    state_hash: str
    hash: str


class ReplayMismatch(Exception):
    """The journal does not replay: entry ``seq`` is not what re-execution produced."""

    def __init__(self, seq: int, reason: str) -> None:
        super().__init__(f"#{seq}: {reason}")
        self.seq = seq
        self.reason = reason


class _Stop(Exception):
    """Private: raised by the observer to stop replay right after the requested entry."""


# Entries a command causes; they are compared, never re-run.
DERIVED_COMMANDS: set[str] = {"engine_step", "loop_reset", "call"}


@dataclass
class ReplayContext:
    definition: CompiledDefinition
    workflow: BpmnWorkflow | None = None
    status: str | None = None  # as the instance row would say: running, completed, error, …
    error: str | None = None
    emit: Callable[[Step, BpmnWorkflow], None] = field(default=lambda step, workflow: None)
    # The ready user tasks the previous command left (its outcome saw them when its last step settled), so
    # the next command finds its task without another walk of the tree; None: not known, walk.
    ready_before: list[Any] | None = None
    ready_after: list[Any] | None = None  # set by a replayer that knows them; the driver moves it on

    def require_workflow(self, entry: EntryLike) -> BpmnWorkflow:
        if self.workflow is None:
            raise ReplayMismatch(entry.seq, f"命令 {entry.command} 出现在办件发起之前")
        return self.workflow

    def settle_status(self) -> None:
        self.status = self.current_status()

    def current_status(self) -> str:
        """The status now, also in the middle of a command (a stop may come before ``settle_status``)."""
        if self.status in (None, "running", "completed") and self.workflow is not None:
            return "completed" if self.workflow.is_completed() else "running"
        return self.status or "running"

    def state_hash(self) -> str:
        assert self.workflow is not None
        return runner.case_state(self.definition, self.workflow).digest()


ReplayFunction = Callable[[ReplayContext, Any], None]
REPLAYERS: dict[str, ReplayFunction] = {}


def replays(command: str) -> Callable[[ReplayFunction], ReplayFunction]:
    """Register the replay of ``command``."""

    def register(function: ReplayFunction) -> ReplayFunction:
        REPLAYERS[command] = function
        return function

    return register


# -- the commands ---------------------------------------------------------------------------


@replays("start")
def _start(ctx: ReplayContext, entry: EntryLike) -> None:
    if ctx.workflow is not None:
        raise ReplayMismatch(entry.seq, "办件被重复发起")
    ctx.workflow, outcome = runner.start_case(ctx.definition, dict(entry.payload.get("data") or {}))
    ctx.settle_status()
    ctx.ready_after = outcome.ready


def _ready_task(ctx: ReplayContext, entry: EntryLike) -> Any:
    workflow = ctx.require_workflow(entry)
    ready = ctx.ready_before if ctx.ready_before is not None else runner.ready_user_tasks(workflow)
    candidates = [t for t in ready if runner.bpmn_id(t) == entry.element_id]
    ordinal = entry.payload.get("task_ordinal", 0)
    if not isinstance(ordinal, int) or not 0 <= ordinal < len(candidates):
        raise ReplayMismatch(entry.seq, f"重放时任务 {entry.element_id} 不是待办状态")
    return candidates[ordinal]


@replays("complete")
def _complete(ctx: ReplayContext, entry: EntryLike) -> None:
    task = _ready_task(ctx, entry)
    workflow = ctx.require_workflow(entry)
    data = dict(entry.payload.get("data") or {})
    done: list[runner.Outcome] = []
    replay_completing(ctx, entry, task, lambda t: done.append(runner.complete_task(ctx.definition, workflow, t, data)))
    if done and ctx.workflow is workflow:  # completed (one journalled as failed is rolled back: not known)
        ctx.ready_after = done[0].ready


def replay_completing(ctx: ReplayContext, entry: EntryLike, task: Any, apply: Callable[[Any], Any]) -> None:
    """Replay a command that may complete ``task``; one journalled as failed (a script error) must fail
    again and change nothing."""
    if (entry.payload.get("result") or {}).get("error") is None:
        apply(task)
        ctx.settle_status()
        return
    workflow = ctx.require_workflow(entry)
    saved = ctx.definition.codec.dumps(workflow)
    with runner.observe_steps(lambda step, workflow: None):
        try:
            apply(task)
        except (SpiffWorkflowException, SandboxError) as exc:
            failure = runner.failure_message(exc)
        else:
            failure = None
    ctx.workflow = ctx.definition.codec.loads(saved)
    if failure is None:
        raise ReplayMismatch(entry.seq, "日志记录为办理出错，重放时却办理成功")
    ctx.status, ctx.error = "error", failure
    info = ctx.definition.elements.get(entry.element_id or "")
    ctx.emit(Step(entry.element_id, info.name if info else None, "userTask", command=entry.command,
                  result={"error": failure}, state_hash=ctx.state_hash()), ctx.require_workflow(entry))


@replays("terminate")
def _terminate(ctx: ReplayContext, entry: EntryLike) -> None:
    ctx.status = "terminated"  # set first: a stop right after the entry must see it
    runner.terminate(ctx.definition, ctx.require_workflow(entry))


@replays("suspend")
def _suspend(ctx: ReplayContext, entry: EntryLike) -> None:
    ctx.status = "suspended"
    runner.mark(ctx.definition, ctx.require_workflow(entry), "suspend")


@replays("resume")
def _resume(ctx: ReplayContext, entry: EntryLike) -> None:
    ctx.status, ctx.error = "running", None
    runner.mark(ctx.definition, ctx.require_workflow(entry), "resume")


@replays("attach")
def _attach(ctx: ReplayContext, entry: EntryLike) -> None:
    runner.mark(ctx.definition, ctx.require_workflow(entry), "attach")


# -- the driver -----------------------------------------------------------------------------


def _journal_bindings(entries: Sequence[EntryLike]) -> callees.Resolver:
    """Bind each callee to the version its ``call`` entry recorded, in the journal's order."""
    recorded = [dict(e.payload.get("result") or {}) for e in entries if e.command == "call"]

    def resolve(process: str) -> Any:
        for index, result in enumerate(recorded):
            if result.get("process") == process:
                del recorded[index]
                binding = callees.Binding(process, int(result["definition_id"]), int(result["version"]),
                                          str(result["content_hash"]))
                return binding, callees.load(binding.definition_id, binding.content_hash)
        return None

    return resolve



def _describe(step: Step) -> str:
    return f"{step.command} {step.element_id or ''}".strip()


def _compare(step: Step, entry: EntryLike) -> str | None:
    """Why ``entry`` is not the step replay produced, or None when it is."""
    if entry.command != step.command or (entry.element_id or None) != (step.element_id or None):
        return f"日志记录为 {entry.command} {entry.element_id or ''}，重放产生 {_describe(step)}".strip()
    payload = entry.payload or {}
    if list(payload.get("flows") or []) != step.flows:
        return f"{_describe(step)} 走向不符：日志 {payload.get('flows') or []}，重放 {step.flows}"
    recorded = payload.get("result") or {}
    # most steps record no result: two empty ones are equal without spelling either
    if (recorded or step.result != {}) and canonical_json(recorded) != canonical_json(step.result):
        return f"{_describe(step)} 的执行结果与重放不符"
    if entry.state_hash != step.state_hash:
        return f"{_describe(step)} 之后的办件状态与重放不符"
    return None


@dataclass
class ReplayResult:
    context: ReplayContext
    last_seq: int  # the entry replay stopped after


def replay(definition: CompiledDefinition, entries: Sequence[EntryLike], stop_after: int | None = None,
           context: ReplayContext | None = None) -> ReplayResult:
    """Re-execute ``entries`` (ordered, seq 1, 2, …) and check every produced step against them.

    Raises :class:`ReplayMismatch` naming the first entry that does not replay. With
    ``stop_after`` the replay ends right after that entry, even inside a command.
    ``context`` resumes from a state reached earlier (a checkpoint) instead of the start.
    """
    ctx = context or ReplayContext(definition)
    index = 0
    position = 0  # entries consumed by the current command's steps

    def emit(step: Step, workflow: BpmnWorkflow) -> None:
        nonlocal position
        ctx.workflow = workflow
        at = index + position
        if at >= len(entries):
            expected = entries[-1].seq + 1 if entries else 1
            raise ReplayMismatch(expected, f"日志缺少记录：重放产生 {_describe(step)}")
        entry = entries[at]
        if position > 0 and entry.command not in DERIVED_COMMANDS:
            raise ReplayMismatch(entry.seq, f"日志缺少记录：重放产生 {_describe(step)}，日志却是 {entry.command}")
        reason = _compare(step, entry)
        if reason is not None:
            raise ReplayMismatch(entry.seq, reason)
        position += 1
        if stop_after is not None and entry.seq >= stop_after:
            raise _Stop()

    def choose_loop_data(workflow: BpmnWorkflow, task: Any, carried: dict[str, Any],
                         legacy: dict[str, Any]) -> dict[str, Any]:
        # A journal written before loop resets carried the round's data recorded what the reset then
        # left; the next entry to compare (the step settled right after this reset) tells which it was.
        at = index + position
        if at >= len(entries):
            return carried
        for candidate in (carried, legacy):
            task.data = candidate
            if runner.case_state(definition, workflow).digest() == entries[at].state_hash:
                return candidate
        return carried

    ctx.emit = emit
    try:
        with runner.observe_steps(emit), runner.choose_loop_data(choose_loop_data), \
                callees.resolving(_journal_bindings(entries)):
            while index < len(entries):
                entry = entries[index]
                function = REPLAYERS.get(entry.command)
                if entry.command in DERIVED_COMMANDS:
                    raise ReplayMismatch(entry.seq, f"{entry.command} {entry.element_id or ''} 不是前一命令的结果")
                if function is None:
                    raise ReplayMismatch(entry.seq, f"未知命令 {entry.command}")
                position = 0
                ctx.ready_before, ctx.ready_after = ctx.ready_after, None
                try:
                    function(ctx, entry)
                except (ReplayMismatch, _Stop):
                    raise
                except Exception as exc:  # the engine refused what the journal says happened
                    failure = runner.failure_message(exc)
                    raise ReplayMismatch(entry.seq, f"重放 {entry.command} 失败：{failure}") from exc
                if position == 0:
                    raise ReplayMismatch(entry.seq, f"重放 {entry.command} 没有产生任何记录")
                index += position
    except _Stop:
        return ReplayResult(ctx, entries[index + position - 1].seq)
    finally:
        ctx.emit = lambda step, workflow: None
    return ReplayResult(ctx, entries[-1].seq if entries else 0)


# Commands registered by other packages (imported here so that every replay knows them).
from engine.access_list import replay_entries as _access_list_replays  # noqa: E402, F401
from engine.directory import replay_additions as _directory_replays  # noqa: E402, F401
from engine.limits import replay_limits  # noqa: E402, F401
from engine.messages import replays as _message_replays  # noqa: E402, F401

# The approval operations' commands (退回, 转办, 加签 …) register themselves here.
from engine.operations import replaying as _operations  # noqa: E402, F401
from engine.timers import replay_timers  # noqa: E402, F401
from engine.villages import replays as _village_replays  # noqa: E402, F401
