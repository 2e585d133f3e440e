from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from ..context import current_actor, engine
from ..schemas import ApiErrorSchema, CompleteTaskSchema, CompletionResultSchema, TaskDetailSchema, TaskSummarySchema

blp = Blueprint("tasks", __name__, description="待办任务")


@blp.route("/tasks")
@blp.response(200, TaskSummarySchema(many=True))
@blp.alt_response(401, schema=ApiErrorSchema)
def inbox() -> list[dict[str, Any]]:
    """Ready tasks the caller may act on (their role at their organisation)."""
    actor = current_actor()
    eng = engine()
    with eng.db.reader() as session:
        return eng.queries.inbox(session, actor)


@blp.route("/tasks/<int:task_id>")
@blp.response(200, TaskDetailSchema)
@blp.alt_response(403, schema=ApiErrorSchema)
@blp.alt_response(404, schema=ApiErrorSchema)
def get_task(task_id: int) -> dict[str, Any]:
    """A task with its form (JSON Schema and UI schema) and the case's current data."""
    actor = current_actor()
    eng = engine()
    with eng.db.reader() as session:
        return eng.queries.task_detail(session, actor, task_id)


@blp.route("/tasks/<int:task_id>/complete", methods=["POST"])
@blp.arguments(CompleteTaskSchema)
@blp.response(200, CompletionResultSchema)
@blp.alt_response(403, schema=ApiErrorSchema, description="不是您的任务")
@blp.alt_response(404, schema=ApiErrorSchema, description="任务不存在")
@blp.alt_response(409, schema=ApiErrorSchema, description="任务已办理")
@blp.alt_response(422, schema=ApiErrorSchema, description="表单数据不符合要求")
def complete_task(body: dict[str, Any], task_id: int) -> dict[str, Any]:
    """Submit the task's form (and an opinion); the case moves on. Returns the case's new state."""
    actor = current_actor()
    eng = engine()
    instance_id = eng.instances.complete(actor, task_id, body.get("data") or {}, body.get("comment"))
    with eng.db.reader() as session:
        return eng.queries.instance_view(session, actor, instance_id)
