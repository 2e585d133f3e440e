"""After every Gherkin scenario: every case of its database verifies (chain, replay, snapshot),
and so does its offline export. So every path of every procedure replays to identical states.
And it verifies again resumed from a seal made when its journal ended at a command in the middle:
the snapshot a verifier's replay reached there carries on to the same end."""

from __future__ import annotations

from typing import Any

import pytest

from engine.audit.export import history_jsonl, verify_export
from engine.audit.replay import DERIVED_COMMANDS, replay
from engine.audit.seals import Seals
from engine.audit.verify import read_journal, verify_all, verify_one
from engine.grid import chain as grid_chain
from engine.store.models import ProcessInstance

_SEALS = Seals(b"replay-check-seal-key-0123456789")


def verify_from_a_middle_seal(api: Any, instance_id: int) -> None:
    """Seal the history as a verification would have when it ended at the command nearest its middle,
    then verify the whole case resumed from that seal."""
    engine = api.engine

    def seal(session: Any) -> Any:
        entries = read_journal(session, instance_id)
        cuts = [e.seq - 1 for e in entries[1:] if e.command not in DERIVED_COMMANDS]
        if not cuts:
            return None
        cut = min(cuts, key=lambda seq: abs(seq - len(entries) // 2))
        instance = session.get(ProcessInstance, instance_id)
        definition = engine.registry.compiled(session, instance.definition_id)
        context = replay(definition, entries[:cut]).context
        return _SEALS.seal(instance_id, entries[:cut], definition, context)

    pending = engine.uow.read(seal)
    if pending is None:
        return
    cut = pending.row.seq
    engine.uow.write(lambda session: _SEALS.keep(session, pending))
    verdict = engine.uow.read(lambda session: verify_one(session, engine.registry, instance_id, _SEALS))
    assert verdict is not None and verdict.ok and verdict.sealed_through == cut, \
        f"case {instance_id} does not verify from a seal after entry {cut}: {verdict.as_dict()}"


def verify_every_case(api: Any) -> int:
    engine = api.engine
    count = 0
    for instance_id, business_key, verdict in verify_all(engine.uow, engine.registry):
        assert verdict.ok, f"case {instance_id} ({business_key}) does not verify: {verdict.as_dict()}"
        with engine.db.reader() as session:
            exported = verify_export(list(history_jsonl(session, instance_id)))
        assert exported.ok, f"the export of case {instance_id} does not verify: {exported.as_dict()}"
        verify_from_a_middle_seal(api, instance_id)
        count += 1
    assert engine.uow.read(grid_chain.check_all) == []  # the grids' 民情日志 chains too
    return count


@pytest.hookimpl(hookwrapper=True)
def pytest_bdd_after_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> Any:
    yield
    if "api" in request.fixturenames:
        verify_every_case(request.getfixturevalue("api"))
