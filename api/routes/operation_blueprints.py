"""The blueprints of the approval operations: operations on tasks and cases, copies and notifications."""

from __future__ import annotations

from . import notifications, operations

OPERATION_BLUEPRINTS = (operations.blp, notifications.blp)
