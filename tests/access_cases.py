"""Cases for the access matrix: an open task in every lane, replayed from the Gherkin scenarios.

The scenarios in features/ are valid walks through every procedure. Replaying
their start and complete steps through the API (and stopping at the first task
of each lane) gives, for every role that has lanes, an open task together with
form data that is valid for it, so an allowed actor's completion really succeeds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gherkin.parser import Parser

from tests.paper_files import upload_papers
from tests.support import ApiClient

ROOT = Path(__file__).resolve().parent.parent
START = re.compile(r'^user "(?P<user>[^"]+)" starts a "(?P<key>[^"]+)" case with:$')
COMPLETE = re.compile(r'^user "(?P<user>[^"]+)" completes task "(?P<element>[^"]+)" with'
                      r'(?: comment "(?P<comment>[^"]+)" and)?:$')


@dataclass(frozen=True)
class Step:
    kind: str  # "start" or "complete"
    user: str
    target: str  # definition key or element id
    data: dict[str, Any]
    comment: str | None = None


@dataclass(frozen=True)
class OpenTask:
    role: str
    task_id: int
    instance_id: int
    element_id: str
    data: dict[str, Any]
    comment: str | None


@dataclass
class MatrixCases:
    lane_tasks: dict[str, OpenTask] = field(default_factory=dict)
    start_data: dict[str, dict[str, Any]] = field(default_factory=dict)  # definition key -> valid start data
    subject_case: int = 0  # a village_to_community case of street_a about village_a1, nobody acted yet


def demo_users() -> list[dict[str, Any]]:
    return json.loads((ROOT / "engine" / "seed" / "demo.json").read_text(encoding="utf-8"))["users"]


def role_scopes() -> dict[str, str]:
    """Every role of engine/seed/roles.json with its scope ("none": no lanes)."""
    roles = json.loads((ROOT / "engine" / "seed" / "roles.json").read_text(encoding="utf-8"))
    return {r["id"]: r["scope"] for r in roles}


def all_roles() -> list[str]:
    return list(role_scopes())


def canonical_users() -> dict[str, str]:
    """The first demo user holding each role (street_a for street_office, village_a1, community_a1, …)."""
    users: dict[str, str] = {}
    for user in demo_users():
        for role in user["roles"]:
            users.setdefault(role, user["username"])
    return users


def scenario_walks() -> list[list[Step]]:
    walks = []
    procedures = {p.stem for p in (ROOT / "processes").glob("*.bpmn")}
    for path in sorted((ROOT / "features").glob("*.feature")):
        if path.stem not in procedures:  # e.g. deployment.feature changes the procedures as it goes
            continue
        document = Parser().parse(path.read_text(encoding="utf-8"))
        background: list[dict[str, Any]] = []  # a feature's Background runs before each of its scenarios
        for child in document["feature"]["children"]:
            if child.get("background"):
                background = list(child["background"]["steps"])
            scenario = child.get("scenario")
            if not scenario:
                continue
            steps = []
            for step in background + list(scenario["steps"]):
                doc = (step.get("docString") or {}).get("content", "")
                data = json.loads(doc) if doc.strip() else {}
                if match := START.match(step["text"]):
                    steps.append(Step("start", match["user"], match["key"], data))
                elif match := COMPLETE.match(step["text"]):
                    steps.append(Step("complete", match["user"], match["element"], data, match["comment"]))
                elif step["text"].startswith("the clock moves to"):
                    break  # what follows waits on the clock (a timer), which these replays do not move
                elif step["text"].startswith("we turn to the linked case"):
                    break  # what follows acts on another case
                elif doc.strip() and " is refused " not in step["text"]:
                    break  # an action this replay cannot take (a paper upload, a meeting): the walk ends here
            if steps and steps[0].kind == "start":
                walks.append(steps)
    return walks


def _replay(api: ApiClient, walk: list[Step], cases: MatrixCases, wanted: set[str],
            canonical: dict[str, str]) -> bool:
    """Replay ``walk`` in a new case; stop at the first task of a wanted lane (True), else run to the end."""
    case_id = 0
    # a completed 撤村建居 converts its villages, which later cases of this database must still name: its
    # walk stops before the last completion
    if walk and walk[0].target == "village_to_community" and walk[-1].kind == "complete":
        walk = walk[:-1]
    for step in walk:
        if step.kind == "start":
            response = api.start(step.user, step.target, step.data)
            if response.status_code == 422:
                return False  # a unit this replay lacks (one the scenario's own Given step set up)
            assert response.status_code == 201, response.get_json()
            case_id = response.get_json()["id"]
            continue
        task = api.open_task(case_id, step.target, step.user)
        role = task["role"]
        data = upload_papers(api, case_id, step.user, step.data)  # papers: uploaded to the case first
        if role in wanted and role not in cases.lane_tasks and canonical.get(role) == step.user:
            cases.lane_tasks[role] = OpenTask(role, task["id"], case_id, step.target, data, step.comment)
            return True
        response = api.complete(task["id"], step.user, data, step.comment)
        assert response.status_code == 200, response.get_json()
    return False


def build_matrix_cases(api: ApiClient, lane_roles: set[str]) -> MatrixCases:
    cases = MatrixCases()
    canonical = canonical_users()
    walks = scenario_walks()
    for walk in walks:
        start = walk[0]
        if start.kind == "start" and start.user in canonical.values():
            cases.start_data.setdefault(start.target, start.data)
    for walk in walks:
        if lane_roles <= cases.lane_tasks.keys():
            break
        # each stop leaves one task open; replay the walk again in a new case to go past it
        while _replay(api, walk, cases, lane_roles, canonical):
            pass
    missing = lane_roles - cases.lane_tasks.keys()
    assert not missing, f"no scenario reaches a task of lanes {sorted(missing)} as their canonical user"
    response = api.start("street_a", "village_to_community", cases.start_data["village_to_community"])
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["subject_org"] == "village_a1"
    cases.subject_case = response.get_json()["id"]
    return cases
