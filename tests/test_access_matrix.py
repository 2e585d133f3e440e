"""The access model as a role × action matrix, through the real API (engine/identity/access.py holds the rules).

The approval operations (engine/operations/policy.py) are a second matrix: every role tries
every operation on a 撤村建居 case of 甲街道 whose first step street_a completed (draft_plan open).

Every role of engine/seed/roles.json, as its first demo user (street_a for
street_office, village_a1, community_a1, …), tries every action: start each
procedure, act on an open task of each lane, view a case, list cases, read a
case's history, deploy a definition, manage users, suspend and terminate a case.
An allowed action succeeds; a denied one is 403 with a reason and changes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from api import create_app
from engine.settings import Settings
from engine.store.models import ProcessInstance
from tests.access_cases import MatrixCases, all_roles, build_matrix_cases, canonical_users, role_scopes
from tests.support import ApiClient, fresh_settings, make_client, sqlite_url

ROLES = all_roles()
LANE_ROLES = sorted(role for role, scope in role_scopes().items() if scope != "none")
USERS = canonical_users()

# The expected model, written out independently of engine/identity/access.py.
START_ROLE = {"village_to_community": "street_office", "residents_committee": "street_office",
              "housing_handover": "natural_resources", "community_access": "department",
              "whistle_report": "grid_worker"}
# who reads the subject case (a village_to_community case of 甲街道 about 甲街道东村, nobody acted yet):
# admins and auditors; clerks of its street office, of the village it concerns, of the district and
# the city above it. Not: another village/community, the developer, the process owner.
SUBJECT_CASE_READERS = {"admin", "auditor", "street_office", "village_committee", "civil_affairs",
                        "district_government", "natural_resources", "housing_construction", "leadership_group",
                        "department", "civil_affairs_upper"}

ACTIONS = ([f"start:{key}" for key in START_ROLE] + [f"act:{lane}" for lane in LANE_ROLES]
           + ["view", "list", "history", "deploy", "manage_users", "suspend", "terminate"])


def allowed(role: str, action: str) -> bool:
    kind, _, target = action.partition(":")
    if kind == "start":
        return role == START_ROLE[target]
    if kind == "act":
        return role == target
    if kind in ("view", "list", "history"):
        return role in SUBJECT_CASE_READERS
    if kind == "deploy":
        return role == "process_owner"
    if kind == "terminate":  # admins; the starter before any other unit acted; the model's terminateRoles
        return role in ("admin", "street_office", "civil_affairs")
    return role == "admin"  # manage_users, suspend


@pytest.fixture(scope="module")
def matrix_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, MatrixCases]:
    directory = tmp_path_factory.mktemp("matrix")
    settings = fresh_settings(template_db, directory)
    for client in make_client(settings):
        cases = build_matrix_cases(client, set(LANE_ROLES))
    return directory / "case.db", cases


@pytest.fixture
def mapi(matrix_db: tuple[Path, MatrixCases], tmp_path: Path) -> Iterator[ApiClient]:
    """A fresh copy of the matrix database (already set up) behind the real app."""
    db = tmp_path / "case.db"
    db.write_bytes(matrix_db[0].read_bytes())
    app = create_app(Settings(database_url=sqlite_url(db), attachments_dir=tmp_path / "attachments"))
    try:
        yield ApiClient(app, app.test_client())
    finally:
        app.extensions["workflow_engine"].db.dispose()


@pytest.fixture
def cases(matrix_db: tuple[Path, MatrixCases]) -> MatrixCases:
    return matrix_db[1]


def case_view(api: ApiClient, instance_id: int) -> dict[str, Any]:
    response = api.get(f"/process-instances/{instance_id}", as_user="admin")
    assert response.status_code == 200
    return response.get_json()


def case_count(api: ApiClient) -> int:
    with api.engine.db.reader() as session:
        return session.scalar(select(func.count()).select_from(ProcessInstance)) or 0


def assert_denied(response: Any) -> None:
    assert response.status_code == 403, (response.status_code, response.get_json())
    error = response.get_json()["error"]
    assert error["code"] == "forbidden"
    assert error["message"], "a denial names its reason"


def deploy_body() -> dict[str, Any]:
    fixtures = Path(__file__).parent / "fixtures"
    forms = sorted((fixtures / "forms" / "loop_approval").glob("*.json"))
    return {"bpmn": (io.BytesIO((fixtures / "loop_approval.bpmn").read_bytes()), "loop_approval.bpmn"),
            "forms": [(io.BytesIO(p.read_bytes()), p.name) for p in forms]}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_role_action(mapi: ApiClient, cases: MatrixCases, role: str, action: str) -> None:
    user = USERS[role]
    may = allowed(role, action)
    kind, _, target = action.partition(":")
    case = cases.subject_case
    if kind == "start":
        before = case_count(mapi)
        response = mapi.start(user, target, cases.start_data[target])
        if may:
            assert response.status_code == 201, response.get_json()
            assert response.get_json()["started_by"]["username"] == user
        else:
            assert_denied(response)
            assert case_count(mapi) == before
    elif kind == "act":
        task = cases.lane_tasks[target]
        before = case_view(mapi, task.instance_id)
        response = mapi.complete(task.task_id, user, task.data, task.comment)
        if may:
            assert response.status_code == 200, response.get_json()
            assert task.task_id not in [t["id"] for t in response.get_json()["active_tasks"]]
        else:
            assert_denied(response)
            assert case_view(mapi, task.instance_id) == before
    elif kind == "view":
        response = mapi.get(f"/process-instances/{case}", as_user=user)
        if may:
            assert response.status_code == 200
            assert response.get_json()["id"] == case
        else:
            assert_denied(response)
    elif kind == "list":
        response = mapi.get("/process-instances?limit=500", as_user=user)
        assert response.status_code == 200, response.get_json()
        assert (case in [c["id"] for c in response.get_json()]) == may
    elif kind == "history":
        response = mapi.get(f"/process-instances/{case}/history", as_user=user)
        if may:
            assert response.status_code == 200, response.get_json()
        else:
            assert_denied(response)
    elif kind == "deploy":
        response = mapi.client.post("/api/v1/process-definitions", data=deploy_body(), headers=mapi.headers(user),
                                    content_type="multipart/form-data")
        if may:
            assert response.status_code in (200, 201), response.get_json()
        else:
            assert_denied(response)
            keys = [d["key"] for d in mapi.get("/process-definitions", as_user="admin").get_json()]
            assert "loop_approval" not in keys
    elif kind == "manage_users":
        new_user = {"username": "matrix_new", "display_name": "矩阵测试", "password": "matrix-pass-1",
                    "org": "street_a", "roles": ["street_office"]}
        response = mapi.post("/users", new_user, as_user=user)
        if may:
            assert response.status_code == 201, response.get_json()
        else:
            assert_denied(response)
            assert "matrix_new" not in [u["username"] for u in mapi.get("/users", as_user="admin").get_json()]
    else:  # suspend, terminate
        before = case_view(mapi, case)
        response = mapi.post(f"/process-instances/{case}/{kind}", {"reason": "权限矩阵测试"}, as_user=user)
        if may:
            assert response.status_code in (200, 204), response.get_json()
            assert case_view(mapi, case)["status"] == ("suspended" if kind == "suspend" else "terminated")
        else:
            assert_denied(response)
            assert case_view(mapi, case) == before


@pytest.mark.parametrize("lane", LANE_ROLES)
def test_lane_role_at_another_organisation_is_refused(mapi: ApiClient, cases: MatrixCases, lane: str) -> None:
    """Holding the task's role is not enough: the user must be at the organisation the task is offered to."""
    task = cases.lane_tasks[lane]
    task_org = next(t["org"] for t in case_view(mapi, task.instance_id)["active_tasks"] if t["id"] == task.task_id)
    other_org = "street_b" if task_org != "street_b" else "street_a"
    other = {"username": f"other_{lane}", "display_name": "外单位同角色", "password": "other-pass-1",
             "org": other_org, "roles": [lane]}
    created = mapi.post("/users", other, as_user="admin")
    assert created.status_code == 201, created.get_json()
    before = case_view(mapi, task.instance_id)
    mapi.token(f"other_{lane}", "other-pass-1")  # log in once; later calls reuse the token
    response = mapi.complete(task.task_id, f"other_{lane}", task.data, task.comment)
    assert_denied(response)
    assert "其他单位" in response.get_json()["error"]["message"]
    assert case_view(mapi, task.instance_id) == before
    inbox = mapi.get("/tasks", as_user=f"other_{lane}").get_json()
    assert task.task_id not in [t["id"] for t in inbox]


