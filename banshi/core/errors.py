"""Domain errors. Each carries a stable code, a Chinese message and its HTTP status; the API and
the web map them to responses in one place each (api/errors.py, web/errors.py)."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}


class InvalidInput(DomainError):
    status = 400
    code = "invalid_input"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
