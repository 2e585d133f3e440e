"""Gherkin steps of the approval operations (features/operations/, vocabulary in features/README.md).

Every step goes through the real HTTP API as the demo user named; an operation's answer
must be the case's new state. Tasks are named by their BPMN element in the scenario's case.
"""

from __future__ import annotations

import json
from typing import Any

from pytest_bdd import parsers, then, when

from tests.steps.case_steps import _json
from tests.support import ApiClient

Q = r'"(?P<{}>[^"]*)"'


def _rx(template: str) -> Any:
    pattern = template
    for name in ("user", "other", "element", "target", "comment", "users", "mode", "ratio", "kind", "text",
                 "operation", "origin", "command", "ops", "elements"):
        pattern = pattern.replace("{" + name + "}", Q.format(name))
    return parsers.re("^" + pattern + "$")


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def case_view(api: ApiClient, case: dict[str, Any]) -> dict[str, Any]:
    response = api.get(f"/process-instances/{case['id']}", as_user="admin")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def step_row(api: ApiClient, case: dict[str, Any], element: str) -> dict[str, Any]:
    rows = [t for t in case_view(api, case)["active_tasks"] if t["element_id"] == element]
    assert len(rows) == 1, f"open tasks of {element}: {rows}"
    return rows[0]


def sign_row(api: ApiClient, case: dict[str, Any], element: str, user: str) -> dict[str, Any]:
    rows = [t for t in case_view(api, case)["sign_tasks"] if t["element_id"] == element and t["assignee"] == user]
    assert rows, f"{user} has no signer task on {element}: {case_view(api, case)['sign_tasks']}"
    return rows[0]


def completed_row(api: ApiClient, case: dict[str, Any], element: str, user: str) -> int:
    """The task row ``user`` last completed at ``element`` (from the case's history)."""
    history = api.get(f"/process-instances/{case['id']}/history?limit=500", as_user="admin").get_json()
    ids = [e["task_id"] for e in history
           if e["command"] == "complete" and e["element_id"] == element and e["actor"] == user]
    assert ids, f"{user} completed no task {element}"
    return int(ids[-1])


def _ok(case: dict[str, Any], response: Any) -> None:
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["id"] == case["id"] and "active_tasks" in body, "the answer is the case's new state"


# -- operations ----------------------------------------------------------------------------------


@when(_rx("user {user} returns task {element} to {target} with comment {comment}"))
def return_task(api: ApiClient, case: dict[str, Any], user: str, element: str, target: str, comment: str) -> None:
    task = step_row(api, case, element)
    _ok(case, api.post(f"/tasks/{task['id']}/return", {"target_element_id": target, "comment": comment},
                       as_user=user))


@when(_rx("user {user} withdraws task {element} with comment {comment}"))
def withdraw(api: ApiClient, case: dict[str, Any], user: str, element: str, comment: str) -> None:
    task_id = completed_row(api, case, element, user)
    _ok(case, api.post(f"/tasks/{task_id}/withdraw", {"comment": comment}, as_user=user))


@when(_rx("user {user} transfers task {element} to {other} with comment {comment}"))
def transfer(api: ApiClient, case: dict[str, Any], user: str, element: str, other: str, comment: str) -> None:
    task = step_row(api, case, element)
    _ok(case, api.post(f"/tasks/{task['id']}/transfer", {"to_user": other, "comment": comment}, as_user=user))


@when(_rx("user {user} delegates task {element} to {other} with comment {comment}"))
def delegate(api: ApiClient, case: dict[str, Any], user: str, element: str, other: str, comment: str) -> None:
    task = step_row(api, case, element)
    _ok(case, api.post(f"/tasks/{task['id']}/delegate", {"to_user": other, "comment": comment}, as_user=user))


@when(_rx("user {user} adds {mode} signers {users} to task {element} with comment {comment}"))
def add_signers(api: ApiClient, case: dict[str, Any], user: str, mode: str, users: str, element: str,
                comment: str) -> None:
    task = step_row(api, case, element)
    body = {"users": _names(users), "mode": mode, "comment": comment}
    _ok(case, api.post(f"/tasks/{task['id']}/add-signers", body, as_user=user))


@when(_rx("user {user} adds {mode} signers {users} to task {element} passing at {ratio} with comment {comment}"))
def add_signers_ratio(api: ApiClient, case: dict[str, Any], user: str, mode: str, users: str, element: str,
                      ratio: str, comment: str) -> None:
    task = step_row(api, case, element)
    body = {"users": _names(users), "mode": mode, "pass_ratio": float(ratio), "comment": comment}
    _ok(case, api.post(f"/tasks/{task['id']}/add-signers", body, as_user=user))


