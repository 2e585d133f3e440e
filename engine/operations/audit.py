"""Verification of the operations state: the snapshot and the inbox rows against the journal's replay.

The holders and signers of every ready step (:mod:`engine.operations.state`) are
rebuilt by replaying the journal; the stored snapshot must carry exactly the same,
and the open ``human_tasks`` rows must show them: the step's row its assignee,
delegator and whether it waits for signers, one ``sign`` row per signer who may sign now.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.operations import state
from engine.runtime import runner
from engine.store.models import HumanTask


def check_holders(session: Session, instance: Any, stored: BpmnWorkflow, replayed: BpmnWorkflow) -> str | None:
    """Why the case's holders are not what the journal says, or None."""
    if state.of_ready_tasks(stored) != state.of_ready_tasks(replayed):
        return "办件快照中的办理人或加签状态与日志重放的结果不符"
    rows = list(session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                        HumanTask.state == "ready")))
    for task in runner.ready_user_tasks(stored):
        holding = state.read(task)
        spiff_id = str(task.id)
        mains = [r for r in rows if r.spiff_task_id == spiff_id and r.kind == "task"]
        if len(mains) != 1:
            return f"环节 {runner.bpmn_id(task)} 的待办任务不是恰好一条"
        main = mains[0]
        if (main.assignee, main.delegated_by, bool(main.held)) != (holding.assignee, holding.delegated_by,
                                                                    holding.held):
            return f"环节 {runner.bpmn_id(task)} 的办理人与日志重放的结果不符"
        signers = sorted(r.assignee or "" for r in rows if r.spiff_task_id == spiff_id and r.kind == "sign")
        if signers != sorted(holding.sign_users):
            return f"环节 {runner.bpmn_id(task)} 的加签人 {signers} 与日志重放的结果 {sorted(holding.sign_users)} 不符"
    ready_ids = {str(t.id) for t in runner.ready_user_tasks(stored)}
    if any(r.spiff_task_id not in ready_ids for r in rows if r.kind == "sign"):
        return "有加签任务所属的环节已不在办理中"
    return None
