"""Hostile scripts, conditions and timer expressions.

What the compiler can see is refused at deployment, naming the element; what
only shows at run time puts that one case into the error state with a clear
message, and the server and every other case go on.
"""

from __future__ import annotations

import pytest

from engine.definitions.compile import compile_definition
from engine.errors import InvalidModel
from engine.sandbox.evaluator import SandboxEnvironment
from engine.sandbox.guards import SandboxError
from tests.consistency import check_case
from tests.hostile_support import LOOP_BPMN, LOOP_FORMS, ROLES, complete_step, deploy, drive_to_signing, loop_variant
from tests.support import ApiClient

STATIC_ATTACKS = {
    "import": "import os",
    "dunder-name": "x = __import__('os')",
    "dunder-attribute": "x = ().__class__.__bases__",
    "eval": "x = eval('1')",
    "exec": "exec('x = 1')",
    "huge-power": "total = 10**10**10",
    "huge-repeat": "total = 'x' * 10**10",
    "huge-shift": "total = 1 << 10**10",
    "percent-format": "total = '%s' % amount",
    "format-width": "total = f'{amount:>{amount}}'",
    "big-format-width": "total = f'{amount:>100000000}'",
    "star-unpacking": "total = [*signatures, *signatures]",
    "too-long": "x = 1\n" * 5000,
    "deep-nesting": "x = " + "(" * 400 + "1" + ")" * 400,
    "catch-the-bound": "n = 0\nwhile n < 3:\n    try:\n        while True:\n            pass\n"
                       "    except:\n        n += 1",
    "finally-after-the-bound": "try:\n    while True:\n        pass\nfinally:\n    while True:\n        pass",
}


@pytest.mark.parametrize("script", list(STATIC_ATTACKS.values()), ids=list(STATIC_ATTACKS))
def test_hostile_script_is_refused_at_deployment(script: str) -> None:
    with pytest.raises(InvalidModel) as caught:
        compile_definition(loop_variant(script=script.encode()), LOOP_FORMS, ROLES)
    assert "count" in [p.path for p in caught.value.details], caught.value.details


@pytest.mark.parametrize("condition", ["10**10**10 > 1", "'x' * 10**10 == ''", "__import__('os')",
                                       "decision.__class__"])
def test_hostile_condition_is_refused_at_deployment(condition: str) -> None:
    with pytest.raises(InvalidModel) as caught:
        compile_definition(loop_variant(condition=condition.encode()), LOOP_FORMS, ROLES)
    assert "Flow_pass" in [p.path for p in caught.value.details], caught.value.details


def _with_timer(duration: bytes) -> bytes:
    """loop_approval with an (unconnected) intermediate timer event ``wait``."""
    timer = (b'<bpmn:intermediateCatchEvent id="wait" name="wait">'
             b'<bpmn:timerEventDefinition id="wait_timer"><bpmn:timeDuration>' + duration + b'</bpmn:timeDuration>'
             b'</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>')
    return LOOP_BPMN.replace(b'<bpmn:endEvent id="end_approved"', timer + b'<bpmn:endEvent id="end_approved"', 1)


def test_hostile_timer_expression_is_refused_at_deployment() -> None:
    with pytest.raises(InvalidModel) as caught:
        compile_definition(_with_timer(b"10**10**10"), LOOP_FORMS, ROLES)
    assert any(p.path == "wait" and "乘方" in p.message for p in caught.value.details), caught.value.details


def test_timer_values_are_checked_at_deployment() -> None:
    """ISO values as Camunda Modeler writes them compile; a malformed one is refused naming the event."""
    compile_definition(_with_timer(b'"PT2S"'), LOOP_FORMS, ROLES)
    compile_definition(_with_timer(b"PT2S"), LOOP_FORMS, ROLES)
    with pytest.raises(InvalidModel) as caught:
        compile_definition(_with_timer(b"PT15D"), LOOP_FORMS, ROLES)  # days belong before the T
    assert any(p.path == "wait" for p in caught.value.details), caught.value.details


# -- at run time: only the case fails ------------------------------------------------------------------------

