"""Timer start events: the clock starts cases (a quarterly cycle, a date), by the system actor."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select

from engine.settings import Settings
from engine.store.models import HumanTask, JournalEntry, ProcessInstance, Timer
from tests.replay_check import verify_every_case
from tests.support import fresh_settings
from tests.timer_support import FIXTURES, TIMER_FORMS, TimerHarness, make_harness

MEETING = (FIXTURES / "timer_start.bpmn").read_bytes()
BEIJING_9 = [datetime(2027, 1, 1, 1, tzinfo=UTC), datetime(2027, 4, 1, 1, tzinfo=UTC),
             datetime(2027, 7, 1, 1, tzinfo=UTC), datetime(2027, 10, 1, 1, tzinfo=UTC)]


@pytest.fixture
def timers(template_db, tmp_path) -> Iterator[TimerHarness]:  # type: ignore[no-untyped-def]
    settings: Settings = fresh_settings(template_db, tmp_path)
    for harness in make_harness(settings, at=datetime(2026, 12, 1, tzinfo=UTC)):
        # processes/ has its own timer start (the access list's quarterly meeting): these tests count only theirs
        with harness.engine.db.writer() as session, session.begin():
            session.execute(delete(Timer).where(Timer.kind == "start"))
        yield harness


def _cases(timers: TimerHarness) -> list[ProcessInstance]:
    with timers.engine.db.reader() as session:
        return list(session.scalars(select(ProcessInstance).where(ProcessInstance.definition_key == "quarterly_meeting")
                                    .order_by(ProcessInstance.id)))


def test_quarterly_cycle_starts_a_case_each_quarter_for_each_district(timers: TimerHarness) -> None:
    timers.deploy(MEETING, TIMER_FORMS)
    start_rows = [t for t in timers.timers() if t.kind == "start"]
    assert [(t.state, t.due_at, t.cycle) for t in start_rows] == [("armed", BEIJING_9[0], 1)]
    # nobody starts it by hand
    refused = timers.api.start("leadership", "quarterly_meeting", {})
    assert refused.status_code == 400 and "定时器" in refused.get_json()["error"]["message"]
    for quarter, due in enumerate(BEIJING_9, start=1):
        timers.clock.set(due - timedelta(seconds=1))
        assert timers.run_worker().fired == 0
        timers.clock.set(due + timedelta(seconds=5))
        assert timers.run_worker().fired == 1
        cases = _cases(timers)
        assert len(cases) == quarter  # one district (沣西新城) in the demo directory
        assert cases[-1].org_id == "fengxi" and cases[-1].started_by == "system"
    assert [t.state for t in timers.timers() if t.kind == "start"] == ["fired"] * 4  # R4: no fifth
    with timers.engine.db.reader() as session:
        first = session.scalars(select(JournalEntry).where(JournalEntry.instance_id == _cases(timers)[0].id)
                                .order_by(JournalEntry.seq)).first()
    assert first is not None and first.command == "start" and first.actor == "system"
    assert first.payload["timer"]["due_at"] == "2027-01-01T01:00:00.000000Z"
    with timers.engine.db.reader() as session:
        tasks = list(session.execute(select(HumanTask.element_id, HumanTask.role, HumanTask.org_id)
                                     .where(HumanTask.state == "ready")))
    assert [tuple(t) for t in tasks] == [("collect", "leadership_group", "fengxi")] * 4
    verify_every_case(timers.api)


def test_new_version_replaces_the_start_timer_and_repeats_no_occurrence(timers: TimerHarness) -> None:
    timers.deploy(MEETING, TIMER_FORMS)
    timers.clock.set(BEIJING_9[0] + timedelta(minutes=1))
    timers.run_worker()
    changed = MEETING.replace('name="已汇总"'.encode(), 'name="汇总完毕"'.encode())
    assert changed != MEETING
    timers.deploy(changed, TIMER_FORMS)
    rows = [(t.definition_id, t.state, t.cycle) for t in timers.timers() if t.kind == "start"]
    assert [r[1:] for r in rows] == [("fired", 1), ("cancelled", 2), ("armed", 2)]
    assert rows[2][0] != rows[0][0]


def test_date_start_fires_once(timers: TimerHarness) -> None:
    dated = MEETING.replace(b"<bpmn:timeCycle>R4/2027-01-01T09:00:00+08:00/P3M</bpmn:timeCycle>",
                            b"<bpmn:timeDate>2026-12-24</bpmn:timeDate>")
    timers.deploy(dated, TIMER_FORMS)
    due = datetime(2026, 12, 23, 16, tzinfo=UTC)  # 24 December, midnight in Beijing
    assert [t.due_at for t in timers.timers() if t.kind == "start"] == [due]
    timers.clock.set(due + timedelta(hours=1))
    assert timers.run_worker().fired == 1
    assert timers.run_worker().claimed == 0
    assert len(_cases(timers)) == 1


def _deploy(timers: TimerHarness, bpmn: bytes, forms: dict[str, bytes]) -> Any:
    return timers.api.client.post(
        "/api/v1/process-definitions", headers=timers.api.headers("owner"),
        data={"bpmn": (io.BytesIO(bpmn), "m.bpmn"), "forms": [(io.BytesIO(v), k) for k, v in forms.items()]},
        content_type="multipart/form-data")


def test_timer_start_needs_a_lane_at_a_level(timers: TimerHarness) -> None:
    village = MEETING.replace(b'name="leadership_group"', b'name="village_committee"')
    # a village lane whose cases name no village: the admission checks refuse the lane (nobody could act)
    response = _deploy(timers, village, TIMER_FORMS)
    assert response.status_code == 422, response.get_json()
    details = response.get_json()["error"]["details"]
    assert [d["path"] for d in details] == ["Lane_leadership"] and "subject_org" in details[0]["message"], details

    # with a start form naming the village the lane is admissible, but the clock cannot know which
    # village to start a case for: the timer start event itself is refused
    subject = {"type": "object", "required": ["subject_org"],
               "properties": {"subject_org": {"type": "string", "title": "所涉村", "x-org-level": ["village"]}}}
    start = '<bpmn:startEvent id="quarterly" name="每季度首日">'
    with_form = village.replace(start.encode(), (
        start + '<bpmn:extensionElements><spiffworkflow:properties>'
        '<spiffworkflow:property name="formJsonSchemaFilename" value="subject.schema.json" />'
        '</spiffworkflow:properties></bpmn:extensionElements>').encode())
    assert with_form != village
    response = _deploy(timers, with_form, {**TIMER_FORMS, "subject.schema.json": json.dumps(subject).encode()})
    assert response.status_code == 422, response.get_json()
    details = response.get_json()["error"]["details"]
    assert [d["path"] for d in details] == ["quarterly"], details
    assert "街道、区县或市级角色的泳道" in details[0]["message"]
