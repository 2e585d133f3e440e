"""Suspend, resume, terminate (admins, with a reason in the journal); opinions of a case."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.store.models import HumanTask, JournalEntry
from tests.case_helpers import ACCESS_APPLY, ELIGIBILITY, GATEKEEP_ACCEPT, complete_ok, start_access, start_village
from tests.support import ApiClient


def journal(api: ApiClient, instance_id: int) -> list[JournalEntry]:
    with api.engine.db.reader() as session:
        return list(session.scalars(select(JournalEntry).where(JournalEntry.instance_id == instance_id)
                                    .order_by(JournalEntry.seq)))


def task_states(api: ApiClient, instance_id: int) -> dict[str, str]:
    with api.engine.db.reader() as session:
        return {t.element_id: t.state for t in session.scalars(select(HumanTask)
                                                               .where(HumanTask.instance_id == instance_id))}


def admin_command(api: ApiClient, instance_id: int, command: str, reason: Any = "依据区政府通知",
                  user: str = "admin") -> Any:
    body = {} if reason is None else {"reason": reason}
    return api.post(f"/process-instances/{instance_id}/{command}", body, as_user=user)


def inbox_ids(api: ApiClient, user: str) -> set[int]:
    return {t["instance_id"] for t in api.get("/tasks", as_user=user).get_json()}


def test_suspend_hides_tasks_and_refuses_completion_until_resumed(api: ApiClient) -> None:
    case = start_village(api)
    task = api.open_task(case["id"], "check_eligibility", "street_a")
    response = admin_command(api, case["id"], "suspend", "群众信访，暂停办理")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "suspended"
    assert case["id"] not in inbox_ids(api, "street_a")
    assert task_states(api, case["id"]) == {"check_eligibility": "ready"}  # the row is kept

    refused = api.complete(task["id"], "street_a", ELIGIBILITY)
    assert refused.status_code == 409
    assert "已挂起" in refused.get_json()["error"]["message"]
    assert "suspended" in refused.get_json()["error"]["message"]
    assert api.get(f"/tasks/{task['id']}", as_user="street_a").get_json()["can_complete"] is False
    assert admin_command(api, case["id"], "suspend").status_code == 409  # already suspended

    resumed = admin_command(api, case["id"], "resume", "信访已处理完毕")
    assert resumed.status_code == 200 and resumed.get_json()["status"] == "running"
    assert case["id"] in inbox_ids(api, "street_a")
    assert api.complete(task["id"], "street_a", ELIGIBILITY).status_code == 200
    assert admin_command(api, case["id"], "resume").status_code == 409  # not suspended

    entries = [(e.command, e.actor, e.comment) for e in journal(api, case["id"]) if e.command in ("suspend", "resume")]
    assert entries == [("suspend", "admin", "群众信访，暂停办理"), ("resume", "admin", "信访已处理完毕")]


def test_terminate_cancels_open_tasks_and_keeps_the_history(api: ApiClient) -> None:
    case = start_village(api)
    complete_ok(api, case["id"], "check_eligibility", "street_a", ELIGIBILITY)
    task = api.open_task(case["id"], "draft_plan", "street_a")
    before = len(journal(api, case["id"]))
    response = admin_command(api, case["id"], "terminate", "村民委员会撤回申请")
    assert response.status_code == 200, response.get_json()
    view = response.get_json()
    assert view["status"] == "terminated" and view["active_tasks"] == []
    assert task_states(api, case["id"]) == {"check_eligibility": "completed", "draft_plan": "cancelled"}
    assert case["id"] not in inbox_ids(api, "street_a")
    assert api.complete(task["id"], "street_a", {}).status_code == 409
    entries = journal(api, case["id"])
    assert len(entries) == before + 1
    assert (entries[-1].command, entries[-1].actor, entries[-1].comment) == ("terminate", "admin", "村民委员会撤回申请")
    assert entries[-1].prev_hash == entries[-2].hash
    assert admin_command(api, case["id"], "terminate").status_code == 409
    assert admin_command(api, case["id"], "suspend").status_code == 409


def test_a_suspended_case_can_be_terminated(api: ApiClient) -> None:
    case = start_village(api)
    assert admin_command(api, case["id"], "suspend").status_code == 200
    response = admin_command(api, case["id"], "terminate", "方案已撤销")
    assert response.status_code == 200 and response.get_json()["status"] == "terminated"
    assert task_states(api, case["id"]) == {"check_eligibility": "cancelled"}


def test_only_admins_administer_cases_and_a_reason_is_required(api: ApiClient) -> None:
    case = start_village(api)
    for user in ("street_a", "auditor", "owner", "civil_affairs"):
        response = admin_command(api, case["id"], "suspend", user=user)
        assert response.status_code == 403, (user, response.get_json())
    for reason, status in ((None, 422), ("", 422), ("   ", 422), ("长" * 2001, 422)):
        response = admin_command(api, case["id"], "terminate", reason)
        assert response.status_code == status, response.get_json()
        assert response.get_json()["error"]["details"][0]["path"] == "reason"
    assert admin_command(api, 999999, "suspend").status_code == 404
    view = api.get(f"/process-instances/{case['id']}", as_user="admin").get_json()
    assert view["status"] == "running"
    assert [e.command for e in journal(api, case["id"])][-1] != "terminate"


def test_comments_list_the_opinions_with_author_role_and_task(api: ApiClient) -> None:
    case = start_access(api)
    complete_ok(api, case["id"], "apply", "department", ACCESS_APPLY)  # no comment
    complete_ok(api, case["id"], "gatekeep_review", "civil_affairs", GATEKEEP_ACCEPT, "五要素齐全，同意提请审批")
    admin_command(api, case["id"], "suspend", "暂停")  # a reason is not an opinion
    response = api.get(f"/process-instances/{case['id']}/comments", as_user="department")
    assert response.status_code == 200, response.get_json()
    [opinion] = response.get_json()
    assert opinion["comment"] == "五要素齐全，同意提请审批"
    assert opinion["author"] == {"username": "civil_affairs", "display_name": "沣西新城人社民政局 周华",
                                 "org_name": "沣西新城"}
    assert opinion["role"] == "civil_affairs" and opinion["role_name"] == "区人社民政局"
    assert opinion["org_name"] == "沣西新城"
    assert opinion["task"]["element_id"] == "gatekeep_review" and opinion["task"]["name"] == "民政局扎口审核"
    assert isinstance(opinion["task"]["id"], int)
    assert opinion["at"].endswith("Z") or "+00:00" in opinion["at"]
    assert api.get(f"/process-instances/{case['id']}/comments", as_user="auditor").status_code == 200
    assert api.get(f"/process-instances/{case['id']}/comments", as_user="street_b").status_code == 403
    assert api.get("/process-instances/999999/comments", as_user="admin").status_code == 404