@when(_rx("user {user} removes signer {other} from task {element} with comment {comment}"))
def remove_signer(api: ApiClient, case: dict[str, Any], user: str, other: str, element: str, comment: str) -> None:
    task = step_row(api, case, element)
    _ok(case, api.post(f"/tasks/{task['id']}/remove-signer", {"user": other, "comment": comment}, as_user=user))


@when(parsers.re(r'^user "(?P<user>[^"]+)" signs task "(?P<element>[^"]+)" (?P<verdict>agreeing|disagreeing) '
                 r'with comment "(?P<comment>[^"]*)"$'))
def sign(api: ApiClient, case: dict[str, Any], user: str, element: str, verdict: str, comment: str) -> None:
    task = sign_row(api, case, element, user)
    _ok(case, api.complete(task["id"], user, {"agree": verdict == "agreeing"}, comment))


@when(_rx("user {user} copies the case to {users} with comment {comment}"))
def copy_case(api: ApiClient, case: dict[str, Any], user: str, users: str, comment: str) -> None:
    _ok(case, api.post(f"/process-instances/{case['id']}/cc", {"users": _names(users), "comment": comment},
                       as_user=user))


@when(_rx("user {user} urges the case with comment {comment}"))
def urge(api: ApiClient, case: dict[str, Any], user: str, comment: str) -> None:
    _ok(case, api.post(f"/process-instances/{case['id']}/urge", {"comment": comment}, as_user=user))


@when(_rx("user {user} terminates the case with reason {comment}"))
def terminate(api: ApiClient, case: dict[str, Any], user: str, comment: str) -> None:
    _ok(case, api.post(f"/process-instances/{case['id']}/terminate", {"reason": comment}, as_user=user))


@when(_rx("user {user} jumps the case to {element} with reason {comment}"))
def jump(api: ApiClient, case: dict[str, Any], user: str, element: str, comment: str) -> None:
    _ok(case, api.post(f"/process-instances/{case['id']}/jump", {"target_element_id": element, "reason": comment},
                       as_user=user))


# -- refusals ------------------------------------------------------------------------------------


def _refused(api: ApiClient, case: dict[str, Any], response: Any, status: str, text: str,
             before: tuple[Any, Any]) -> None:
    assert response.status_code == int(status), (response.status_code, response.get_json())
    message = response.get_json()["error"]["message"]
    details = json.dumps(response.get_json()["error"].get("details", []), ensure_ascii=False)
    assert text in message or text in details, f"{text!r} not in {message!r} {details}"
    assert _snapshot(api, case) == before, "a refused operation changed nothing"


def _snapshot(api: ApiClient, case: dict[str, Any]) -> tuple[Any, Any]:
    history = api.get(f"/process-instances/{case['id']}/history?limit=500", as_user="admin").get_json()
    return case_view(api, case), len(history)


@then(parsers.re(r'^user "(?P<user>[^"]+)" is refused with (?P<status>\d{3}) naming "(?P<text>[^"]+)" when posting '
                 r'"(?P<operation>[a-z-]+)" on task "(?P<element>[^"]+)" with:$'))
def refused_on_task(api: ApiClient, case: dict[str, Any], user: str, status: str, text: str, operation: str,
                    element: str, docstring: str) -> None:
    before = _snapshot(api, case)
    task = step_row(api, case, element)
    response = api.post(f"/tasks/{task['id']}/{operation}", _json(docstring), as_user=user)
    _refused(api, case, response, status, text, before)


@then(parsers.re(r'^user "(?P<user>[^"]+)" is refused with (?P<status>\d{3}) naming "(?P<text>[^"]+)" when '
                 r'withdrawing task "(?P<element>[^"]+)"(?: completed by "(?P<other>[^"]+)")?$'))
def refused_withdraw(api: ApiClient, case: dict[str, Any], user: str, status: str, text: str, element: str,
                     other: str | None) -> None:
    before = _snapshot(api, case)
    task_id = completed_row(api, case, element, other or user)
    response = api.post(f"/tasks/{task_id}/withdraw", {"comment": "撤回"}, as_user=user)
    _refused(api, case, response, status, text, before)


