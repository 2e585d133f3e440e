"""Data the engine adds to a case's start: what only the database knows when the case begins.

A procedure names a provider with the process property ``startDataFrom`` (e.g. the quarterly
meeting's agenda of pending items, or a refusal's look-up in the access list). The provider runs
in the start command's transaction; what it returns is merged into the start data *before* the
start is journalled, so the journal carries it and replay never asks the database again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.definitions.compile import CompiledDefinition
from engine.definitions.process_properties import process_property

PROPERTY = "startDataFrom"
Provider = Callable[[Session, CompiledDefinition, str, dict[str, Any], datetime], dict[str, Any]]
PROVIDERS: dict[str, Provider] = {}


def provides(name: str) -> Callable[[Provider], Provider]:
    def register(function: Provider) -> Provider:
        PROVIDERS[name] = function
        return function

    return register


def with_start_data(session: Session, definition: CompiledDefinition, case_org: str, data: dict[str, Any],
                    at: datetime) -> dict[str, Any]:
    name = process_property(definition, PROPERTY)
    provider = PROVIDERS.get(name or "")
    if provider is None:
        return data
    return {**data, **provider(session, definition, case_org, dict(data), at)}
