"""The inbox rows of the operations state: who may act on each ready step now.

After :func:`engine.store.case_store.sync_tasks` has made one ``task`` row per ready
user task, :func:`project` makes those rows (and the ``sign`` rows of 加签) show the
holders kept on the workflow (:mod:`engine.operations.state`). A row whose holder an
operation changed (转办, 委派 …) is closed with a state saying so and a new row is
opened, so the task's history shows both; other differences are written in place.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from engine.operations import state
from engine.runtime import runner
from engine.store import statements
from engine.store.models import Deadline, HumanTask, ProcessInstance

_tasks = HumanTask.__table__

# what a closed row's state says happened to it
SIGNER_CLOSING = {"agreed": "signed", "disagreed": "signed", "removed": "removed"}


def close(session: Session, row_id: int, closing_state: str, at: datetime, by: str | None) -> None:
    p = statements.P
    session.connection().execute(statements.close_task, [{p + "id": row_id, p + "state": closing_state,
                                                          p + "completed_at": at, p + "completed_by": by}])


def open_rows(session: Session, instance_id: int) -> list[HumanTask]:
    stmt = (select(HumanTask).where(HumanTask.instance_id == instance_id, HumanTask.state == "ready")
            .order_by(HumanTask.id).execution_options(populate_existing=True))  # rows closed by Core statements
    return list(session.scalars(stmt))


def project(session: Session, instance: ProcessInstance, workflow: BpmnWorkflow, at: datetime,
            by: str | None, replaced: dict[str, str] | None = None,
            notes: dict[str, dict[str, Any]] | None = None) -> dict[str, HumanTask]:
    """Make the open rows of ``instance`` show the holders on ``workflow``; returns the step rows by task id
    (and each open signer's row by ``"<task id>:<username>"``).

    ``replaced``: spiff task id → the state to close the step's old row with when its holder changed
    (a new row is opened); any other holder change is written in place. ``notes``: spiff task id →
    the note to show on the step's row.
    """
    replaced = replaced or {}
    notes = notes or {}
    rows = open_rows(session, instance.id)
    conn = session.connection()
    result: dict[str, HumanTask] = {}
    for task in runner.ready_user_tasks(workflow):
        spiff_id = str(task.id)
        holding = state.read(task)
        main = next(r for r in rows if r.spiff_task_id == spiff_id and r.kind == "task")
        wanted = {"assignee": holding.assignee, "delegated_by": holding.delegated_by, "held": holding.held}
        note = notes.get(spiff_id, main.note)
        if spiff_id in replaced and (main.assignee, main.delegated_by) != (holding.assignee, holding.delegated_by):
            close(session, main.id, replaced[spiff_id], at, by)
            old_id = main.id
            main = _insert(session, main, "task", at, note=note, previous_task_id=old_id, **wanted)
            # the step's time limits run on: a new holder is not a new step
            conn.execute(update(Deadline).where(Deadline.human_task_id == old_id).values(human_task_id=main.id))
        elif (main.assignee, main.delegated_by, bool(main.held), main.note) != (*wanted.values(), note):
            values = wanted | {"note": note}
            conn.execute(update(_tasks).where(_tasks.c.id == main.id).values(**values))
            for name, value in values.items():
                set_committed_value(main, name, value)
        result[spiff_id] = main
        signers = {r.assignee: r for r in rows if r.spiff_task_id == spiff_id and r.kind == "sign"}
        users = holding.sign_users
        for user, row in signers.items():
            if user not in users:
                signer = holding.signing.signer(user) if holding.signing else None
                close(session, row.id, SIGNER_CLOSING.get(signer.state if signer else "", "cancelled"), at,
                      user if signer and signer.state in ("agreed", "disagreed") else by)
        for user in users:
            if user in signers:
                result[f"{spiff_id}:{user}"] = signers[user]
                continue
            sign_note = {"origin": "sign", "mode": holding.signing.mode if holding.signing else None,
                         "by": holding.signing.by if holding.signing else None}
            result[f"{spiff_id}:{user}"] = _insert(session, main, "sign", at, note=sign_note, assignee=user,
                                                   delegated_by=None, held=False, previous_task_id=None)
    return result


def close_signers(session: Session, instance_id: int, spiff_id: str, at: datetime, by: str | None,
                  closing: dict[str, str]) -> None:
    """Close the open ``sign`` rows of one step, ``closing[user]`` (default ``cancelled``) as their state."""
    for row in open_rows(session, instance_id):
        if row.spiff_task_id == spiff_id and row.kind == "sign":
            close(session, row.id, closing.get(row.assignee or "", "cancelled"), at,
                  row.assignee if row.assignee in closing else by)


def _insert(session: Session, like: HumanTask, kind: str, at: datetime, **values: Any) -> HumanTask:
    row = HumanTask(instance_id=like.instance_id, spiff_task_id=like.spiff_task_id, element_id=like.element_id,
                    name=like.name, role=like.role, org_id=like.org_id, state="ready", created_at=at,
                    completed_at=None, completed_by=None, kind=kind, definition_id=like.definition_id, **values)
    session.add(row)
    session.flush()
    return row
