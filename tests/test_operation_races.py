"""Races of the approval operations on SQLite and PostgreSQL, through the real app from several threads.

- two signers of a 会签 signing at once: both land, and the step completes once, after both;
- a 撤回 racing the next step's completion: one wins, the other gets 409;
- a 转办 racing a completion of the same step: one wins, the other gets 409.

Nothing is lost: every case keeps the invariants of tests/consistency.py and verifies.
"""

from __future__ import annotations

from typing import Any

from engine.audit.verify import verify_instance
from engine.store.models import ProcessInstance
from tests.consistency import check_case
from tests.paper_files import upload_papers
from tests.support import ApiClient
from tests.test_races import at_once

ROUNDS = 3

APPLY = {"item_type": "work_item", "item_content": "社区网格员每周巡查沿街商铺安全隐患", "target_group": "辖区沿街商铺",
         "authority_scope": "发现隐患后报告", "time_limit_months": 24, "time_limit_desc": "2027年至2028年",
         "funding_amount": 20000, "funding_source": "department_budget", "ledger_form": "none"}
GATEKEEP = {"gatekeep_decision": "accept", "elements_complete": True, "funding_verified": True,
            "gatekeep_opinion": "符合准入条件"}
SITE_PLAN = {"households": 1500, "phased_development": True, "phase_count": 3, "planned_area_m2": 480,
             "housing_location": "小区中心，2号楼裙房1—3层", "central_location": True, "lowest_floor": 1,
             "top_floor": 3, "service_hall_floor": 1, "concentrated_layout": True, "floor_exception": False,
             "site_plan_file": "file:项目总平面图.pdf"}
HOUSING_START = {"subject_org": "community_a1", "developer_org": "dev_hx", "project_name": "华兴·沣西花园",
                 "land_parcel_no": "FX-2024-018"}


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def consistent(api: ApiClient, case_id: int) -> list[str]:
    with api.engine.db.reader() as session:
        facts = check_case(session, api.engine.registry, case_id)
        instance = session.get(ProcessInstance, case_id)
        assert instance is not None
        verdict = verify_instance(session, api.engine.registry, instance)
    assert verdict.ok, verdict.as_dict()
    return facts.ready_elements


def one_won(responses: list[Any]) -> int:
    """Exactly one 200 and one 409 (conflict); the index of the winner."""
    assert sorted(r.status_code for r in responses) == [200, 409], [r.get_json() for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.get_json()["error"]["code"] == "conflict"
    return next(i for i, r in enumerate(responses) if r.status_code == 200)


def access_case(api: ApiClient) -> int:
    case_id = ok(api.start("department", "community_access",
                           {"item_title": "社区安全生产网格巡查", "applicant_department": "区应急管理局"}))["id"]
    ok(api.complete(api.open_task(case_id, "apply", "department")["id"], "department", APPLY))
    return case_id


def test_two_signers_of_a_countersign_both_land(backend_api: ApiClient) -> None:
    api = backend_api
    for _ in range(ROUNDS):
        case_id = ok(api.start("natural_resources", "housing_handover", HOUSING_START))["id"]
        clause = {"land_contract_no": "沣西出让〔2024〕018号", "notice_includes_housing": True,
                  "contract_clause_included": True, "free_handover_clause": True, "planning_conditions": "按标准配建",
                  "land_contract_file": "file:土地出让合同补充条款.pdf"}
        ok(api.complete(api.open_task(case_id, "land_transfer_clause", "natural_resources")["id"],
                        "natural_resources", upload_papers(api, case_id, "natural_resources", clause)))
        ok(api.complete(api.open_task(case_id, "submit_site_plan", "developer")["id"], "developer",
                        upload_papers(api, case_id, "developer", SITE_PLAN)))
        review = api.open_task(case_id, "site_plan_review", "housing")["id"]
        ok(api.post(f"/tasks/{review}/add-signers",
                    {"users": ["civil_affairs", "civil_affairs_qian"], "mode": "parallel", "comment": "请民政局会签"},
                    as_user="housing"))
        ok(api.complete(review, "housing", {"site_plan_decision": "pass", "site_plan_comment": "符合规划条件"}))
        rows = {t["assignee"]: t["id"] for t in api.get(f"/process-instances/{case_id}", as_user="admin")
                .get_json()["sign_tasks"]}
        responses = at_once(api, [
            lambda c, u=user, t=rows[user]: c.complete(t, u, {"agree": True}, "同意")  # type: ignore[misc]
            for user in ("civil_affairs", "civil_affairs_qian")
        ])
        assert [r.status_code for r in responses] == [200, 200], [r.get_json() for r in responses]
        assert consistent(api, case_id) == ["housing_opinion"]  # the review completed, once
        history = api.get(f"/process-instances/{case_id}/history?limit=500", as_user="admin").get_json()
        assert sorted(e["actor"] for e in history if e["command"] == "sign") == ["civil_affairs", "civil_affairs_qian"]
        assert len([e for e in history if e["payload"].get("completed_task_id") == review]) == 1


def test_withdraw_racing_the_next_completion_one_wins(backend_api: ApiClient) -> None:
    api = backend_api
    for _ in range(ROUNDS):
        case_id = access_case(api)
        done = next(e["task_id"] for e in api.get(f"/process-instances/{case_id}/history", as_user="admin").get_json()
                    if e["command"] == "complete")
        gatekeep = api.open_task(case_id, "gatekeep_review", "civil_affairs")["id"]
        responses = at_once(api, [
            lambda c, t=done: c.post(f"/tasks/{t}/withdraw", {"comment": "撤回补充"}, as_user="department"),
            lambda c, t=gatekeep: c.complete(t, "civil_affairs", GATEKEEP),
        ])
        winner = one_won(responses)
        assert consistent(api, case_id) == (["apply"] if winner == 0 else ["group_approval"])


def test_transfer_racing_a_completion_one_wins(backend_api: ApiClient) -> None:
    api = backend_api
    for _ in range(ROUNDS):
        case_id = access_case(api)
        gatekeep = api.open_task(case_id, "gatekeep_review", "civil_affairs")["id"]
        responses = at_once(api, [
            lambda c, t=gatekeep: c.post(f"/tasks/{t}/transfer",
                                         {"to_user": "civil_affairs_qian", "comment": "请钱丽审核"},
                                         as_user="civil_affairs"),
            lambda c, t=gatekeep: c.complete(t, "civil_affairs_qian", GATEKEEP),
        ])
        winner = one_won(responses)
        ready = consistent(api, case_id)
        if winner == 0:  # transferred: the step waits for civil_affairs_qian on a new row, nothing completed
            view = api.get(f"/process-instances/{case_id}", as_user="admin").get_json()
            assert ready == ["gatekeep_review"]
            assert view["active_tasks"][0]["assignee"] == "civil_affairs_qian"
        else:
            assert ready == ["group_approval"]
