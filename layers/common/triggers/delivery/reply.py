"""What came of one webhook POST (or why none was made): what the worker records as an attempt."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WebhookReply:
    """What came of one POST. ``error`` says why it failed, for the attempt record (never the body)."""

    status_code: int | None
    latency_ms: int
    retry_after_seconds: int | None = None
    error: str | None = None
    # The target may not be called (SSRF policy) or its host does not exist: retrying cannot help.
    refused: bool = False
    body_excerpt: bytes = b""  # the start of the response body, at most the sender's cap

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def gone(self) -> bool:
        """410 Gone: the subscriber asks never to be called again."""
        return self.status_code == 410