RUNTIME_ATTACKS = {
    # script: what the case's error message must say
    "open-file": ("total = open('/etc/passwd').read()", "open"),
    "format-escape": ("total = '{0.__globals__[sys].modules[os].environ}'.format(range)", "format"),
    "getattr-builtin": ("total = getattr(amount, '__class__')", "getattr"),
    "runaway-loop": ("while True:\n    pass", "秒"),
    "huge-power": ("total = 10 ** amount", "乘方"),
    "huge-repeat": ("total = 'x' * amount * 2", "过长"),
    "huge-list": ("total = [0] * amount * 2", "过长"),
    "huge-shift": ("total = 1 << amount", "移位"),
    "squaring-loop": ("x = amount\nfor i in range(40):\n    x = x * x", "乘积"),
    "doubling-string": ("x = 'ab'\nfor i in range(40):\n    x += x", "过长"),
    "doubling-list": ("x = [1]\nfor i in range(40):\n    x.extend(x)", "过长"),
    "padding": ("total = 'x'.ljust(amount * 2)", "过长"),
    "replace-amplifier": ("x = 'a' * 1000\ntotal = x.replace('a', x)\ntotal = total.replace('a', x)", "过长"),
    "join-amplifier": ("total = ('x' * amount).join(['a', 'b', 'c'])", "过长"),
    "round-power": ("total = round(amount, -amount)", "round"),
    "sum-of-lists": ("total = sum([[1] * 1000] * 1000, [])", "sum"),
    "huge-range": ("total = sorted(range(amount * 1000))", "range"),
    "recursion": ("f = lambda f: f(f)\nf(f)", "递归"),
    "deep-recursion": ("def f(n):\n    return 0 if n == 0 else 1 + f(n - 1)\ntotal = f(amount)", "递归"),
    "not-json": ("total = lambda: 1\nx = {1, 2}", "JSON"),
    "format-through-type": ("total = str.format('{0.__globals__}', lambda: 1)", "类型"),
    "join-through-type": ("total = str.join('x' * amount, ['a', 'b', 'c'])", "类型"),
    "extend-through-type": ("x = [1]\nfor i in range(40):\n    list.extend(x, x)", "类型"),
    "expandtabs": ("total = ('\\t' * 1000).expandtabs(amount)", "过长"),
    "translate": ("total = ('a' * 10000).translate({97: 'b' * 100000})", "translate"),
    "str-of-shared-lists": ("x = [[0] * amount] * 30\ntotal = str(x)", "文本"),
    "fstring-of-shared-lists": ("x = [[0] * amount] * 30\ntotal = f'{x}'", "文本"),
}


@pytest.mark.parametrize(("script", "says"), list(RUNTIME_ATTACKS.values()), ids=list(RUNTIME_ATTACKS))
def test_hostile_script_fails_only_its_own_case(api: ApiClient, script: str, says: str) -> None:
    deploy(api.engine)
    bystander, by_a, by_b = drive_to_signing(api)
    deploy(api.engine, loop_variant(script=script.encode()))
    victim, sign_a, sign_b = drive_to_signing(api, amount=1_000_000)

    assert api.complete(sign_a, "street_a", {"agree": True}).status_code == 200
    response = api.complete(sign_b, "civil_affairs", {"agree": True})
    assert response.status_code == 200, response.get_json()
    case = response.get_json()
    assert case["status"] == "error"
    assert says.lower() in case["error"].lower(), case["error"]
    assert "root:" not in case["error"] and "/bin/" not in case["error"]
    assert api.complete(sign_b, "civil_affairs", {"agree": True}).status_code == 409

    # the server and the other case go on
    assert api.complete(by_a, "street_a", {"agree": True}).status_code == 200
    finished = api.complete(by_b, "civil_affairs", {"agree": True}).get_json()
    assert (finished["status"], finished["end_event"], finished["data"]["total"]) == ("completed", "已批准", 20)
    with api.engine.db.reader() as session:
        for case_id in (bystander, victim):
            check_case(session, api.engine.registry, case_id)
    for case_id in (bystander, victim):  # the failed submission replays to the same failure
        assert api.post(f"/process-instances/{case_id}/verify", as_user="auditor").get_json()["ok"]


