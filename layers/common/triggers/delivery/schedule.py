"""When to try a failed delivery again: an exponential schedule with jitter, honouring Retry-After."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

# The longest scheduled delay: SQS can hide a message for 12 hours at most.
MAX_DELAY_SECONDS = 12 * 60 * 60
# The longest Retry-After honoured. Longer waits than SQS can hide a message are kept in the job's
# message (see triggers.delivery.jobs); past a week the subscriber is treated as asking for a week.
LONGEST_RETRY_AFTER_SECONDS = 7 * 24 * 60 * 60
# Ten retries roughly doubling from 10 s to the 12 h cap: 142,570 s (39.6 h) of base delays, and at
# least 29.7 h after jitter, so a subscriber can be down for a whole day without losing an event.
DEFAULT_RETRY_DELAYS_SECONDS: tuple[int, ...] = (10, 60, 300, 1800, 3600, 7200, 14400, 28800, 43200, 43200)
_JITTER_FLOOR = 0.75
REDRIVE_HEADROOM = 10


@dataclass(frozen=True)
class RetrySchedule:
    delays_seconds: Sequence[int] = DEFAULT_RETRY_DELAYS_SECONDS
    jitter: Callable[[float, float], float] = field(default=random.uniform)

    @property
    def max_attempts(self) -> int:
        return len(self.delays_seconds) + 1

    def delay_after(self, attempt: int, retry_after_seconds: int | None = None) -> int | None:
        """Seconds to wait after failed attempt ``attempt`` (1-based), or None when it was the last."""
        if attempt >= self.max_attempts:
            return None
        if retry_after_seconds is not None:
            # The subscriber said when to come back (429/503 Retry-After): honoured, however long, up to a week.
            return min(max(retry_after_seconds, 1), LONGEST_RETRY_AFTER_SECONDS)
        base = self.delays_seconds[attempt - 1]
        # Jitter within [0.75 base, base] spreads a burst's retries without shortening the schedule much.
        return min(max(int(self.jitter(base * _JITTER_FLOOR, base)), 1), MAX_DELAY_SECONDS)

    @property
    def redrive_max_receive_count(self) -> int:
        """The delivery queue's maxReceiveCount: SQS parks a job only if the worker's own give-up never ran.

        Receives that crash (a timeout, a throttled write) count too, so the headroom over the schedule
        lets the worker reach its give-up path, which also marks the event failed.
        """
        return self.max_attempts + REDRIVE_HEADROOM

    def minimum_span_seconds(self) -> int:
        """The shortest time from the first attempt to the last, whatever the jitter."""
        return sum(min(int(delay * _JITTER_FLOOR), MAX_DELAY_SECONDS) for delay in self.delays_seconds)
