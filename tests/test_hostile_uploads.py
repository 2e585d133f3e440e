"""Hostile BPMN and form uploads are refused quickly with a 4xx-kind error, and nothing leaks or is fetched.

The engine-level tests go through ``compile_definition`` and
``DefinitionRegistry.deploy``; ``test_http_*`` go through ``POST
/process-definitions`` and skip while that route is not there.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from jsonschema.exceptions import _WrappedReferencingError
from referencing.exceptions import Unresolvable

from engine.definitions.compile import compile_definition
from engine.definitions.xmlsafe import MAX_XML_BYTES
from engine.errors import InvalidModel, TooLarge
from engine.forms.schema_guard import make_validator
from tests.consistency import counts
from tests.hostile_support import LOOP_BPMN, LOOP_FORMS, ROLES, deploy
from tests.http_probe import listening_probe
from tests.support import ApiClient

SECRET_MARKERS = ("root:", "LEAKED-FROM-PROBE", "/bin/")
HANG_GUARD_SECONDS = 10  # a hang detector for the bombs below, not a timing goal
XML_DECL = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def with_doctype(doctype: bytes, reference: bytes = b"&x;", prefix: bytes = b"") -> bytes:
    """loop_approval with a DOCTYPE placed before the root and ``reference`` used in a documentation element."""
    body = LOOP_BPMN.split(b"?>", 1)[1]
    body = body.replace(b'isExecutable="true">', b'isExecutable="true">\n<bpmn:documentation>' + reference
                        + b"</bpmn:documentation>", 1)
    return XML_DECL + prefix + doctype + body


def refused(bpmn: bytes, forms: dict[str, bytes] | None = None) -> InvalidModel | TooLarge:
    started = time.monotonic()
    with pytest.raises((InvalidModel, TooLarge)) as caught:
        compile_definition(bpmn, LOOP_FORMS if forms is None else forms, ROLES)
    assert time.monotonic() - started < HANG_GUARD_SECONDS
    error = caught.value
    text = error.message + json.dumps(error.details_dicts(), ensure_ascii=False)
    assert not any(marker in text for marker in SECRET_MARKERS), text
    return error


LOCAL_XXE = b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
LAUGHS = (b'<!DOCTYPE d [<!ENTITY l0 "ha">'
          + b"".join(b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 10))
          + b"]>\n")
QUADRATIC = b'<!DOCTYPE d [<!ENTITY a "' + b"a" * 50_000 + b'">]>\n'


@pytest.mark.parametrize("bpmn", [
    pytest.param(with_doctype(LOCAL_XXE), id="external-entity"),
    pytest.param(with_doctype(LOCAL_XXE, prefix=b"<!--" + b"x" * 8000 + b"-->\n"), id="doctype-after-long-comment"),
    pytest.param(with_doctype(b'<!DOCTYPE d SYSTEM "file:///etc/passwd">\n', b""), id="external-dtd"),
    pytest.param(with_doctype(b"<!doctype d [<!entity x SYSTEM 'file:///etc/passwd'>]>\n"), id="lower-case"),
    pytest.param(with_doctype(LOCAL_XXE).decode().replace("UTF-8", "UTF-16").encode("utf-16"), id="utf-16"),
    pytest.param(with_doctype(LAUGHS, b"&l9;"), id="billion-laughs"),
    pytest.param(with_doctype(QUADRATIC, b"&a;" * 20_000), id="quadratic-blowup"),
])
def test_xml_with_a_dtd_is_refused_and_nothing_is_read(bpmn: bytes) -> None:
    error = refused(bpmn)
    assert isinstance(error, InvalidModel)
    assert error.details and error.details[0].path == "bpmn"


def test_external_entities_and_dtds_are_never_fetched() -> None:
    with listening_probe() as (url, hits):
        refused(with_doctype(f'<!DOCTYPE d [<!ENTITY x SYSTEM "{url}/entity">]>\n'.encode()))
        refused(with_doctype(f'<!DOCTYPE d SYSTEM "{url}/dtd">\n'.encode(), b""))
        refused(with_doctype(f'<!DOCTYPE d [<!ENTITY % p SYSTEM "{url}/param"> %p;]>\n'.encode(), b""))
    assert hits == []


def test_oversized_upload_is_refused_before_parsing() -> None:
    padding = b"<!--" + b"x" * MAX_XML_BYTES + b"-->"
    error = refused(LOOP_BPMN + padding)
    assert isinstance(error, TooLarge)


@pytest.mark.parametrize("bpmn", [
    pytest.param(LOOP_BPMN.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"'), id="declared-latin-1"),
    pytest.param(LOOP_BPMN.replace("测试审批".encode(), b"\xff\xfe\xfa"), id="invalid-utf-8"),
    pytest.param(LOOP_BPMN.replace(b'<bpmn:documentation>', b"").replace(
        b'isExecutable="true">', b'isExecutable="true">' + b"<x>" * 5000 + b"</x>" * 5000, 1), id="deep-nesting"),
])
def test_odd_xml_is_refused(bpmn: bytes) -> None:
    assert isinstance(refused(bpmn), InvalidModel)


# -- form files -----------------------------------------------------------------------------------------------

def _forms_with(schema: Any) -> dict[str, bytes]:
    forms = dict(LOOP_FORMS)
    forms["sign.schema.json"] = schema if isinstance(schema, bytes) else json.dumps(schema).encode()
    return forms


SIGN_SCHEMA = json.loads(LOOP_FORMS["sign.schema.json"])


@pytest.mark.parametrize("schema", [
    pytest.param(b"[" * 100_000 + b"]" * 100_000, id="json-nesting-bomb"),
    pytest.param({**SIGN_SCHEMA, "properties": {"agree": {"$ref": "file:///etc/passwd"}}}, id="ref-local-file"),
    pytest.param({**SIGN_SCHEMA, "properties": {"agree": {"$ref": "http://127.0.0.1:9/x.json"}}}, id="ref-url"),
    pytest.param({**SIGN_SCHEMA, "properties": {"agree": {"type": "string", "pattern": "^(a)\\1$"}}},
                 id="backtracking-pattern"),
    pytest.param({**SIGN_SCHEMA, "patternProperties": {"(?=x)": {}}}, id="lookahead-pattern-property"),
])
def test_hostile_form_files_are_refused_naming_the_file(schema: Any) -> None:
    error = refused(LOOP_BPMN, _forms_with(schema))
    assert isinstance(error, InvalidModel)
    assert "sign.schema.json" in [p.path for p in error.details]


def test_validators_never_retrieve_references() -> None:
    with listening_probe() as (url, hits):
        validator = make_validator({"type": "object", "properties": {"a": {"$ref": f"{url}/schema.json"}}})
        with pytest.raises((Unresolvable, _WrappedReferencingError)):
            list(validator.iter_errors({"a": "x"}))
    assert hits == []


def test_patterns_run_in_linear_time() -> None:
    """``^(a+)+$`` backtracks exponentially in Python's re; forms are matched with RE2."""
    compiled = compile_definition(LOOP_BPMN, _forms_with(
        {**SIGN_SCHEMA, "properties": {"agree": {"type": "string", "title": "同意", "pattern": "^(a+)+$"}}}), ROLES)
    validator = compiled.validator("sign.schema.json")
    outcome: list[list[Any]] = []
    worker = threading.Thread(target=lambda: outcome.append(list(validator.iter_errors({"agree": "a" * 30 + "!"}))),
                              daemon=True)
    worker.start()
    worker.join(HANG_GUARD_SECONDS)
    assert outcome, "pattern matching hung (catastrophic backtracking)"
    assert [e.validator for e in outcome[0]] == ["pattern"]


