"""One exception type for everything the client raises, with a subclass per class of error.

Catch :class:`TriggersError` for all of them; every instance carries what the API said: the HTTP
``status``, the envelope's ``code``, ``message`` and ``details``, and the ``request_id`` to quote
when asking for help.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

# API Gateway answers some refusals itself (a missing or bad key, no such route) without the envelope;
# its request id is in this header.
GATEWAY_REQUEST_ID_HEADER = "apigw-requestid"


class TriggersError(Exception):
    """Anything the Triggers API refused, or a request that never got an answer."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        details: list[dict[str, Any]] | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.details = details or []
        self.request_id = request_id

    def __str__(self) -> str:
        what = " ".join(str(part) for part in (self.status, self.code) if part)
        where = f" (request id {self.request_id})" if self.request_id else ""
        return f"{what}: {self.message}{where}" if what else f"{self.message}{where}"


class InvalidRequestError(TriggersError):
    """400, 413, 415: the request is malformed, too large or has bad fields (see ``details``)."""


class ForbiddenError(TriggersError):
    """403: a missing, unknown, revoked or expired key (``code`` is None), or a missing scope."""


class NotFoundError(TriggersError):
    """404: no such event, subscription or key for this tenant."""


class ConflictError(TriggersError):
    """409 or 422: the same idempotency key is in flight or was used with another body; a limit is reached."""


class RateLimitedError(TriggersError):
    """429 after the client's own retries; ``retry_after`` is the wait the API asked for, in seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None, **fields: Any) -> None:
        super().__init__(message, **fields)
        self.retry_after = retry_after


class ServerError(TriggersError):
    """5xx: a fault or a throttled dependency (503 ``SERVICE_UNAVAILABLE`` is safe to retry later)."""


class TriggersConnectionError(TriggersError):
    """The API could not be reached or did not answer in time (no ``status``)."""


class WebhookVerificationError(TriggersError):
    """A webhook whose signature, timestamp or headers do not verify: do not trust its body."""


_BY_STATUS: dict[int, type[TriggersError]] = {
    400: InvalidRequestError,
    401: ForbiddenError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    413: InvalidRequestError,
    415: InvalidRequestError,
    422: ConflictError,
    429: RateLimitedError,
}


def retry_after_seconds(response: httpx.Response) -> float | None:
    """``Retry-After`` as seconds; the API sends delta-seconds, an HTTP date is read too."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def error_from_response(response: httpx.Response) -> TriggersError:
    """The error an unsuccessful response stands for, read from the envelope (or the gateway's body)."""
    try:
        body = json.loads(response.content)
    except ValueError:
        body = None
    envelope = body.get("error") if isinstance(body, dict) else None
    fields: dict[str, Any] = {"status": response.status_code}
    if isinstance(envelope, dict):
        message = str(envelope.get("message") or response.reason_phrase)
        fields |= {
            "code": envelope.get("code"),
            "details": envelope.get("details"),
            "request_id": envelope.get("request_id"),
        }
    elif isinstance(body, dict) and isinstance(body.get("message"), str):
        message = body["message"]
    else:
        message = response.reason_phrase or f"HTTP {response.status_code}"
    fields["request_id"] = fields.get("request_id") or response.headers.get(GATEWAY_REQUEST_ID_HEADER)
    error_class = _BY_STATUS.get(response.status_code, ServerError if response.status_code >= 500 else TriggersError)
    if error_class is RateLimitedError:
        return RateLimitedError(message, retry_after=retry_after_seconds(response), **fields)
    return error_class(message, **fields)