@pytest.mark.parametrize("user", ["street_b", "village_b1", "community_b1"])
def test_clerks_of_another_street_never_see_the_case(mapi: ApiClient, cases: MatrixCases, user: str) -> None:
    assert_denied(mapi.get(f"/process-instances/{cases.subject_case}", as_user=user))
    open_ids = {t["id"] for t in case_view(mapi, cases.subject_case)["active_tasks"]}
    assert not open_ids & {t["id"] for t in mapi.get("/tasks?limit=500", as_user=user).get_json()}
    for task_id in open_ids:
        assert_denied(mapi.get(f"/tasks/{task_id}", as_user=user))


# -- the approval operations -------------------------------------------------------------------------

# the clerks of the district and the city above 甲街道, who supervise its open step (催办)
SUPERVISORS = {"civil_affairs", "district_government", "natural_resources", "housing_construction",
               "leadership_group", "department", "civil_affairs_upper"}
OPERATIONS = {
    # operation: (who may, where it is posted, body)
    "return": ({"street_office"}, "task", {"target_element_id": "check_eligibility", "comment": "权限矩阵退回"}),
    "transfer": ({"street_office"}, "task", {"to_user": "street_a_wang", "comment": "权限矩阵转办"}),
    "delegate": ({"street_office"}, "task", {"to_user": "street_a_wang", "comment": "权限矩阵委派"}),
    "add-signers": ({"street_office"}, "task",
                    {"users": ["street_a_wang"], "mode": "before", "comment": "权限矩阵加签"}),
    "remove-signer": ({"street_office"}, "signing", {"user": "street_a_wang", "comment": "权限矩阵减签"}),
    "sign": (set(), "sign", {"data": {"agree": True}, "comment": "权限矩阵签署"}),
    "withdraw": ({"street_office"}, "done", {"comment": "权限矩阵撤回"}),
    "cc": ({"street_office", "admin"}, "case", {"users": ["street_b"], "comment": "权限矩阵抄送"}),
    "urge": ({"street_office", "admin"} | SUPERVISORS, "case", {"comment": "权限矩阵催办"}),
    "jump": ({"admin"}, "case", {"target_element_id": "civil_review", "reason": "权限矩阵跳转"}),
}


