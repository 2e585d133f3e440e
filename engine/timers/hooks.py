"""What time needs after a command moved a case: timer rows (and time limits) kept in step.

Called from :func:`engine.store.case_store.sync_tasks`, the one place every command
passes after changing a workflow, inside the command's transaction. A definition
without timers or limits costs nothing here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy.orm import Session

from engine.definitions.compile import CompiledDefinition
from engine.store.models import ProcessInstance
from engine.timers.arming import sync_timers

AfterSync = Callable[[Session, ProcessInstance, CompiledDefinition, BpmnWorkflow, datetime], None]
# further steps (time limits: engine/limits/tracking.py) register here
AFTER_SYNC: list[tuple[Callable[[CompiledDefinition], bool], AfterSync]] = [
    (lambda definition: bool(definition.timers), sync_timers),
]


def register(applies: Callable[[CompiledDefinition], bool], step: AfterSync) -> None:
    AFTER_SYNC.append((applies, step))


def after_tasks_synced(session: Session, instance: ProcessInstance, definition: CompiledDefinition,
                       workflow: BpmnWorkflow, at: datetime) -> None:
    for applies, step in AFTER_SYNC:
        if applies(definition):
            step(session, instance, definition, workflow, at)