@then(parsers.re(r'^user "(?P<user>[^"]+)" is refused with (?P<status>\d{3}) naming "(?P<text>[^"]+)" when posting '
                 r'"(?P<operation>[a-z-]+)" on the case with:$'))
def refused_on_case(api: ApiClient, case: dict[str, Any], user: str, status: str, text: str, operation: str,
                    docstring: str) -> None:
    before = _snapshot(api, case)
    response = api.post(f"/process-instances/{case['id']}/{operation}", _json(docstring), as_user=user)
    _refused(api, case, response, status, text, before)


@then(parsers.re(r'^user "(?P<user>[^"]+)" is refused with (?P<status>\d{3}) naming "(?P<text>[^"]+)" when '
                 r'completing task "(?P<element>[^"]+)" with:$'))
def refused_completion(api: ApiClient, case: dict[str, Any], user: str, status: str, text: str, element: str,
                       docstring: str) -> None:
    before = _snapshot(api, case)
    task = step_row(api, case, element)
    response = api.complete(task["id"], user, _json(docstring))
    _refused(api, case, response, status, text, before)


# -- what the case looks like ------------------------------------------------------------------------


@then(_rx("task {element} is held by {user}"))
def held_by(api: ApiClient, case: dict[str, Any], element: str, user: str) -> None:
    assert step_row(api, case, element)["assignee"] == user


@then(_rx("task {element} is offered to its lane"))
def offered_to_lane(api: ApiClient, case: dict[str, Any], element: str) -> None:
    assert step_row(api, case, element)["assignee"] is None


@then(_rx("task {element} shows {origin} by {user} with comment {comment}"))
def shows_note(api: ApiClient, case: dict[str, Any], element: str, origin: str, user: str, comment: str) -> None:
    note = step_row(api, case, element)["note"] or {}
    assert (note.get("origin"), note.get("by"), note.get("comment")) == (origin, user, comment), note


@then(_rx("task {element} is waiting for its signers"))
def waiting_for_signers(api: ApiClient, case: dict[str, Any], element: str) -> None:
    assert step_row(api, case, element)["held"] is True


@then(_rx("task {element} is not waiting for signers"))
def not_waiting(api: ApiClient, case: dict[str, Any], element: str) -> None:
    assert step_row(api, case, element)["held"] is False


@then(_rx("task {element} has signers {users}"))
def has_signers(api: ApiClient, case: dict[str, Any], element: str, users: str) -> None:
    actual = sorted(t["assignee"] for t in case_view(api, case)["sign_tasks"] if t["element_id"] == element)
    assert actual == sorted(_names(users))


@then(_rx("user {user} sees task {element} in the inbox"))
def sees_in_inbox(api: ApiClient, case: dict[str, Any], user: str, element: str) -> None:
    inbox = api.get("/tasks", as_user=user).get_json()
    assert [t for t in inbox if t["instance_id"] == case["id"] and t["element_id"] == element], inbox


@then(_rx("user {user} has an unread notification {kind} about the case"))
def has_notification(api: ApiClient, case: dict[str, Any], user: str, kind: str) -> None:
    response = api.get("/notifications?unread=true", as_user=user)
    assert response.status_code == 200
    assert int(response.headers["X-Unread-Count"]) >= 1
    assert [n for n in response.get_json() if n["kind"] == kind and n["instance_id"] == case["id"]], \
        response.get_json()


@then(_rx("user {user} finds the case among their copies, unread"))
def among_copies(api: ApiClient, case: dict[str, Any], user: str) -> None:
    copies = api.get("/copies", as_user=user).get_json()
    mine = [c for c in copies if c["instance_id"] == case["id"]]
    assert mine and mine[0]["read"] is False, copies
    read = api.post(f"/copies/{mine[0]['id']}/read", as_user=user)
    assert read.status_code == 200 and read.get_json()["read"] is True


@then(_rx("user {user} may read the case"))
def may_read(api: ApiClient, case: dict[str, Any], user: str) -> None:
    assert api.get(f"/process-instances/{case['id']}", as_user=user).status_code == 200
    assert api.get(f"/process-instances/{case['id']}/history", as_user=user).status_code == 200


@then(_rx("user {user} may not read the case"))
def may_not_read(api: ApiClient, case: dict[str, Any], user: str) -> None:
    assert api.get(f"/process-instances/{case['id']}", as_user=user).status_code == 403


