"""Plugging time limits into the command path: the after-sync hook and the worker's deadline rows."""

from __future__ import annotations

from engine.limits.tracking import fire_deadline, sync_deadlines
from engine.timers import firing, hooks

hooks.register(lambda definition: definition.limits is not None, sync_deadlines)
firing.HANDLERS["deadline"] = fire_deadline
