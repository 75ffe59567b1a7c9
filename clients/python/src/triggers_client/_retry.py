"""When a request is sent again, and after how long.

- 429 (rate limited) and a connection that was never made: any request, since the API did nothing
  with it. The wait is the API's ``Retry-After`` when it sends one.
- 502, 503, 504 and a connection lost mid-request: only a request that is safe to repeat (GET,
  DELETE, an ack, or a POST with an ``Idempotency-Key``, which ``events.send`` always sets), since
  the API may have acted on it before the answer was lost.
- Everything else is raised at once: a 500 is a fault, a 4xx will not change by asking again.

Waits grow exponentially with jitter and are capped, and so is the number of retries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import httpx

from triggers_client.errors import retry_after_seconds

_RETRIED_WHEN_SAFE = frozenset({502, 503, 504})
_NEVER_SENT = (httpx.ConnectError, httpx.ConnectTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 3
    base_delay: float = 0.5  # seconds before the first retry, at most
    max_delay: float = 8.0
    # A longer Retry-After is not slept through: the caller gets RateLimitedError with retry_after.
    max_retry_after: float = 60.0

    def backoff(self, retry: int) -> float:
        """Seconds before retry number ``retry`` (0-based): jittered within the upper half of the
        exponential step, so clients that failed together do not come back together."""
        ceiling = min(self.max_delay, self.base_delay * 2**retry)
        return random.uniform(ceiling / 2, ceiling)

    def delay(self, retry: int, safe_to_repeat: bool, outcome: httpx.Response | httpx.TransportError) -> float | None:
        """Seconds to wait before sending again, or None to give up with this outcome."""
        if retry >= self.max_retries:
            return None
        if isinstance(outcome, httpx.TransportError):
            return self.backoff(retry) if safe_to_repeat or isinstance(outcome, _NEVER_SENT) else None
        if outcome.status_code == 429 or (safe_to_repeat and outcome.status_code in _RETRIED_WHEN_SAFE):
            asked = retry_after_seconds(outcome)
            if asked is None:
                return self.backoff(retry)
            return asked if asked <= self.max_retry_after else None
        return None
