"""The public read of the access list: one read transaction, the day taken from the injected clock."""

from __future__ import annotations

from typing import Any

from engine.access_list.queries import Filters, UnknownOrg, list_entries, unit_choices
from engine.clock import Clock
from engine.errors import BadRequest, Problem
from engine.store.unit_of_work import UnitOfWork
from engine.timers.iso import beijing_date


class AccessListReader:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    def entries(self, filters: Filters) -> tuple[list[dict[str, Any]], int, str]:
        """The entries matching ``filters``, their total, and the day their status was judged on."""
        today = beijing_date(self.clock.now())
        try:
            items, total = self.uow.read(lambda session: list_entries(session, filters, today))
        except UnknownOrg as exc:
            raise BadRequest(f"单位 {exc.args[0]} 不存在", [Problem("org", "未知单位")]) from exc
        return items, total, today.isoformat()

    def units(self) -> list[dict[str, Any]]:
        """Districts, streets and communities (what the list binds), by level and name."""
        return self.uow.read(unit_choices)