@pytest.fixture(scope="module")
def operations_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """Two cases at draft_plan (street_a completed check_eligibility); in the second street_a added a signer."""
    directory = tmp_path_factory.mktemp("operations_matrix")
    settings = fresh_settings(template_db, directory)
    ids: dict[str, int] = {}
    for client in make_client(settings):
        for name in ("case", "signing_case"):
            started = client.start("street_a", "village_to_community", OPERATIONS_CASE_START)
            assert started.status_code == 201, started.get_json()
            case_id = started.get_json()["id"]
            first = client.open_task(case_id, "check_eligibility", "street_a")
            assert client.complete(first["id"], "street_a", OPERATIONS_CASE_ELIGIBILITY).status_code == 200
            ids[name] = case_id
            ids[f"{name}_done"] = first["id"]
            ids[f"{name}_task"] = client.open_task(case_id, "draft_plan", "street_a")["id"]
        added = client.post(f"/tasks/{ids['signing_case_task']}/add-signers",
                            {"users": ["street_a_wang"], "mode": "parallel", "comment": "会签"}, as_user="street_a")
        assert added.status_code == 200, added.get_json()
        ids["sign_row"] = added.get_json()["sign_tasks"][0]["id"]
    return directory / "case.db", ids


OPERATIONS_CASE_START = {"subject_org": "village_a1", "village_name": "甲街道东村"}
OPERATIONS_CASE_ELIGIBILITY = {"collective_org_established": True, "assets_inventoried": True,
                               "shares_quantified": True, "whole_village_demolished": False}


@pytest.fixture
def oapi(operations_db: tuple[Path, dict[str, int]], tmp_path: Path) -> Iterator[ApiClient]:
    db = tmp_path / "case.db"
    db.write_bytes(operations_db[0].read_bytes())
    app = create_app(Settings(database_url=sqlite_url(db), attachments_dir=tmp_path / "attachments"),
                     bootstrap=False)
    try:
        yield ApiClient(app, app.test_client())
    finally:
        app.extensions["workflow_engine"].db.dispose()


def history_length(api: ApiClient, instance_id: int) -> int:
    response = api.get(f"/process-instances/{instance_id}/history?limit=500", as_user="admin")
    return int(response.headers["X-Total-Count"])


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("role", ROLES)
def test_role_operation(oapi: ApiClient, operations_db: tuple[Path, dict[str, int]], role: str,
                        operation: str, request: pytest.FixtureRequest) -> None:
    ids = operations_db[1]
    user = USERS[role]
    allowed_roles, where, body = OPERATIONS[operation]
    case = ids["signing_case"] if where in ("signing", "sign") else ids["case"]
    path = {
        "task": f"/tasks/{ids['case_task']}/{operation}",
        "signing": f"/tasks/{ids['signing_case_task']}/{operation}",
        "sign": f"/tasks/{ids['sign_row']}/complete",
        "done": f"/tasks/{ids['case_done']}/{operation}",
        "case": f"/process-instances/{case}/{operation}",
    }[where]
    before, entries = case_view(oapi, case), history_length(oapi, case)
    response = oapi.post(path, body, as_user=user)
    if role in allowed_roles:
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["id"] == case, "the answer is the case's new state"
        assert history_length(oapi, case) > entries
    else:
        assert_denied(response)
        assert case_view(oapi, case) == before
        assert history_length(oapi, case) == entries
