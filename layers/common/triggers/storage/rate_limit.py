"""Per-key rate limiting with leased tokens.

Each key has a budget of events per second, counted in DynamoDB (one counter item per key per
second, expired by TTL). A warm container does not write once per request: it leases a slice of the
current second's budget with one conditional UpdateItem and spends it locally. Leased tokens that go
unused lapse with the second.

Each container may also admit a small ``local_allowance`` per key per second without any write, so
a quiet key (the common case for most tenants) costs no counter writes at all. That is the only way
the limiter over-admits: by at most ``local_allowance`` times the warm containers, per second.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from triggers.errors import RateLimited
from triggers.storage.dynamo import is_conditional_failure, storage_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_COUNTER_TTL_SECONDS = 120


@dataclass
class _Lease:
    second: int
    tokens: int  # admissible now without another write
    admitted: int = 0  # this second, by this container


class RateLimiter:
    def __init__(
        self,
        client: DynamoDBClient,
        table: str,
        lease_fraction: float,
        clock: Callable[[], float] = time.time,
        local_allowance: int = 0,
    ) -> None:
        self._client = client
        self._table = table
        self._lease_fraction = lease_fraction
        self._local_allowance = local_allowance
        self._clock = clock
        self._leases: dict[str, _Lease] = {}

    def consume(self, key_id: str, tokens: int, limit_per_second: int) -> None:
        """Takes ``tokens`` from the key's budget for this second or raises RateLimited."""
        now = self._clock()
        second = int(now)
        lease = self._leases.get(key_id)
        if lease is None or lease.second != second:
            lease = self._leases[key_id] = _Lease(second, min(self._local_allowance, limit_per_second))
        if lease.admitted + tokens > limit_per_second:
            raise RateLimited(retry_after_seconds=max(1, math.ceil(second + 1 - now)))
        if lease.tokens < tokens:
            wanted = max(tokens - lease.tokens, math.ceil(limit_per_second * self._lease_fraction))
            lease.tokens += self._lease(key_id, second, wanted, tokens - lease.tokens, limit_per_second)
        if lease.tokens < tokens:
            raise RateLimited(retry_after_seconds=max(1, math.ceil(second + 1 - now)))
        lease.tokens -= tokens
        lease.admitted += tokens

    def _lease(self, key_id: str, second: int, wanted: int, needed: int, limit: int) -> int:
        """Leases ``wanted`` tokens, or just ``needed`` when the budget is nearly spent; 0 if neither fits."""
        for amount in dict.fromkeys((min(wanted, limit), needed)):
            if amount > limit:
                continue
            try:
                with storage_errors():
                    self._client.update_item(
                        TableName=self._table,
                        Key={"pk": {"S": f"{key_id}#{second}"}},
                        UpdateExpression="ADD used :amount SET expires_at = if_not_exists(expires_at, :expires)",
                        ConditionExpression="attribute_not_exists(used) OR used <= :ceiling",
                        ExpressionAttributeValues={
                            ":amount": {"N": str(amount)},
                            ":ceiling": {"N": str(limit - amount)},
                            ":expires": {"N": str(second + _COUNTER_TTL_SECONDS)},
                        },
                    )
            except ClientError as exc:
                if is_conditional_failure(exc):
                    continue
                raise
            return amount
        return 0
