"""Domain errors. They say what went wrong in the domain; `triggers.http` alone decides the HTTP status."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "INTERNAL_ERROR"
    default_message = "Internal error"

    def __init__(self, message: str | None = None, details: list[dict[str, Any]] | None = None) -> None:
        self.message = message or self.default_message
        self.details = details or []
        super().__init__(self.message)


class InvalidJson(DomainError):
    code = "INVALID_JSON"
    default_message = "Request body is not valid JSON"


class UnsupportedMediaType(DomainError):
    code = "UNSUPPORTED_MEDIA_TYPE"
    default_message = "Content-Type must be application/json"


class PayloadTooLarge(DomainError):
    code = "PAYLOAD_TOO_LARGE"
    default_message = "Request body is too large"


class ValidationFailed(DomainError):
    code = "VALIDATION_ERROR"
    default_message = "Request is invalid"


class InvalidCursor(DomainError):
    code = "INVALID_CURSOR"
    default_message = "Cursor is malformed, tampered with, or belongs to another query"


class Unauthenticated(DomainError):
    code = "UNAUTHORIZED"
    default_message = "Missing or invalid credentials"


class MissingScope(DomainError):
    code = "FORBIDDEN"
    default_message = "The API key lacks the scope this route needs"


class NotFound(DomainError):
    code = "NOT_FOUND"
    default_message = "Not found"


class LimitReached(DomainError):
    """The tenant holds as many of something (API keys, say) as it may; remove one first."""

    code = "LIMIT_REACHED"
    default_message = "A limit on this tenant's resources was reached"


class IdempotencyKeyReused(DomainError):
    code = "IDEMPOTENCY_KEY_REUSED"
    default_message = "Idempotency-Key was already used with a different request body"


class RequestInFlight(DomainError):
    code = "REQUEST_IN_PROGRESS"
    default_message = "A request with this Idempotency-Key is still being processed"


class RateLimited(DomainError):
    code = "RATE_LIMITED"
    default_message = "Rate limit exceeded for this API key"

    def __init__(self, retry_after_seconds: int, message: str | None = None) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(message)


class StorageUnavailable(DomainError):
    """DynamoDB throttled or failed after retries; the caller may retry, nothing was half-written."""

    code = "SERVICE_UNAVAILABLE"
    default_message = "Storage is temporarily unavailable, retry later"
