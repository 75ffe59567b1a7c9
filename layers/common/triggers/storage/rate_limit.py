"""Per-key rate limiting with leased tokens.

Each key has a budget of events per second, counted in DynamoDB (one counter item per key per
second, expired by TTL). A warm container does not write once per request: it leases a slice of the
current second's budget with one conditional UpdateItem and spends it locally. Leased tokens that go
unused lapse with the second.

Each container may also admit a small ``local_allowance`` per key per second without any write, so
a quiet key (the common case for most tenants) costs no counter writes at all. That is the only way
the limiter over-admits: by at most ``local_allowance`` times the warm containers, per second.

A key whose limit is below the largest request it may make (a batch of 100 at 50 events/s) is
counted over a window long enough to hold that request (2 s of 100 events), so the batch borrows from
the next second instead of being refused forever; its average rate is still its limit.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from triggers.errors import RateLimited
from triggers.storage.dynamo import ConditionFailed, storage_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_COUNTER_TTL_SECONDS = 120


@dataclass
class _Lease:
    window: int  # the window's index: its start in seconds divided by its length
    tokens: int  # admissible now without another write
    admitted: int = 0  # this window, by this container


@dataclass(frozen=True)
class _Window:
    """Counting period of a key: one second, or as many as it takes to hold the largest request."""

    seconds: int
    budget: int

    @classmethod
    def of(cls, limit_per_second: int, largest_request: int) -> _Window:
        seconds = max(1, math.ceil(largest_request / limit_per_second))
        return cls(seconds, limit_per_second * seconds)


class RateLimiter:
    def __init__(
        self,
        client: DynamoDBClient,
        table: str,
        lease_fraction: float,
        clock: Callable[[], float] = time.time,
        local_allowance: int = 0,
        largest_request: int = 1,
    ) -> None:
        self._client = client
        self._table = table
        self._lease_fraction = lease_fraction
        self._local_allowance = local_allowance
        self._largest_request = largest_request
        self._clock = clock
        self._leases: dict[str, _Lease] = {}

    def consume(self, key_id: str, tokens: int, limit_per_second: int) -> None:
        """Takes ``tokens`` from the key's budget for the current window or raises RateLimited."""
        window = _Window.of(limit_per_second, self._largest_request)
        now = self._clock()
        index = int(now // window.seconds)
        retry_after = max(1, math.ceil((index + 1) * window.seconds - now))
        lease = self._leases.get(key_id)
        if lease is None or lease.window != index:
            lease = self._leases[key_id] = _Lease(index, min(self._local_allowance, window.budget))
        if lease.admitted + tokens > window.budget:
            raise RateLimited(retry_after_seconds=retry_after)
        if lease.tokens < tokens:
            wanted = max(tokens - lease.tokens, math.ceil(window.budget * self._lease_fraction))
            lease.tokens += self._lease(key_id, index, window, wanted, tokens - lease.tokens)
        if lease.tokens < tokens:
            raise RateLimited(retry_after_seconds=retry_after)
        lease.tokens -= tokens
        lease.admitted += tokens

    def _lease(self, key_id: str, index: int, window: _Window, wanted: int, needed: int) -> int:
        """Leases ``wanted`` tokens, or just ``needed`` when the budget is nearly spent; 0 if neither fits."""
        start = index * window.seconds
        for amount in dict.fromkeys((min(wanted, window.budget), needed)):
            if amount > window.budget:
                continue
            try:
                with storage_errors():
                    self._client.update_item(
                        TableName=self._table,
                        Key={"pk": {"S": f"{key_id}#{start}"}},
                        UpdateExpression="ADD used :amount SET expires_at = if_not_exists(expires_at, :expires)",
                        ConditionExpression="attribute_not_exists(used) OR used <= :ceiling",
                        ExpressionAttributeValues={
                            ":amount": {"N": str(amount)},
                            ":ceiling": {"N": str(window.budget - amount)},
                            ":expires": {"N": str(start + window.seconds + _COUNTER_TTL_SECONDS)},
                        },
                    )
            except ConditionFailed:
                continue  # the budget has less left than this amount
            return amount
        return 0
