from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import fields, validate

from api.workbench_schemas import DoneTaskSchema, InboxTaskSchema, WorkbenchTaskDetailSchema
from engine.read.workbench import DONE_SORTS, INBOX_SORTS, DoneFilter, InboxFilter

from ..context import current_actor, engine
from ..idempotency import idempotent
from ..pagination import list_query, page_request, paginated_response, with_total_count
from ..schemas import ApiErrorSchema, CompleteTaskSchema, CompletionResultSchema

blp = Blueprint("tasks", __name__, description="待办任务")

_SEARCH = fields.String(validate=validate.Length(min=1, max=100),
                        metadata={"description": "办件编号或事项名称中包含的文字"})
_PROCEDURE = fields.String(validate=validate.Length(min=1, max=128), metadata={"description": "流程"})

TaskListQuery = list_query(
    "TaskListQuery", sorts=(*INBOX_SORTS, "urgency", "due"), default_sort="created_at",
    q=_SEARCH,
    definition_key=_PROCEDURE,
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
    filters = InboxFilter(definition_key=args.get("definition_key"), instance_id=args.get("instance_id"),
                          element_id=args.get("element_id"), role=args.get("role"), q=args.get("q"))
    page = engine().views.inbox(actor, filters, page_request(args))
    return with_total_count(page.items, page.total)


DoneListQuery = list_query("DoneListQuery", sorts=tuple(DONE_SORTS), default_sort="-completed_at",
                           q=_SEARCH, definition_key=_PROCEDURE)


@blp.route("/tasks/done")
@blp.arguments(DoneListQuery, location="query")
@paginated_response(blp, DoneTaskSchema)
def done(args: dict[str, Any]) -> Any:
    """已办: the tasks the caller completed, newest first, with their opinion and where each case stands now."""
    actor = current_actor()
    filters = DoneFilter(definition_key=args.get("definition_key"), q=args.get("q"))
    page = engine().views.done(actor, filters, page_request(args))
    return with_total_count(page.items, page.total)


@blp.route("/tasks/<int:task_id>")
@blp.response(200, WorkbenchTaskDetailSchema)
@blp.alt_response(403, schema=ApiErrorSchema)
@blp.alt_response(404, schema=ApiErrorSchema)
def get_task(task_id: int) -> dict[str, Any]:
    """A task with its form (JSON Schema and UI schema), the case's current data, who sent it and when,
    and the case's earlier submissions step by step (`case.steps`, as `/process-instances/{id}/steps`)."""
    return engine().views.task(current_actor(), task_id)


@blp.route("/tasks/<int:task_id>/complete", methods=["POST"])
@blp.arguments(CompleteTaskSchema)
@blp.response(200, CompletionResultSchema)
@blp.alt_response(403, schema=ApiErrorSchema, description="不是您的任务")
@blp.alt_response(404, schema=ApiErrorSchema, description="任务不存在")
@blp.alt_response(409, schema=ApiErrorSchema, description="任务已办理")
@blp.alt_response(422, schema=ApiErrorSchema, description="表单数据不符合要求，或幂等键已用于另一请求")
@idempotent(blp)
def complete_task(body: dict[str, Any], task_id: int) -> dict[str, Any]:
    """Submit the task's form (and an opinion); the case moves on. Returns the case's new state."""
    actor = current_actor()
    eng = engine()
    instance_id = eng.instances.complete(actor, task_id, body.get("data") or {}, body.get("comment"))
    return eng.views.case(actor, instance_id)
