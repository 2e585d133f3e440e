"""A case's status as a clerk reads it (a leaf module: the command modules and the operations share it)."""

from __future__ import annotations

STATUS_NAMES = {
    "running": "办理中",
    "suspended": "已挂起",
    "completed": "已办结",
    "terminated": "已终止",
    "error": "出错",
}


def status_label(status: str) -> str:
    return f"{STATUS_NAMES.get(status, status)}（{status}）"
