"""Messages and signals from outside systems: POST /messages, POST /signals (engine/messages/)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..context import current_actor, engine
from ..openapi import errors

blp = Blueprint("messages", __name__, description="消息与信号：送达等待中的办件，或发起由其启动的流程")


class SignalSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200),
                         metadata={"description": "信号名称（模型中 bpmn:signal 的 name）"})
    data = fields.Dict(keys=fields.String(), load_default=dict, metadata={"description": "随信号送达的数据"})
    org = fields.String(validate=validate.Length(min=1, max=64),
                        metadata={"description": "由它发起新办件时，办件所属单位（默认发送者所在单位）"})


class MessageSchema(SignalSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200),
                         metadata={"description": "消息名称（模型中 bpmn:message 的 name）"})
    correlation = fields.Dict(keys=fields.String(), load_default=dict,
                              metadata={"description": "关联：business_key（办件编号）和/或模型声明的关联属性及其值"})


class ReachedSchema(Schema):
    instance_id = fields.Integer(required=True)
    business_key = fields.String(allow_none=True)
    element_id = fields.String(required=True, metadata={"description": "接收的元素"})


class StartedSchema(Schema):
    instance_id = fields.Integer(required=True)
    business_key = fields.String(allow_none=True)
    definition_key = fields.String(required=True)


class DeliverySchema(Schema):
    delivered = fields.List(fields.Nested(ReachedSchema), required=True, metadata={"description": "送达的办件"})
    started = fields.List(fields.Nested(StartedSchema), required=True, metadata={"description": "由它发起的办件"})


@blp.route("/messages", methods=["POST"])
@blp.arguments(MessageSchema)
@blp.response(200, DeliverySchema)
@errors(blp, 400, 403, 404, 409, 422, s403="无权向等待该消息的办件发送",
        s404="没有办件在等待该消息，也没有流程由它发起",
        s409="消息往复过多，或办件正被同时办理", s422="数据不符合由消息发起的流程的发起表单")
def send_message(body: dict[str, Any]) -> dict[str, Any]:
    """Deliver a message to the running cases waiting for it whose correlation agrees (a business_key, or the
    correlation properties the model declares), or start a case of each procedure whose start event waits for it.

    Admins may send any message; others reach a waiting case only with the role of the lane of the waiting
    element at the unit it is offered at (as for acting on a task). Each delivery is a journal entry of the case.
    """
    return engine().messages.send(current_actor(), "message", body["name"], body["correlation"], body["data"],
                                  body.get("org"))


@blp.route("/signals", methods=["POST"])
@blp.arguments(SignalSchema)
@blp.response(200, DeliverySchema)
@errors(blp, 400, 403, 404, 409, 422, s403="无权向等待该信号的办件发送",
        s404="没有办件在等待该信号，也没有流程由它发起",
        s409="信号往复过多，或办件正被同时办理", s422="数据不符合由信号发起的流程的发起表单")
def broadcast_signal(body: dict[str, Any]) -> dict[str, Any]:
    """Broadcast a signal to every running case waiting for it (that the sender may reach), and start a case of
    each procedure whose start event waits for it."""
    return engine().messages.send(current_actor(), "signal", body["name"], {}, body["data"], body.get("org"))
