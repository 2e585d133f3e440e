"""Replay of the time-limit commands: none changes the workflow, each is one entry (``runner.mark``)."""

from __future__ import annotations

from engine.audit.replay import EntryLike, ReplayContext, replays
from engine.runtime import runner

LIMIT_COMMANDS = ("clock_paused", "clock_resumed", "deadline_warning", "deadline_overdue", "urge",
                  "extend_deadline")


def _mark(ctx: ReplayContext, entry: EntryLike) -> None:
    runner.mark(ctx.definition, ctx.require_workflow(entry), entry.command)


for _command in LIMIT_COMMANDS:
    replays(_command)(_mark)
