"""Gherkin steps of the procedures that wait on the clock, link cases and keep papers (features/README.md).

The scenarios run on an engine whose clock they move (``the clock moves to … and the worker runs``
fires what is due through the real worker, as a deployment's worker would).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pytest_bdd import given, parsers, then, when
from sqlalchemy import select

from engine.clock import FixedClock
from engine.store.models import Timer
from tests.support import ApiClient

Q = r'"(?P<{}>[^"]+)"'


def beijing(text: str) -> datetime:
    return datetime.fromisoformat(text.replace(" ", "T") + ":00+08:00")


def _view(api: ApiClient, instance_id: int) -> dict[str, Any]:
    response = api.get(f"/process-instances/{instance_id}", as_user="admin")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@given(parsers.re(r'^the clock is at "(?P<at>[^"]+)"$'))
def clock_at(clock: FixedClock, at: str) -> None:
    clock.set(beijing(at))


@when(parsers.re(r'^the clock moves to "(?P<at>[^"]+)" and the worker runs$'))
def worker_runs(api: ApiClient, clock: FixedClock, at: str) -> None:
    clock.set(beijing(at))
    done = api.engine.worker("feature").run_once()
    assert done.failed == 0, done


@then(parsers.re(r'^the case is running with no open task and a timer "(?P<element>[^"]+)" due at "(?P<at>[^"]+)"$'))
def waits_on_timer(api: ApiClient, case: dict[str, Any], element: str, at: str) -> None:
    view = _view(api, case["id"])
    assert view["status"] == "running" and view["active_tasks"] == [], view
    with api.engine.db.reader() as session:
        armed = session.scalars(select(Timer).where(Timer.instance_id == case["id"], Timer.state == "armed")).all()
    assert [(t.element_id, t.due_at) for t in armed] == [(element, beijing(at))], armed


@then(parsers.re(r'^the case history ends with "(?P<first>[^"]+)" at "(?P<first_at>[^"]+)" before '
                 r'"(?P<last>[^"]+)" at "(?P<last_at>[^"]+)"$'))
def history_ends(api: ApiClient, case: dict[str, Any], first: str, first_at: str, last: str, last_at: str) -> None:
    history = api.get(f"/process-instances/{case['id']}/history", as_user="auditor").get_json()
    commands = [(e["command"], e["element_id"]) for e in history if e["command"] not in ("engine_step", "loop_reset")]
    assert commands[-2:] == [(first, first_at), (last, last_at)], commands[-4:]


def _link(api: ApiClient, case: dict[str, Any], label: str) -> dict[str, Any]:
    links = [link for link in _view(api, case["id"]).get("linked_cases", []) if link["label"] == label]
    assert len(links) == 1, links
    return links[0]


@then(parsers.re(r'^the case has a linked case "(?P<label>[^"]+)" of "(?P<title>[^"]+)" with open tasks '
                 r'"(?P<elements>[^"]+)"$'))
def linked_case(api: ApiClient, case: dict[str, Any], label: str, title: str, elements: str) -> None:
    link = _link(api, case, label)
    assert (link["direction"], link["case_title"], link["status"]) == ("to", title, "running"), link
    other = _view(api, link["instance_id"])
    assert sorted(t["element_id"] for t in other["active_tasks"]) == sorted(e.strip() for e in elements.split(","))
    assert other["org"] == _view(api, case["id"])["org"]


@then(parsers.re(r'^the linked case "(?P<label>[^"]+)" names this case as where it came from$'))
def linked_back(api: ApiClient, case: dict[str, Any], label: str) -> None:
    link = _link(api, case, label)
    mine = _view(api, case["id"])
    back = _view(api, link["instance_id"]).get("linked_cases", [])
    assert [(b["direction"], b["instance_id"], b["business_key"]) for b in back] == \
        [("from", case["id"], mine["business_key"])], back
    history = api.get(f"/process-instances/{link['instance_id']}/history", as_user="auditor").get_json()
    assert history[0]["command"] == "start"
    assert history[0]["payload"]["linked_from"]["business_key"] == mine["business_key"], history[0]


@then(parsers.re(r'^the case paper "(?P<field>[^"]+)" is the file "(?P<name>[^"]+)"$'))
def paper_is(api: ApiClient, case: dict[str, Any], field: str, name: str) -> None:
    value = _view(api, case["id"])["data"].get(field)
    files = api.get(f"/process-instances/{case['id']}/attachments", as_user="admin").get_json()
    assert [f["filename"] for f in files if f["id"] == value] == [name], (value, files)


@then(parsers.re(r'^user "(?P<user>[^"]+)" is refused with 422 at "(?P<path>[^"]+)" when starting a '
                 r'"(?P<key>[^"]+)" case with:$'))
def refused_start_422(api: ApiClient, user: str, path: str, key: str, docstring: str) -> None:
    import json
    response = api.start(user, key, json.loads(docstring))
    assert response.status_code == 422, response.get_json()
    assert path in [d["path"] for d in response.get_json()["error"]["details"]], response.get_json()


def _task_limit(api: ApiClient, case: dict[str, Any], element: str) -> dict[str, Any]:
    rows = api.get(f"/process-instances/{case['id']}/deadlines", as_user="admin").get_json()
    found = [r for r in rows if r["kind"] == "task" and r["element_id"] == element]
    assert len(found) == 1, rows
    return found[0]


@then(parsers.re(r'^task "(?P<element>[^"]+)" has a time limit of (?P<amount>\d+) "(?P<unit>[^"]+)" with urgency '
                 r'"(?P<urgency>[^"]+)"$'))
def task_limit(api: ApiClient, case: dict[str, Any], element: str, amount: str, unit: str, urgency: str) -> None:
    row = _task_limit(api, case, element)
    assert (row["amount"], row["unit"], row["urgency"]) == (int(amount), unit, urgency), row


@then(parsers.re(r'^task "(?P<element>[^"]+)" has urgency "(?P<urgency>[^"]+)"$'))
def task_urgency(api: ApiClient, case: dict[str, Any], element: str, urgency: str) -> None:
    row = _task_limit(api, case, element)
    assert row["urgency"] == urgency, row


@then(parsers.re(r'^user "(?P<user>[^"]+)" has a notification about the case$'))
def notified(api: ApiClient, case: dict[str, Any], user: str) -> None:
    notes = api.get("/notifications", as_user=user).get_json()
    assert any(n["instance_id"] == case["id"] for n in notes), notes


def _armed(api: ApiClient, instance_id: int) -> list[tuple[str, datetime]]:
    with api.engine.db.reader() as session:
        rows = session.scalars(select(Timer).where(Timer.instance_id == instance_id, Timer.state == "armed")).all()
    return [(t.element_id, t.due_at) for t in rows]


@then(parsers.re(r'^the case has open tasks "(?P<elements>[^"]+)" and a timer "(?P<element>[^"]+)" due at '
                 r'"(?P<at>[^"]+)"$'))
def open_tasks_and_timer(api: ApiClient, case: dict[str, Any], elements: str, element: str, at: str) -> None:
    view = _view(api, case["id"])
    assert sorted(t["element_id"] for t in view["active_tasks"]) == sorted(e.strip() for e in elements.split(","))
    assert _armed(api, case["id"]) == [(element, beijing(at))]


@then(parsers.re(r'^the case has no armed timer$'))
def no_timer(api: ApiClient, case: dict[str, Any]) -> None:
    assert _armed(api, case["id"]) == []


@then(parsers.re(r'^the linked case "(?P<label>[^"]+)" has "(?P<field>[^"]+)" equal to "(?P<value>.*)"$'))
def linked_case_data(api: ApiClient, case: dict[str, Any], label: str, field: str, value: str) -> None:
    import json
    other = _view(api, _link(api, case, label)["instance_id"])
    assert other["data"].get(field) == json.loads(value.replace('\\"', '"')), other["data"]


@when(parsers.re(r'^we turn to the linked case "(?P<label>[^"]+)"$'))
def turn_to_linked(api: ApiClient, case: dict[str, Any], label: str) -> None:
    case["id"] = _link(api, case, label)["instance_id"]


def _organisations(api: ApiClient) -> dict[str, dict[str, Any]]:
    response = api.get("/organisations", as_user="admin")
    assert response.status_code == 200, response.get_json()
    return {o["name"]: o for o in response.get_json()}


@then(parsers.re(r'^the directory has no organisation "(?P<name>[^"]+)"$'))
def no_organisation(api: ApiClient, name: str) -> None:
    assert name not in _organisations(api)


@then(parsers.re(r'^the directory has a community "(?P<name>[^"]+)" below "(?P<parent>[^"]+)" added by the '
                 r'case, which verifies$'))
def community_added(api: ApiClient, case: dict[str, Any], name: str, parent: str) -> None:
    found = _organisations(api).get(name)
    assert found is not None and found["level"] == "community", found
    assert (found.get("parent") or found.get("parent_id")) == parent, found
    history = api.get(f"/process-instances/{case['id']}/history", as_user="auditor").get_json()
    added = [e for e in history if e["command"] == "directory_add"]
    assert len(added) == 1 and added[0]["payload"]["organisation"]["id"] == found["id"], added
    verdict = api.post(f"/process-instances/{case['id']}/verify", as_user="auditor")
    assert verdict.status_code == 200 and verdict.get_json()["ok"] is True, verdict.get_json()
