"""Domain errors. The API maps each to an HTTP status; messages are for clerks (Chinese)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Problem:
    """One thing wrong with an input: where (a field path or a BPMN element id) and what."""

    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


@dataclass
class EngineError(Exception):
    message: str
    details: list[Problem] = field(default_factory=list)
    code: str = "error"

    def __str__(self) -> str:  # pragma: no cover - debugging aid
        return f"{self.code}: {self.message}"

    def details_dicts(self) -> list[dict[str, Any]]:
        return [p.as_dict() for p in self.details]


class BadRequest(EngineError):
    def __init__(self, message: str, details: list[Problem] | None = None) -> None:
        super().__init__(message, details or [], "bad_request")


class Unauthorized(EngineError):
    def __init__(self, message: str = "未登录或登录已失效") -> None:
        super().__init__(message, [], "unauthorized")


class Forbidden(EngineError):
    def __init__(self, message: str) -> None:
        super().__init__(message, [], "forbidden")


class NotFound(EngineError):
    def __init__(self, message: str) -> None:
        super().__init__(message, [], "not_found")


class Conflict(EngineError):
    def __init__(self, message: str) -> None:
        super().__init__(message, [], "conflict")


class ValidationFailed(EngineError):
    """Submitted data breaks the form's schema (HTTP 422)."""

    def __init__(self, message: str, details: list[Problem]) -> None:
        super().__init__(message, details, "validation_failed")


class InvalidModel(EngineError):
    """A BPMN file or form set cannot be deployed (HTTP 422), one problem per element."""

    def __init__(self, message: str, details: list[Problem]) -> None:
        super().__init__(message, details, "invalid_model")


class TooLarge(EngineError):
    def __init__(self, message: str) -> None:
        super().__init__(message, [], "too_large")


class ServiceUnavailable(EngineError):
    """Something the server needs is missing (HTTP 503), e.g. a font for PDFs."""

    def __init__(self, message: str) -> None:
        super().__init__(message, [], "service_unavailable")


class TooManyRequests(EngineError):
    """Too many failed attempts (HTTP 429); ``retry_after`` is in whole seconds."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, [], "too_many_requests")
        self.retry_after = retry_after


class Unavailable(EngineError):
    """The database is busy or cannot be reached (HTTP 503): nothing was done; retry after ``retry_after`` s."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, [], "service_unavailable")
        self.retry_after = retry_after


class InsufficientStorage(EngineError):
    """The disk (database or attachments) is full (HTTP 507): nothing was stored."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, [], "insufficient_storage")
        self.retry_after = retry_after
