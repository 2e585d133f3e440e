"""Cases in every state, made by the last release without migrations (commit 38714f3) in its own database.

Not a test module: ``tests/test_upgrade_from_release.py`` runs this file with that
release's tree (``git archive``) first on ``sys.path``, so every import below is the
release's own code — engine, seed data, procedures and test helpers as they were::

    PYTHONPATH=<release tree> python tests/release_cases.py DATABASE_URL ATTACHMENTS_DIR

It bootstraps the database as the release's server did at its start (``create_all``,
triggers, demo users, the four procedures), adds the test models loop_approval and
audit_probe, drives cases and prints ``{"state": case id, …}`` as JSON on its last line.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine.identity import load_actor  # the release's module layout
from engine.service import WorkflowEngine
from engine.settings import Settings
from engine.store.models import HumanTask, User
from tests.audit_support import DATA, RETURN
from tests.case_helpers import ACCESS_APPLY, ACCESS_START, VILLAGE_START
from tests.hostile_support import LOOP_BPMN, LOOP_FORMS

PDF = b"%PDF-1.4\n% a release's attachment\n"


def main(database_url: str, attachments: str) -> dict[str, int]:
    engine = WorkflowEngine(Settings(database_url=database_url, attachments_dir=Path(attachments)))
    engine.bootstrap()
    with engine.db.writer() as session, session.begin():
        engine.registry.deploy(session, LOOP_BPMN, LOOP_FORMS)
        probe_forms = {p.name: p.read_bytes() for p in sorted((DATA / "audit_probe").glob("*.json"))}
        engine.registry.deploy(session, (DATA / "audit_probe.bpmn").read_bytes(), probe_forms)
    with engine.db.reader() as session:
        actors = {u.username: load_actor(session, u) for u in session.scalars(select(User))}

    def complete(case: int, element: str, user: str, data: dict[str, Any], ordinal: int = 0) -> None:
        with engine.db.reader() as session:
            ids = session.scalars(select(HumanTask.id).where(
                HumanTask.instance_id == case, HumanTask.element_id == element,
                HumanTask.state == "ready").order_by(HumanTask.id)).all()
        engine.instances.complete(actors[user], ids[ordinal], data, f"{element} 的意见")

    cases: dict[str, int] = {}
    # running: 社区事务准入 returned once for correction, at the gatekeeper again, with an attachment
    running = engine.instances.start(actors["department"], "community_access", None, ACCESS_START)
    complete(running, "apply", "department", ACCESS_APPLY)
    complete(running, "gatekeep_review", "civil_affairs", RETURN)
    complete(running, "apply", "department", ACCESS_APPLY)
    engine.attachments.upload(actors["department"], running, "材料.pdf", io.BytesIO(PDF))
    cases["running"] = running

    # completed: returned for correction twelve times (the journal passes checkpoints), then signed
    completed = engine.instances.start(actors["street_a"], "loop_approval", None, {})
    for round_ in range(12):
        complete(completed, "submit", "street_a", {"title": f"第 {round_ + 1} 稿", "amount": round_ + 1})
        complete(completed, "review", "civil_affairs", {"decision": "return"})
    complete(completed, "submit", "street_a", {"title": "定稿", "amount": 20})
    complete(completed, "review", "civil_affairs", {"decision": "pass"})
    complete(completed, "sign_a", "street_a", {"agree": True})
    complete(completed, "sign_b", "civil_affairs", {"agree": True})
    cases["completed"] = completed

    # suspended: 撤村建居 just started, suspended by an admin
    suspended = engine.instances.start(actors["street_a"], "village_to_community", None, VILLAGE_START)
    engine.case_admin.suspend(actors["admin"], suspended, "等待材料")
    cases["suspended"] = suspended

    # terminated: 社区事务准入 withdrawn after one step
    terminated = engine.instances.start(actors["department"], "community_access", None, ACCESS_START)
    complete(terminated, "apply", "department", ACCESS_APPLY)
    engine.case_admin.terminate(actors["admin"], terminated, "申请撤回")
    cases["terminated"] = terminated

    # error: a script divided by zero on one of two parallel tokens
    error = engine.instances.start(actors["street_a"], "audit_probe", None, {})
    complete(error, "check", "street_a", {"divisor": 4}, ordinal=1)
    complete(error, "check", "street_a", {"divisor": 0})
    cases["error"] = error

    # waiting at the parallel countersigning of loop_approval
    signing = engine.instances.start(actors["street_a"], "loop_approval", None, {})
    complete(signing, "submit", "street_a", {"title": "会签中", "amount": 5})
    complete(signing, "review", "civil_affairs", {"decision": "pass"})
    cases["signing"] = signing
    engine.db.dispose()
    return cases


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