def test_refused_deployment_writes_nothing(api: ApiClient) -> None:
    engine = api.engine
    with engine.db.reader() as session:
        before = session.scalar(_count_definitions())
    with pytest.raises(InvalidModel):
        deploy(engine, with_doctype(LOCAL_XXE))
    with engine.db.reader() as session:
        assert session.scalar(_count_definitions()) == before


def _count_definitions() -> Any:
    from sqlalchemy import func, select

    from engine.store.models import ProcessDefinition
    return select(func.count()).select_from(ProcessDefinition)


# -- through HTTP (POST /process-definitions) -------------------------------------------------------------------

def _upload(api: ApiClient, bpmn: bytes, forms: dict[str, bytes] | None = None) -> Any:
    files: list[tuple[str, tuple[Any, str]]] = [("bpmn", (_stream(bpmn), "loop_approval.bpmn"))]
    files += [("forms", (_stream(content), name)) for name, content in (LOOP_FORMS if forms is None else forms).items()]
    data: dict[str, Any] = {}
    for field, value in files:
        data.setdefault(field, []).append(value)
    return api.client.post("/api/v1/process-definitions", data=data, headers=api.headers("owner"),
                           content_type="multipart/form-data")


def _stream(content: bytes) -> Any:
    from io import BytesIO
    return BytesIO(content)


@pytest.fixture
def upload_api(api: ApiClient) -> ApiClient:
    probe = _upload(api, LOOP_BPMN)
    assert probe.status_code == 201, probe.get_json()
    return api


@pytest.mark.parametrize("bpmn", [
    pytest.param(with_doctype(LOCAL_XXE), id="xxe-file"),
    pytest.param(with_doctype(b'<!DOCTYPE d [<!ENTITY x SYSTEM "http://127.0.0.1:9/">]>\n'), id="xxe-url"),
    pytest.param(with_doctype(LAUGHS, b"&l9;"), id="billion-laughs"),
    pytest.param(with_doctype(QUADRATIC, b"&a;" * 20_000), id="quadratic-blowup"),
    pytest.param(LOOP_BPMN + b"<!--" + b"x" * MAX_XML_BYTES + b"-->", id="oversized"),
])
def test_http_hostile_upload_gets_a_4xx_and_changes_nothing(upload_api: ApiClient, bpmn: bytes) -> None:
    with upload_api.engine.db.reader() as session:
        before = (session.scalar(_count_definitions()), counts(session))
    started = time.monotonic()
    response = _upload(upload_api, bpmn)
    assert time.monotonic() - started < HANG_GUARD_SECONDS
    assert response.status_code in (413, 422), response.get_data(as_text=True)[:500]
    body = response.get_data(as_text=True)
    assert not any(marker in body for marker in SECRET_MARKERS)
    assert response.get_json()["error"]["code"] in ("invalid_model", "too_large", "request_entity_too_large")
    with upload_api.engine.db.reader() as session:
        assert (session.scalar(_count_definitions()), counts(session)) == before


def test_http_hostile_form_file_is_named(upload_api: ApiClient) -> None:
    response = _upload(upload_api, LOOP_BPMN, _forms_with(b"[" * 100_000 + b"]" * 100_000))
    assert response.status_code == 422
    assert "sign.schema.json" in [d["path"] for d in response.get_json()["error"]["details"]]
