from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields, validate

from engine.read.lists import TaskFilter, inbox_page

from ..context import current_actor, engine
from ..pagination import list_query, page_request, paginated_response, with_total_count
from ..schemas import ApiErrorSchema, CompleteTaskSchema, CompletionResultSchema, TaskDetailSchema, TaskSummarySchema

blp = Blueprint("tasks", __name__, description="待办任务")


class InboxTaskSchema(TaskSummarySchema):
    """A ready task with its case's business key and procedure, so an inbox needs no request per case."""

    definition_key = fields.String(required=True)


TaskListQuery = list_query(
    "TaskListQuery", sorts=("created_at", "name", "instance_id", "id", "urgency", "due"), default_sort="created_at",
    definition_key=fields.String(validate=validate.Length(min=1, max=128), metadata={"description": "流程"}),
    instance_id=fields.Integer(validate=validate.Range(min=1, max=2**31 - 1), metadata={"description": "办件"}),
    element_id=fields.String(validate=validate.Length(min=1, max=128), metadata={"description": "BPMN 元素 id"}),
    role=fields.String(validate=validate.Length(min=1, max=64), metadata={"description": "泳道角色"}),
)


@blp.route("/tasks")
@blp.arguments(TaskListQuery, location="query")
@paginated_response(blp, InboxTaskSchema)
def inbox(args: dict[str, Any]) -> Any:
    """Ready tasks the caller may act on (their role at their organisation), paginated, sortable, filterable."""
    actor = current_actor()
    eng = engine()
    filters = TaskFilter(definition_key=args.get("definition_key"), instance_id=args.get("instance_id"),
                         element_id=args.get("element_id"), role=args.get("role"))
    with eng.db.reader() as session:
        page = inbox_page(session, actor, filters, page_request(args), eng.clock.now())
    return with_total_count(page.items, page.total)


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
