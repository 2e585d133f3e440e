"""What may be done to a step: by the model (its properties), by who is asking, by the case's state.

A refusal names its rule: :class:`~engine.errors.Forbidden` (403) for the model or the
person, :class:`~engine.errors.Conflict` (409) for the state of the case or the step.
"""

from __future__ import annotations

from engine.cases.status import status_label as status_label
from engine.definitions.compile import CompiledDefinition
from engine.errors import Conflict, Forbidden
from engine.identity import access
from engine.identity.actors import Actor
from engine.operations import model_properties as mp
from engine.operations.state import Holding
from engine.store.models import HumanTask, ProcessInstance

NAMES = {
    "return": "退回", "withdraw": "撤回", "transfer": "转办", "delegate": "委派", "add-signers": "加签",
    "remove-signer": "减签", "cc": "抄送", "urge": "催办", "terminate": "终止", "jump": "跳转",
}


def name(operation: str) -> str:
    return NAMES.get(operation, operation)


def task_operations(definition: CompiledDefinition, element_id: str) -> frozenset[str]:
    props = definition.properties.get(element_id, {})
    if mp.ALLOWED_OPERATIONS not in props:
        return mp.DEFAULT_TASK_OPERATIONS
    return frozenset(mp.operation_name(n) for n in mp.split_list(props[mp.ALLOWED_OPERATIONS]))


def model_allows(definition: CompiledDefinition, element_id: str, operation: str) -> bool:
    return operation in task_operations(definition, element_id)


def require_model_allows(definition: CompiledDefinition, element_id: str, operation: str) -> None:
    if not model_allows(definition, element_id, operation):
        element = definition.elements.get(element_id)
        raise Forbidden(f"流程模型不允许在环节「{element.name if element else element_id}」{name(operation)}"
                        f"（allowedOperations）")


def return_targets(definition: CompiledDefinition, element_id: str) -> list[str] | None:
    """The targets the model restricts 退回 to, or None (every completed upstream user task)."""
    props = definition.properties.get(element_id, {})
    return mp.split_list(props[mp.RETURN_TARGETS]) if mp.RETURN_TARGETS in props else None


def cc_roles(definition: CompiledDefinition, element_id: str) -> list[str]:
    return mp.split_list(definition.properties.get(element_id, {}).get(mp.CC_ROLES))


def candidate_roles(definition: CompiledDefinition, element_id: str) -> list[str]:
    return mp.split_list(definition.properties.get(element_id, {}).get(mp.CANDIDATE_ROLES))


def terminate_roles(definition: CompiledDefinition) -> list[str]:
    return mp.split_list(definition.process_properties.get(mp.TERMINATE_ROLES))


# -- the case and the step ---------------------------------------------------------------------

def require_running(instance: ProcessInstance, operation: str) -> None:
    if instance.status != "running":
        raise Conflict(f"办件当前状态为{status_label(instance.status)}，不能{name(operation)}")


def require_open(row: HumanTask) -> None:
    if row.state != "ready":
        raise Conflict("该任务已办理完毕或已取消")


def require_holder(actor: Actor, row: HumanTask, operation: str, holding: Holding) -> None:
    """The step itself (not a signer's part), held by ``actor``, not delegated away, not waiting for signers."""
    if row.kind != "task":
        raise Forbidden(f"加签人只能签署意见，不能{name(operation)}")
    access.require_task_actor(actor, row)
    if holding.delegated_by is not None:
        raise Forbidden(f"受委派的任务只能办理后交回委派人，不能{name(operation)}")
    if holding.held:
        raise Conflict(f"该任务正等待加签人签署，暂不能{name(operation)}")
