"""抄送我的 (copies) and notifications (消息: 催办, 被退回, 转办给我, 加签给我, 抄送 …)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from engine.notifications import NotificationFilter
from engine.operations.copies import CopyFilter

from ..context import current_actor, engine
from ..openapi import errors
from ..operation_schemas import (
    CopyListQuery,
    CopyViewSchema,
    NotificationListQuery,
    NotificationSchema,
    UnreadCountSchema,
)
from ..pagination import TOTAL_COUNT_DOC, TOTAL_COUNT_HEADER, page_request, paginated_response, with_total_count

blp = Blueprint("notifications", __name__, description="抄送我的与消息提醒")

UNREAD_HEADER = "X-Unread-Count"
UNREAD_DOC = {UNREAD_HEADER: {"description": "未读消息数", "schema": {"type": "integer", "minimum": 0}}}


@blp.route("/copies")
@blp.arguments(CopyListQuery, location="query")
@paginated_response(blp, CopyViewSchema)
def list_copies(args: dict[str, Any]) -> Any:
    """Cases copied to me (抄送我的), newest first, with their read flag."""
    read = args.get("read")
    page = engine().operations.copies(current_actor(), CopyFilter(read=read), page_request(args))
    return with_total_count(page.items, page.total)


@blp.route("/copies/<int:copy_id>/read", methods=["POST"])
@blp.response(200, CopyViewSchema)
@errors(blp, 404)
def read_copy(copy_id: int) -> dict[str, Any]:
    """Mark a copy as read."""
    return engine().operations.read_copy(current_actor(), copy_id)


@blp.route("/notifications")
@blp.arguments(NotificationListQuery, location="query")
@blp.response(200, NotificationSchema(many=True), headers=TOTAL_COUNT_DOC | UNREAD_DOC)
def list_notifications(args: dict[str, Any]) -> Any:
    """My notifications, newest first; the number unread in X-Unread-Count."""
    filters = NotificationFilter(unread=args.get("unread"), kind=args.get("kind"))
    page, unread = engine().operations.notifications(current_actor(), filters, page_request(args))
    return page.items, 200, {TOTAL_COUNT_HEADER: str(page.total), UNREAD_HEADER: str(unread)}


@blp.route("/notifications/unread-count")
@blp.response(200, UnreadCountSchema)
def unread_count() -> dict[str, int]:
    """How many of my notifications are unread (the bell)."""
    return {"unread": engine().operations.unread_notifications(current_actor())}


@blp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@blp.response(200, NotificationSchema)
@errors(blp, 404)
def read_notification(notification_id: int) -> dict[str, Any]:
    """Mark a notification as read."""
    return engine().operations.read_notification(current_actor(), notification_id)
