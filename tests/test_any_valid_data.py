"""Any schema-valid data, submitted by the right user, moves a case on (or is a 422 naming the rule);
no case ever lands in the error state, and a case that finishes names its end event.

Hypothesis walks each procedure with random data drawn from each task's own form.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.paper_files import with_case_files
from tests.schema_strategies import valid_data
from tests.support import ApiClient

PROCEDURES = {
    "village_to_community": ("street_a", {"subject_org": "village_a1", "other_villages": ["village_a2"]}),
    "residents_committee": ("street_a", {"subject_org": "community_a1"}),
    "housing_handover": ("natural_resources", {"subject_org": "community_a1", "developer_org": "dev_hx"}),
    "community_access": ("department", {}),
}
MAX_STEPS = 40
STATS: dict[str, int] = {}


def _user_for(users: list[dict[str, Any]], role: str, org: str) -> str:
    return next(u["username"] for u in users if role in u["roles"] and u["org"] == org)


def _start_data(api: ApiClient, draw: Any, key: str, base: dict[str, Any]) -> dict[str, Any]:
    engine = api.engine
    with engine.db.reader() as session:
        definition = engine.registry.compiled(session, engine.registry.latest(session, key).id)
    if definition.start_form is None:
        return dict(base)
    schema = definition.forms[definition.start_form.schema_file]
    data = valid_data(draw, schema)
    data.update(base)
    return data


@pytest.mark.parametrize("key", sorted(PROCEDURES))
def test_random_walks_never_break_a_case(api: ApiClient, key: str) -> None:
    users = api.get("/users", as_user="admin").get_json()
    starter, base = PROCEDURES[key]

    @settings(max_examples=12, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.filter_too_much])
    @given(st.data())
    def walk(data: st.DataObject) -> None:
        start = api.start(starter, key, _start_data(api, data.draw, key, base))
        assert start.status_code == 201, start.get_json()
        case = start.get_json()
        for _ in range(MAX_STEPS):
            if case["status"] != "running" or not case["active_tasks"]:
                break  # finished, or waiting on a timer (代管 until the next occupancy re-survey)
            task = data.draw(st.sampled_from(case["active_tasks"]), label="task")
            user = _user_for(users, task["role"], task["org"])
            detail = api.get(f"/tasks/{task['id']}", as_user=user).get_json()
            # a file field names a real attachment of the case, as the page's upload gives it
            submission = with_case_files(api, case["id"], user, detail["form"]["schema"],
                                         valid_data(data.draw, detail["form"]["schema"]))
            response = api.complete(task["id"], user, submission)
            assert response.status_code in (200, 422), response.get_json()
            if response.status_code == 422:
                assert response.get_json()["error"]["details"], "a 422 must name the rule"
                continue
            case = response.get_json()
            STATS[key + ":completions"] = STATS.get(key + ":completions", 0) + 1
            assert case["status"] != "error", case.get("error")
        assert case["status"] in ("running", "completed"), case
        if case["status"] == "completed":
            assert case.get("end_event"), "a finished case names its end event"
            assert case["active_tasks"] == []

    walk()
    assert STATS.get(key + ":completions", 0) >= 10, "the walks must actually move cases on"
