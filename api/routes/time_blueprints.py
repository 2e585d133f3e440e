"""The blueprints of time: the working-day calendar, deadlines and extensions, overdue cases, notifications."""

from __future__ import annotations

from . import calendar, deadlines

TIME_BLUEPRINTS = (calendar.blp, deadlines.blp)
