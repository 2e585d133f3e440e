"""The blueprints of cases: case list, case administration, opinions, attachments, deployment."""

from __future__ import annotations

from . import attachments, case_admin, case_list, case_record, comments, deployment, grid_logs, messages, stuck_cases

CASE_BLUEPRINTS = (case_list.blp, case_admin.blp, comments.blp, attachments.blp, deployment.blp, case_record.blp,
                   stuck_cases.blp, messages.blp, grid_logs.blp)
