"""The blueprints of the approval operations: operations on tasks and cases, copies and notifications."""

from __future__ import annotations

from . import messages, operations

OPERATION_BLUEPRINTS = (operations.blp, messages.blp)
