"""A subscription's delivery attempts, from the ``attempts-by-subscription`` index: one Query per write
shard (``<tenant>#<subscription>#<shard>``), merged by attempt id, newest first for people and oldest
first for a recovery that works through a window."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from triggers.models import AttemptOutcome, AttemptsQuery, DeliveryOutcome, Order, SubscriptionAttempt
from triggers.storage.listing import IdRange, Slice, merged_page
from triggers.tables import ATTEMPTS_INDEX

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

Item = dict[str, Any]


class AttemptPages:
    def __init__(self, client: DynamoDBClient, table: str, shard_count: int) -> None:
        self._client = client
        self._table = table
        self._shard_count = shard_count

    def page(
        self, tenant_id: str, subscription_id: str, query: AttemptsQuery, after: str | None
    ) -> Slice[SubscriptionAttempt]:
        outcomes = query.outcome.stored() if query.outcome else None
        page = self._items(
            tenant_id, subscription_id, query.since, query.until, outcomes, query.limit, Order.DESC, after
        )
        return Slice([attempt_of(item) for item in page.items], page.has_more, page.resume_after)

    def ended_undelivered(
        self,
        tenant_id: str,
        subscription_id: str,
        since: datetime,
        until: datetime | None,
        limit: int,
        after: str | None,
    ) -> Slice[SubscriptionAttempt]:
        """Attempts that left an event undelivered for good (failed for good, or skipped), oldest first."""
        outcomes = [DeliveryOutcome.FAILED, DeliveryOutcome.SKIPPED]
        page = self._items(tenant_id, subscription_id, since, until, outcomes, limit, Order.ASC, after)
        return Slice([attempt_of(item) for item in page.items], page.has_more, page.resume_after)

    def _items(
        self,
        tenant_id: str,
        subscription_id: str,
        since: datetime | None,
        until: datetime | None,
        outcomes: list[DeliveryOutcome] | None,
        limit: int,
        order: Order,
        after: str | None,
    ) -> Slice[Item]:
        ids = IdRange.of(since, until, after, order)

        def shard_query(shard: int, page_size: int) -> QueryInputTypeDef:
            values: dict[str, Any] = {
                ":pk": {"S": f"{tenant_id}#{subscription_id}#{shard}"},
                ":low": {"S": ids.low},
                ":high": {"S": ids.high},
            }
            request: QueryInputTypeDef = {
                "TableName": self._table,
                "IndexName": ATTEMPTS_INDEX.name,
                "KeyConditionExpression": "sub_pk = :pk AND sub_sk BETWEEN :low AND :high",
                "ScanIndexForward": order is Order.ASC,
                "Limit": page_size,
                "ExpressionAttributeValues": values,
            }
            if outcomes:
                names = [f":outcome{index}" for index in range(len(outcomes))]
                values |= {name: {"S": outcome.value} for name, outcome in zip(names, outcomes, strict=True)}
                request["FilterExpression"] = f"outcome IN ({', '.join(names)})"
            return request

        return merged_page(
            self._client, self._pool, self._shard_count, shard_query, limit, order, after, order_by="sub_sk"
        )

    @cached_property
    def _pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=max(self._shard_count, 8), thread_name_prefix="attempts")


def generation_of(webhook_id: str) -> int:
    """The event generation a webhook id names (``msg_<event>_<subscription>_<generation>``)."""
    return int(webhook_id.rsplit("_", 1)[1])


def attempt_of(item: Item) -> SubscriptionAttempt:
    outcome = DeliveryOutcome(item["outcome"]["S"])
    return SubscriptionAttempt(
        attempt_id=item["sub_sk"]["S"],
        event_id=item["sk"]["S"].split("#", 1)[0],
        event_type=item["event_type"]["S"],
        webhook_id=item["webhook_id"]["S"],
        attempt=int(item["attempt"]["N"]),
        at=item["at"]["S"],
        outcome=AttemptOutcome.of(outcome),
        will_retry=outcome is DeliveryOutcome.RETRYING,
        status_code=int(item["status_code"]["N"]) if "status_code" in item else None,
        latency_ms=int(item["latency_ms"]["N"]),
        error=item["error"]["S"] if "error" in item else None,
    )
