"""Fuzzing deployment and task completion: never a 5xx or an unexpected exception, never half-written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from engine.definitions.compile import compile_definition
from engine.errors import InvalidModel, TooLarge
from engine.store.models import ProcessDefinition
from tests.consistency import check_case, counts
from tests.hostile_support import LOOP_BPMN, LOOP_FORMS, ROLES, deploy, start_loop_case
from tests.support import ApiClient

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])

json_scalars = st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30) \
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=120)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
field_names = st.sampled_from(["title", "amount", "decision", "agree", "__proto__", "", "title/0"]) \
    | st.text(max_size=6)
form_data = st.dictionaries(field_names, json_values, max_size=5) | st.fixed_dictionaries(
    {"title": st.text(min_size=0, max_size=110), "amount": st.integers(min_value=-5, max_value=1_000_005)})
bodies = st.fixed_dictionaries({"data": form_data}, optional={"comment": json_values}) | json_values


def case_facts(api: ApiClient, case_id: int) -> tuple[Any, ...]:
    with api.engine.db.reader() as session:
        facts = check_case(session, api.engine.registry, case_id)
        return facts.version, facts.journal_seq, facts.ready_elements, tuple(sorted(counts(session).items()))


def test_fuzzed_completions_never_fail_the_server_or_half_write(api: ApiClient) -> None:
    deploy(api.engine)
    current: dict[str, int] = {}

    def open_submit() -> tuple[int, int]:
        if "case" not in current:
            current["case"] = start_loop_case(api)
            current["task"] = api.open_task(current["case"], "submit", "street_a")["id"]
        return current["case"], current["task"]

    @FUZZ
    @given(body=bodies)
    def attempt(body: Any) -> None:
        case_id, task_id = open_submit()
        before = case_facts(api, case_id)
        raw = json.dumps(body, ensure_ascii=False, allow_nan=True).encode()
        response = api.client.post(f"/api/v1/tasks/{task_id}/complete", data=raw,
                                   headers=api.headers("street_a"), content_type="application/json")
        assert response.status_code in (200, 400, 413, 422), (response.status_code, response.get_data()[:300])
        if response.status_code == 200:
            check_case_after(api, case_id)
            current.clear()
        else:
            assert "error" in response.get_json()
            assert case_facts(api, case_id) == before

    attempt()


def check_case_after(api: ApiClient, case_id: int) -> None:
    with api.engine.db.reader() as session:
        facts = check_case(session, api.engine.registry, case_id)
    assert facts.ready_elements == ["review"]


# -- deployment ----------------------------------------------------------------------------------------------

@st.composite
def mutated_bpmn(draw: st.DrawFn) -> bytes:
    data = bytearray(LOOP_BPMN)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(["delete", "insert", "attribute", "duplicate"]))
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        if kind == "delete":
            del data[at:at + draw(st.integers(min_value=1, max_value=200))]
        elif kind == "insert":
            data[at:at] = draw(st.binary(max_size=40) | st.sampled_from(
                [b"<", b"&", b"]]>", b"<!--", b'"', b"<bpmn:userTask id=\"x\"/>", b"\xff", b"\x00"]))
        elif kind == "attribute":
            quote = data.find(b'"', at)
            end = data.find(b'"', quote + 1)
            if 0 <= quote < end:
                value = draw(st.text(max_size=20)).replace('"', "").replace("<", "").replace("&", "")
                data[quote + 1:end] = value.encode()
        else:
            chunk = bytes(data[at:at + draw(st.integers(min_value=1, max_value=400))])
            data[at:at] = chunk
    return bytes(data)


@FUZZ
@given(bpmn=mutated_bpmn())
def test_fuzzed_bpmn_is_compiled_or_refused_with_invalid_model(bpmn: bytes) -> None:
    try:
        compile_definition(bpmn, LOOP_FORMS, ROLES)
    except (InvalidModel, TooLarge) as exc:
        assert exc.details or isinstance(exc, TooLarge)
        assert all(p.path for p in exc.details)


schema_keywords = st.sampled_from(["type", "properties", "pattern", "format", "$ref", "enum", "items", "minimum",
                                   "maxLength", "additionalProperties", "required", "oneOf", "$defs", "const"])
schemas = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=3)
                       | st.dictionaries(schema_keywords | st.text(max_size=5), inner, max_size=4), max_leaves=15)


@FUZZ
@given(schema=st.dictionaries(schema_keywords, schemas, max_size=5), data=json_values)
def test_fuzzed_form_schemas_are_refused_or_validate_without_crashing(schema: dict[str, Any], data: Any) -> None:
    forms = dict(LOOP_FORMS)
    forms["sign.schema.json"] = json.dumps(schema, allow_nan=True).encode()
    try:
        compiled = compile_definition(LOOP_BPMN, forms, ROLES)
    except InvalidModel as exc:
        assert exc.details
        return
    list(compiled.validator("sign.schema.json").iter_errors(data))


@pytest.mark.parametrize("seed", range(3))
def test_fuzzed_deployments_write_nothing_when_refused(api: ApiClient, seed: int) -> None:
    import random
    rng = random.Random(seed)
    engine = api.engine
    for _ in range(15):
        data = bytearray(LOOP_BPMN)
        at = rng.randrange(len(data))
        del data[at:at + rng.randint(1, 300)]
        with engine.db.reader() as session:
            before = session.scalar(select(func.count()).select_from(ProcessDefinition))
        try:
            deploy(engine, bytes(data))
            created = 1
        except (InvalidModel, TooLarge):
            created = 0
        with engine.db.reader() as session:
            assert session.scalar(select(func.count()).select_from(ProcessDefinition)) in (before, before + created)
