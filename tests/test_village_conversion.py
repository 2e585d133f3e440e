"""撤村建居's directory change: a completed case converts its villages by one journalled command, which
replays, and which verify holds against the directory rows."""

from __future__ import annotations

import json
import re
from typing import Any

from pytest_bdd.parser import FeatureParser
from sqlalchemy import select

from engine.audit.verify import verify_one
from engine.store.models import JournalEntry, Organisation
from tests.case_helpers import ROOT
from tests.paper_files import upload_papers
from tests.support import ApiClient

ONE_VILLAGE = "一村建一社区，户代表恰达三分之二到会并过半数同意，复审退回补正方案文本后批准，撤村建居完成"
Q = r'"([^"]+)"'
START = re.compile(rf'^user {Q} starts a {Q} case with:$')
COMPLETE = re.compile(rf'^user {Q} completes task {Q} with(?: comment {Q} and)?:$')


def _complete_scenario(api: ApiClient, name: str) -> int:
    """Every start and completion of the scenario, in order, through the API (refusals are left out)."""
    feature = FeatureParser(str(ROOT / "features"), "village_to_community.feature").parse()
    case_id = 0
    for step in feature.scenarios[name].steps:
        text, data = step.name.strip(), json.loads(step.docstring) if step.docstring else {}
        if m := START.match(text):
            response = api.start(m[1], m[2], data)
            assert response.status_code == 201, response.get_json()
            case_id = response.get_json()["id"]
        elif m := COMPLETE.match(text):
            mine = [t for t in api.get("/tasks", as_user=m[1]).get_json()
                    if t["instance_id"] == case_id and t["element_id"] == m[2]]
            response = api.complete(mine[0]["id"], m[1], upload_papers(api, case_id, m[1], data), m[3])
            assert response.status_code == 200, response.get_json()
    return case_id


def _verify(api: ApiClient, case_id: int) -> Any:
    with api.engine.db.reader() as session:
        return verify_one(session, api.engine.registry, case_id)


def test_the_conversion_is_one_system_entry_and_verify_holds_the_directory_to_it(api: ApiClient) -> None:
    case_id = _complete_scenario(api, ONE_VILLAGE)
    with api.engine.db.reader() as session:
        entries = list(session.scalars(select(JournalEntry).where(
            JournalEntry.instance_id == case_id, JournalEntry.command == "village_convert")))
        village = session.get(Organisation, "village_a1")
        assert village is not None and village.converted_by == case_id
        community = session.get(Organisation, village.converted_into)
    assert len(entries) == 1 and entries[0].actor == "system"
    assert entries[0].payload["conversion"]["villages"] == ["village_a1"]
    assert community is not None and community.name == "甲街道东村社区" and community.established_by == case_id
    assert _verify(api, case_id).ok

    # a directory edited behind the journal's back no longer verifies
    with api.engine.db.writer() as session, session.begin():
        row = session.get(Organisation, "village_a1")
        assert row is not None
        row.converted_on = row.converted_on.replace(day=1) if row.converted_on else None
    verdict = _verify(api, case_id)
    assert not verdict.ok and "撤销的村" in verdict.reason

    with api.engine.db.writer() as session, session.begin():
        row = session.get(Organisation, "village_a1")
        assert row is not None
        row.converted_on = row.converted_on.replace(day=22) if row.converted_on else None
        made = session.get(Organisation, community.id)
        assert made is not None
        made.name = "东村社区"
    verdict = _verify(api, case_id)
    assert not verdict.ok and "设立的社区" in verdict.reason