@then(_rx("the history shows {command} by {user} with comment {comment}"))
def history_shows(api: ApiClient, case: dict[str, Any], command: str, user: str, comment: str) -> None:
    history = api.get(f"/process-instances/{case['id']}/history?limit=500", as_user="admin").get_json()
    assert [e for e in history if e["command"] == command and e["actor"] == user and e["comment"] == comment], \
        [(e["command"], e["actor"], e["comment"]) for e in history]


@then(_rx("the case is terminated"))
def is_terminated(api: ApiClient, case: dict[str, Any]) -> None:
    view = case_view(api, case)
    assert view["status"] == "terminated" and view["active_tasks"] == [] and view["sign_tasks"] == []


@then(_rx("user {user} may do {ops} on task {element}"))
def may_do(api: ApiClient, case: dict[str, Any], user: str, ops: str, element: str) -> None:
    task = step_row(api, case, element)
    body = api.get(f"/tasks/{task['id']}/operations", as_user=user).get_json()
    assert body["allowed"] == _names(ops), body


@then(_rx("user {user} may return task {element} to {elements}"))
def may_return_to(api: ApiClient, case: dict[str, Any], user: str, element: str, elements: str) -> None:
    task = step_row(api, case, element)
    body = api.get(f"/tasks/{task['id']}/operations", as_user=user).get_json()
    assert [t["element_id"] for t in body["return_targets"]] == _names(elements), body


@then(_rx("user {user} may withdraw task {element}"))
def may_withdraw(api: ApiClient, case: dict[str, Any], user: str, element: str) -> None:
    task_id = completed_row(api, case, element, user)
    body = api.get(f"/tasks/{task_id}/operations", as_user=user).get_json()
    assert body["allowed"] == ["withdraw"], body


@then(_rx("the history shows an automatic copy of task {element} to {users}"))
def automatic_copy(api: ApiClient, case: dict[str, Any], element: str, users: str) -> None:
    history = api.get(f"/process-instances/{case['id']}/history?limit=500", as_user="admin").get_json()
    copies = [e for e in history if e["command"] == "cc" and e["payload"].get("source") == "model"
              and e["payload"].get("element_id") == element]
    assert copies and copies[-1]["payload"]["users"] == _names(users), copies


@when(_rx("the admin deactivates user {user}"))
def deactivate_user(api: ApiClient, user: str) -> None:
    response = api.client.patch(f"/api/v1/users/{user}", json={"active": False}, headers=api.headers("admin"))
    assert response.status_code == 200, response.get_json()


@then(_rx("the stuck cases list task {element} of the case with reason {text}"))
def stuck_lists(api: ApiClient, case: dict[str, Any], element: str, text: str) -> None:
    rows = api.get("/admin/stuck-cases", as_user="admin").get_json()
    mine = [r for r in rows if r["instance_id"] == case["id"]]
    assert [(r["element_id"], r["reason"]) for r in mine] == [(element, text)], rows


@then(_rx("the stuck cases do not list the case"))
def stuck_not_listed(api: ApiClient, case: dict[str, Any]) -> None:
    rows = api.get("/admin/stuck-cases", as_user="admin").get_json()
    assert [r for r in rows if r["instance_id"] == case["id"]] == [], rows


@then(_rx("user {user}'s notification {kind} about the case names step {text} and the case title"))
def notification_names_step(api: ApiClient, case: dict[str, Any], user: str, kind: str, text: str) -> None:
    title = case_view(api, case)["case_title"]
    found = [n for n in api.get("/notifications", as_user=user).get_json()
             if n["kind"] == kind and n["instance_id"] == case["id"]]
    assert title and found and (found[0]["task_name"], found[0]["case_title"]) == (text, title), found


@then(_rx("user {user}'s copy of the case names step {text} and the case title"))
def copy_names_step(api: ApiClient, case: dict[str, Any], user: str, text: str) -> None:
    title = case_view(api, case)["case_title"]
    found = [c for c in api.get("/copies", as_user=user).get_json() if c["instance_id"] == case["id"]]
    assert title and found and (found[0]["element_name"], found[0]["case_title"]) == (text, title), found


@then(_rx("user {user} finds task {element} of the case in their done list as {kind} with comment {comment}"))
def in_done_list(api: ApiClient, case: dict[str, Any], user: str, element: str, kind: str, comment: str) -> None:
    done = api.get("/tasks/done", as_user=user).get_json()
    mine = [(t["kind"], t["comment"]) for t in done if t["instance_id"] == case["id"] and t["element_id"] == element]
    assert (kind, comment) in mine, done
