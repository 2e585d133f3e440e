"""The engine-core API contract: authentication, errors, ownership, versions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from engine.store.models import JournalEntry, ProcessDefinition
from tests.support import ApiClient

ACCESS_START = {"item_title": "学生近视筛查台账", "applicant_department": "沣西新城教育局"}
APPLY = {
    "item_type": "certificate", "item_content": "协助核实辖区高龄老人生存状况并出具年度认证意见",
    "target_group": "辖区80周岁以上户籍老年人", "authority_scope": "受区卫生健康局委托开展入户核实，出具认证意见",
    "time_limit_months": 12, "time_limit_desc": "2027年1月1日至2027年12月31日", "funding_amount": 60000,
    "funding_source": "district_special", "ledger_form": "electronic",
}



def _start_access(api: ApiClient) -> dict[str, Any]:
    response = api.start("department", "community_access", ACCESS_START)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_health_needs_no_token(api: ApiClient) -> None:
    response = api.client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_login_with_bad_password_is_401(api: ApiClient) -> None:
    response = api.post("/auth/token", {"username": "street_a", "password": "wrong"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    unknown = api.post("/auth/token", {"username": "nobody", "password": "demo"})
    assert unknown.status_code == 401


def test_login_then_use_the_token(api: ApiClient) -> None:
    response = api.post("/auth/token", {"username": "street_a", "password": "demo"})
    assert response.status_code == 200
    token = response.get_json()["token"]
    tasks = api.client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert tasks.status_code == 200


def test_every_endpoint_but_health_needs_a_token(api: ApiClient) -> None:
    for path in ("/tasks", "/process-definitions", "/process-instances/1", "/users", "/tasks/1"):
        response = api.client.get(f"/api/v1{path}")
        assert response.status_code == 401, path
        assert response.get_json()["error"]["code"] == "unauthorized"
    bogus = api.client.get("/api/v1/tasks", headers={"Authorization": "Bearer not-a-token"})
    assert bogus.status_code == 401


def test_users_is_for_admins(api: ApiClient) -> None:
    assert api.get("/users", as_user="street_a").status_code == 403
    users = api.get("/users", as_user="admin").get_json()
    by_name = {u["username"]: u for u in users}
    assert by_name["street_a"]["roles"] == ["street_office"]
    assert by_name["street_a"]["org"] == "street_a"
    assert {"username", "display_name", "roles", "org"} <= set(by_name["admin"])


def test_definitions_list_latest_versions(api: ApiClient) -> None:
    definitions = api.get("/process-definitions", as_user="street_a").get_json()
    keys = {d["key"] for d in definitions}
    assert keys == {path.stem for path in api.engine.settings.processes_dir.glob("*.bpmn")}  # one each
    assert {"village_to_community", "residents_committee", "housing_handover", "community_access",
            "whistle_report"} <= keys
    assert all({"key", "name", "version", "id"} <= set(d) for d in definitions)


def test_start_returns_the_case_with_its_first_task(api: ApiClient) -> None:
    case = _start_access(api)
    assert case["status"] == "running"
    assert case["definition_key"] == "community_access"
    assert case["definition_version"] == 1
    assert case["org"] == "fengxi"
    assert case["business_key"].startswith("SWZR-")
    assert [t["element_id"] for t in case["active_tasks"]] == ["apply"]
    task = case["active_tasks"][0]
    assert (task["role"], task["org"]) == ("department", "fengxi")


def test_start_by_the_wrong_role_is_403_and_unknown_procedure_404(api: ApiClient) -> None:
    response = api.start("street_a", "community_access", ACCESS_START)
    assert response.status_code == 403
    assert "department" in response.get_json()["error"]["message"]
    assert api.start("department", "no_such_procedure", {}).status_code == 404


def test_task_detail_has_the_form(api: ApiClient) -> None:
    task_id = _start_access(api)["active_tasks"][0]["id"]
    detail = api.get(f"/tasks/{task_id}", as_user="department").get_json()
    assert detail["form"]["schema"]["type"] == "object"
    assert isinstance(detail["form"]["ui_schema"], dict)
    assert detail["data"]["item_title"] == ACCESS_START["item_title"]


def test_inbox_shows_only_my_role_and_organisation(api: ApiClient) -> None:
    case = _start_access(api)
    mine = api.get("/tasks", as_user="department").get_json()
    assert [t["instance_id"] for t in mine] == [case["id"]]
    assert api.get("/tasks", as_user="civil_affairs").get_json() == []
    assert api.get("/tasks", as_user="street_a").get_json() == []


def test_completion_errors_and_that_nothing_changes(api: ApiClient) -> None:
    case = _start_access(api)
    task_id = case["active_tasks"][0]["id"]

    def journal_length() -> int:
        with api.engine.db.reader() as session:
            return session.scalar(select(func.count()).select_from(JournalEntry)) or 0

    before = journal_length()
    not_mine = api.complete(task_id, "civil_affairs", APPLY)
    assert not_mine.status_code == 403
    invalid = api.complete(task_id, "department", {**APPLY, "funding_amount": "很多", "surprise": 1})
    assert invalid.status_code == 422
    body = invalid.get_json()["error"]
    assert body["code"] == "validation_failed"
    paths = {d["path"] for d in body["details"]}
    assert {"funding_amount", "surprise"} <= paths
    assert api.complete(999999, "department", APPLY).status_code == 404
    assert journal_length() == before

    done = api.complete(task_id, "department", APPLY, comment="请审核")
    assert done.status_code == 200, done.get_json()
    assert [t["element_id"] for t in done.get_json()["active_tasks"]] == ["gatekeep_review"]
    again = api.complete(task_id, "department", APPLY)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "conflict"


def test_a_case_of_another_street_is_invisible(api: ApiClient) -> None:
    response = api.start("street_a", "village_to_community", {"subject_org": "village_a1"})
    assert response.status_code == 201, response.get_json()
    case_id = response.get_json()["id"]
    assert api.get(f"/process-instances/{case_id}", as_user="street_b").status_code == 403
    assert api.get(f"/process-instances/{case_id}", as_user="street_a").status_code == 200
    assert api.get(f"/process-instances/{case_id}", as_user="auditor").status_code == 200


def test_starting_for_a_village_of_another_street_is_refused(api: ApiClient) -> None:
    response = api.start("street_a", "village_to_community", {"subject_org": "village_b1"}, org="street_a")
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["path"] == "subject_org"


def test_unchanged_files_are_not_redeployed(api: ApiClient) -> None:
    engine = api.engine
    with engine.db.writer() as session, session.begin():
        results = engine.registry.deploy_directory(session, engine.settings.processes_dir,
                                                   engine.settings.forms_dir)
    assert all(not created for _, _, created in results)
    with engine.db.reader() as session:
        assert session.scalar(select(func.count()).select_from(ProcessDefinition)) == len(results)


def test_malformed_json_body_is_a_json_error(api: ApiClient) -> None:
    response = api.client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert "error" in response.get_json()