def test_hostile_condition_fails_only_its_own_case(api: ApiClient) -> None:
    deploy(api.engine, loop_variant(condition=b"decision == 'pass' and len('x' * amount * 3) > 0"))
    case_id = api.start("street_a", "loop_approval", {}).get_json()["id"]
    assert complete_step(api, case_id, "submit", "street_a", {"title": "条件", "amount": 1_000_000}).status_code == 200
    response = complete_step(api, case_id, "review", "civil_affairs", {"decision": "pass"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "error"
    assert "过长" in response.get_json()["error"]
    assert api.get("/health").status_code == 200
    with api.engine.db.reader() as session:
        check_case(session, api.engine.registry, case_id)
    assert api.post(f"/process-instances/{case_id}/verify", as_user="auditor").get_json()["ok"]


@pytest.mark.parametrize("expression", ["10 ** n", "'x' * n", "1 << n", "round(1, -n)", "'x'.zfill(n)",
                                        "'x'.center(n)", "'\\t'.expandtabs(n)", "[1] * n"])
def test_size_guards_refuse_before_computing(expression: str) -> None:
    """Each of these would allocate gigabytes (or compute for hours) in one C call without the guard."""
    with pytest.raises(SandboxError):
        SandboxEnvironment().evaluate(expression, {"n": 10**10})


@pytest.mark.parametrize(("expression", "value"), [
    ("amount * 2", 20), ("f'{amount:.2f}'", "10.00"), ("'-'.join(['a', 'b'])", "a-b"), ("2 ** 10", 1024),
    ("[1, 2] * 2", [1, 2, 1, 2]), ("sum([1, 2, 3])", 6), ("round(2.675, 2)", 2.67), ("'ab'.replace('a', 'c')", "cb"),
    ("f'{amount}号'", "10号"), ("amount % 3", 1),
])
def test_ordinary_expressions_still_work(expression: str, value: object) -> None:
    assert SandboxEnvironment().evaluate(expression, {"amount": 10}) == value


def test_hostile_script_right_after_start_refuses_the_start_and_writes_nothing(api: ApiClient) -> None:
    """No case exists yet: the start is refused (4xx naming the script's error), nothing is stored."""
    from tests.consistency import counts

    bpmn = loop_variant(script=b"while True:\n    pass").replace(
        b'<bpmn:sequenceFlow id="Flow_start" sourceRef="start" targetRef="submit" />',
        b'<bpmn:sequenceFlow id="Flow_start" sourceRef="start" targetRef="count" />')
    deploy(api.engine, bpmn)
    with api.engine.db.reader() as session:
        before = counts(session)
    response = api.start("street_a", "loop_approval", {})
    assert response.status_code == 400, response.get_json()
    assert "秒" in response.get_json()["error"]["message"]
    with api.engine.db.reader() as session:
        assert counts(session) == before
    assert api.get("/health").status_code == 200


def _with_pre_script(script: bytes, element: bytes = b"review") -> bytes:
    anchor = b'<bpmn:userTask id="' + element + b'" name="'
    start = LOOP_BPMN.index(anchor)
    props = LOOP_BPMN.index(b"<spiffworkflow:properties>", start)
    return LOOP_BPMN[:props] + b"<spiffworkflow:preScript>" + script + b"</spiffworkflow:preScript>" \
        + LOOP_BPMN[props:]


def test_hostile_pre_script_is_refused_at_deployment() -> None:
    with pytest.raises(InvalidModel) as caught:
        compile_definition(_with_pre_script(b"x = 10**10**10"), LOOP_FORMS, ROLES)
    assert any(p.path == "review" and "乘方" in p.message for p in caught.value.details), caught.value.details


def test_hostile_pre_script_fails_only_its_own_case(api: ApiClient) -> None:
    deploy(api.engine, _with_pre_script(b"x = 'x' * amount * 2"))
    case_id = api.start("street_a", "loop_approval", {}).get_json()["id"]
    response = complete_step(api, case_id, "submit", "street_a", {"title": "前置脚本", "amount": 1_000_000})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "error"
    assert "过长" in response.get_json()["error"]
    with api.engine.db.reader() as session:
        check_case(session, api.engine.registry, case_id)


def test_a_failed_case_leaves_the_inbox_until_an_admin_resumes_it(api: ApiClient) -> None:
    deploy(api.engine, loop_variant(condition=b"decision == 'pass' and len('x' * amount * 3) > 0"))
    case_id = api.start("street_a", "loop_approval", {}).get_json()["id"]
    assert complete_step(api, case_id, "submit", "street_a", {"title": "条件", "amount": 1_000_000}).status_code == 200
    assert complete_step(api, case_id, "review", "civil_affairs", {"decision": "pass"}).get_json()["status"] == "error"
    assert [t for t in api.get("/tasks", as_user="civil_affairs").get_json() if t["instance_id"] == case_id] == []

    resumed = api.post(f"/process-instances/{case_id}/resume", {"reason": "数据有误，请重新审核"}, as_user="admin")
    assert resumed.status_code == 200, resumed.get_json()
    assert resumed.get_json()["status"] == "running" and "error" not in resumed.get_json()
    inbox = [t for t in api.get("/tasks", as_user="civil_affairs").get_json() if t["instance_id"] == case_id]
    assert [t["element_id"] for t in inbox] == ["review"]
    # a corrected decision goes through; the journal replays the failure, the resume and the retry
    assert complete_step(api, case_id, "review", "civil_affairs", {"decision": "return"}).status_code == 200
    assert api.post(f"/process-instances/{case_id}/verify", as_user="auditor").get_json()["ok"]


def test_bounds_decide_the_same_whatever_the_caller_and_the_machine() -> None:
    """A replay runs on another stack and another machine's speed: recursion and runaways fail the same way."""
    from engine.sandbox import evaluator

    def from_depth(depth: int, script: str) -> str:
        if depth:
            return from_depth(depth - 1, script)
        with pytest.raises(SandboxError) as caught:
            SandboxEnvironment().execute(script, {})
        return str(caught.value)

    for depth in (0, 300, 700):  # Python's own limit (1000) would cut the recursion at a different depth each time
        assert from_depth(depth, "f = lambda f: f(f)\nf(f)") == evaluator.TOO_DEEP
    assert from_depth(0, "while True:\n    pass") == evaluator.TOO_LONG
    # the time bound is a backstop: it fails with the step bound's message, so either gives one outcome
    assert evaluator.TIME_LIMIT_SECONDS > 1 and "秒" in evaluator.TOO_LONG and "步" in evaluator.TOO_LONG
