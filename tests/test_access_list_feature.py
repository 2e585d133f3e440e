"""features/community_access, access_quarterly_meeting and community_refusal: the access list as a registry.

The scenarios run on an engine whose clock they move (expiry, the quarterly meeting's timer start),
through the real HTTP API; the public list is read without logging in. The shared steps
(tests/steps/case_steps.py) drive single cases; the steps here name several cases, hold the
quarterly meeting with its papers and read the public list.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when
from sqlalchemy import select, update

from api import create_app
from engine.clock import FixedClock
from engine.seed.loader import DEMO_PASSWORD
from engine.service import WorkflowEngine
from engine.settings import Settings
from engine.store.models import ProcessDefinition, ProcessInstance, Timer
from engine.timers.start_timers import arm_for_version
from tests.case_helpers import multipart
from tests.support import ApiClient, fresh_settings

scenarios("community_access.feature", "access_quarterly_meeting.feature", "access_interim_meeting.feature",
          "community_refusal.feature")

T0 = datetime.fromisoformat("2026-12-10T10:00:00+08:00")
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
MEETING = "access_quarterly_meeting"
MEETINGS = {"quarterly": MEETING, "interim": "access_interim_meeting"}
KIND = r"(?P<kind>quarterly|interim)"
ACCEPT = {"gatekeep_decision": "accept", "elements_complete": True, "funding_verified": True,
          "gatekeep_opinion": "五要素齐全，经费已落实"}
APPROVE = {"meeting_quarter": "2026Q4", "approval_decision": "approve", "approval_opinion": "同意纳入社区事务准入清单",
           "resolution_no": "沣西社建纪〔2026〕4号"}
Q = r'"(?P<{}>[^"]+)"'


def _re(template: str) -> Any:
    pattern = template
    for name in ("user", "key", "name", "at", "titles", "path", "end", "elements", "title", "status", "day",
                 "number", "date", "query", "field", "step", "person", "text"):
        pattern = pattern.replace("{" + name + "}", Q.format(name))
    return parsers.re("^" + pattern + "$")


def _beijing(text: str) -> datetime:
    return datetime.fromisoformat(text.replace(" ", "T") + ":00+08:00")


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_json()
    return response.get_json()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


class ClockedClient(ApiClient):
    """Logs the demo users in on the scenario's clock (the template's tokens are of another day)."""

    def token(self, username: str, password: str = DEMO_PASSWORD) -> str:
        if username not in self.tokens:
            with self.engine.db.writer() as session, session.begin():
                self.tokens[username] = self.engine.identity.login(session, username, password)
        return self.tokens[username]


@pytest.fixture
def settings(template_db: Path, tmp_path: Path) -> Settings:
    return fresh_settings(template_db, tmp_path, token_ttl_seconds=10 * 366 * 86400)  # the clock moves by years


@pytest.fixture
def api(settings: Settings, clock: FixedClock) -> Iterator[ApiClient]:
    """The shared steps' client on an engine with the scenario's clock; the quarterly meeting armed from it."""
    engine = WorkflowEngine(settings, clock)
    app = create_app(settings, engine=engine)
    with engine.db.writer() as session, session.begin():
        session.execute(update(Timer).where(Timer.kind == "start", Timer.state == "armed").values(state="cancelled"))
        row = session.scalars(select(ProcessDefinition).where(ProcessDefinition.key == MEETING)
                              .order_by(ProcessDefinition.version.desc())).first()
        assert row is not None
        arm_for_version(session, engine.registry.compiled(session, row.id), row, engine.directories.get(session),
                        clock.now())
    try:
        yield ClockedClient(app, app.test_client())
    finally:
        engine.db.dispose()


@pytest.fixture
def cases() -> dict[str, int]:
    return {}


def _case(api: ApiClient, instance_id: int) -> dict[str, Any]:
    return _ok(api.get(f"/process-instances/{instance_id}", as_user="admin"))


def _complete(api: ApiClient, instance_id: int, element: str, user: str, data: dict[str, Any]) -> Any:
    task = api.open_task(instance_id, element, user)
    return api.complete(task["id"], user, data)


def _upload(api: ApiClient, instance_id: int, user: str, filename: str) -> int:
    response = multipart(api, f"/process-instances/{instance_id}/attachments", user, {"file": (PDF, filename)})
    return int(_ok(response, 201)["id"])


# -- several cases, the clock ----------------------------------------------------------------


@given(_re('user {user} starts a {key} case {name} with:'))
def start_named(api: ApiClient, cases: dict[str, int], user: str, key: str, name: str, docstring: str) -> None:
    cases[name] = _ok(api.start(user, key, json.loads(docstring)), 201)["id"]


@given(_re('case {name} reaches the leadership group with:'))
def reaches_group(api: ApiClient, cases: dict[str, int], name: str, docstring: str) -> None:
    _ok(_complete(api, cases[name], "apply", "department", json.loads(docstring)))
    _ok(_complete(api, cases[name], "gatekeep_review", "civil_affairs", ACCEPT))


@given(_re('the case is approved by the leadership group with:'))
@when(_re('the case is approved by the leadership group with:'))
def approved(api: ApiClient, case: dict[str, Any], docstring: str) -> None:
    _ok(_complete(api, case["id"], "apply", "department", json.loads(docstring)))
    _ok(_complete(api, case["id"], "gatekeep_review", "civil_affairs", ACCEPT))
    _ok(_complete(api, case["id"], "group_approval", "leadership", APPROVE))
    case["approved"] = _case(api, case["id"])["business_key"]


@when(_re('the clock moves to {at} and the worker runs'))
def worker_runs(api: ApiClient, clock: FixedClock, at: str) -> None:
    clock.set(_beijing(at))
    done = api.engine.worker("feature").run_once()
    assert done.failed == 0, done


@then(_re('case {name} has open tasks {elements}'))
def named_open(api: ApiClient, cases: dict[str, int], name: str, elements: str) -> None:
    found = sorted(t["element_id"] for t in _case(api, cases[name])["active_tasks"])
    assert found == sorted(e.strip() for e in elements.split(",")), found


# -- the quarterly meeting ----------------------------------------------------------------


def _meeting(api: ApiClient, kind: str = "quarterly") -> dict[str, Any]:
    with api.engine.db.reader() as session:
        found = session.scalar(select(ProcessInstance.id).where(ProcessInstance.definition_key == MEETINGS[kind])
                               .order_by(ProcessInstance.id.desc()))
    assert found is not None, f"no {kind} meeting was called"
    return _case(api, found)


@when(_re('user {user} calls an interim meeting with:'))
def call_interim(api: ApiClient, user: str, docstring: str) -> None:
    _ok(api.start(user, MEETINGS["interim"], json.loads(docstring)), 201)


@then(_re('user {user} is refused with 403 when calling an interim meeting with:'))
def call_interim_refused(api: ApiClient, user: str, docstring: str) -> None:
    response = api.start(user, MEETINGS["interim"], json.loads(docstring))
    assert response.status_code == 403, response.get_json()


@then(_re('case {name} stands on the agenda of the ' + KIND + ' meeting'))
def stands_on_agenda(api: ApiClient, cases: dict[str, int], name: str, kind: str) -> None:
    meeting = _meeting(api, kind)
    standing = _ok(api.get(f"/process-instances/{cases[name]}", as_user="department"))["meeting_standing"]
    assert standing == {"state": "on_agenda", "meeting_instance_id": meeting["id"],
                        "meeting_business_key": meeting["business_key"]}, standing


@then(_re('case {name} waits for the next meeting, the quarterly one called at {at}'))
def waits_for_meeting(api: ApiClient, cases: dict[str, int], name: str, at: str) -> None:
    standing = _ok(api.get(f"/process-instances/{cases[name]}", as_user="department"))["meeting_standing"]
    assert standing["state"] == "waiting", standing
    assert datetime.fromisoformat(standing["next_meeting_at"].replace("Z", "+00:00")) == _beijing(at), standing


@then(_re('case {name} has no meeting standing'))
def no_standing(api: ApiClient, cases: dict[str, int], name: str) -> None:
    assert "meeting_standing" not in _ok(api.get(f"/process-instances/{cases[name]}", as_user="department"))


@then(_re('the ' + KIND + ' meeting has the agenda {titles}'))
def agenda_is(api: ApiClient, titles: str, kind: str) -> None:
    meeting = _meeting(api, kind)
    assert [t["element_id"] for t in meeting["active_tasks"]] == ["hold_meeting"], meeting["active_tasks"]
    assert [item["item_title"] for item in meeting["data"]["agenda"]] == [t.strip() for t in titles.split(",")]


def _meeting_submission(api: ApiClient, user: str, spec: dict[str, Any],
                        kind: str = "quarterly") -> tuple[dict[str, Any], dict[str, Any]]:
    meeting = _meeting(api, kind)
    decisions = spec.pop("decisions", {})
    agenda = [dict(item) for item in meeting["data"]["agenda"]]
    for item in agenda:
        decision, opinion = decisions.get(item["item_title"], ("defer", "未及审议"))
        item.update(decision=decision, opinion=opinion)
    papers = {"meeting_minutes": _upload(api, meeting["id"], user, "会议纪要.pdf"),
              "sign_in_sheet": _upload(api, meeting["id"], user, "签到表.pdf")}
    return meeting, {**spec, **papers, "agenda": agenda}


GOOD_MEETING = {"meeting_date": "2027-01-20", "meeting_quarter": "2027Q1", "meeting_no": "沣西社建纪〔2027〕1号",
                "members_total": 9, "attendees": 7}


@when(_re('user {user} holds the ' + KIND + ' meeting with:'))
def hold_meeting(api: ApiClient, user: str, docstring: str, kind: str) -> None:
    meeting, data = _meeting_submission(api, user, json.loads(docstring), kind)
    _ok(_complete(api, meeting["id"], "hold_meeting", user, data))


def _refused_at(response: Any, path: str) -> None:
    body = response.get_json()
    assert response.status_code == 422, body
    assert path in [d["path"] for d in body["error"].get("details", [])], body


@then(_re('user {user} is refused with 422 at {path} when holding the quarterly meeting with:'))
def meeting_refused(api: ApiClient, user: str, path: str, docstring: str) -> None:
    meeting, data = _meeting_submission(api, user, json.loads(docstring))
    _refused_at(_complete(api, meeting["id"], "hold_meeting", user, data), path)
    assert [t["element_id"] for t in _meeting(api)["active_tasks"]] == ["hold_meeting"]


@then(_re('user {user} is refused with 422 at {path} when holding the quarterly meeting without its first item'))
def meeting_refused_short(api: ApiClient, user: str, path: str) -> None:
    meeting, data = _meeting_submission(api, user, dict(GOOD_MEETING))
    data["agenda"] = data["agenda"][1:]
    _refused_at(_complete(api, meeting["id"], "hold_meeting", user, data), path)


@then(_re('the ' + KIND + ' meeting is completed at end event {end}'))
def meeting_ended(api: ApiClient, end: str, kind: str) -> None:
    meeting = _meeting(api, kind)
    assert meeting["status"] == "completed" and meeting["end_event"] == end, meeting


# -- the public list ----------------------------------------------------------------------


def _public(api: ApiClient, query: str = "") -> list[dict[str, Any]]:
    response = api.client.get(f"/api/v1/access-list{'?' + query if query else ''}")  # no login
    return list(_ok(response))


def _entry_no(api: ApiClient, instance_id: int) -> str:
    return f"QD-{_case(api, instance_id)['business_key']}"


def _has_entry(api: ApiClient, instance_id: int, title: str, status: str, day: str) -> None:
    found = [e for e in _public(api) if e["title"] == title]
    assert len(found) == 1, found
    entry = found[0]
    assert entry["entry_no"] == _entry_no(api, instance_id)
    assert (entry["status_name"], entry["valid_until"]) == (status, day), entry


@then(_re('the public access list has an entry {title} of the case with status {status} valid until {day}'))
def has_entry_of_case(api: ApiClient, case: dict[str, Any], title: str, status: str, day: str) -> None:
    _has_entry(api, case["id"], title, status, day)


@then(_re('the public access list has an entry {title} of case {name} with status {status} valid until {day}'))
def has_entry_of_named(api: ApiClient, cases: dict[str, int], title: str, name: str, status: str, day: str) -> None:
    _has_entry(api, cases[name], title, status, day)


@then(_re('the entry {title} names the meeting {number} of {date}'))
def entry_meeting(api: ApiClient, title: str, number: str, date: str) -> None:
    entry = next(e for e in _public(api) if e["title"] == title)
    assert (entry["meeting_no"], entry["meeting_date"]) == (number, date), entry


@then(_re('the public access list has no entry {title}'))
def no_entry(api: ApiClient, title: str) -> None:
    assert title not in [e["title"] for e in _public(api)]


@then(_re('the public access list filtered by {query} lists {title}'))
def filtered_lists(api: ApiClient, query: str, title: str) -> None:
    assert title in [e["title"] for e in _public(api, query)]


@then(_re('the public access list filtered by {query} does not list {title}'))
def filtered_not(api: ApiClient, query: str, title: str) -> None:
    assert title not in [e["title"] for e in _public(api, query)]


# -- refusals -----------------------------------------------------------------------------


@when(_re('user {user} starts a {key} case citing the entry of the approved case with:'))
def start_citing(api: ApiClient, case: dict[str, Any], user: str, key: str, docstring: str) -> None:
    data = {**json.loads(docstring), "cited_entry_no": f"QD-{case['approved']}"}
    case["id"] = _ok(api.start(user, key, data), 201)["id"]


@when(_re('user {user} completes task {step} with the paper {field} and:'))
def complete_with_paper(api: ApiClient, case: dict[str, Any], user: str, step: str, field: str,
                        docstring: str) -> None:
    paper = _upload(api, case["id"], user, "拒绝说明函.pdf")
    _ok(_complete(api, case["id"], step, user, {**json.loads(docstring), field: paper}))


@then(_re('the case data {field} contains {text}'))
def data_contains(api: ApiClient, case: dict[str, Any], field: str, text: str) -> None:
    value = _case(api, case["id"])["data"].get(field)
    assert isinstance(value, str) and text in value, value


@then(_re('the history of the case shows {step} by {person}'))
def history_shows(api: ApiClient, case: dict[str, Any], step: str, person: str) -> None:
    body = json.dumps(_ok(api.get(f"/process-instances/{case['id']}/history", as_user="civil_affairs")),
                      ensure_ascii=False)
    assert step in body and person in body, body[:2000]
