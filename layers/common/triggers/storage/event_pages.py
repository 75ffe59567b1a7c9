"""Listings of a tenant's events across its write shards, one Query per shard merged by id:

* the inbox reads the sparse ``inbox`` index (only listable events carry its keys), oldest first;
* the history reads the events table's own key ranges (``pk = <tenant>#<shard>``, ids as sort keys),
  every status, newest or oldest first. Delivery-attempt items share those ranges and are filtered
  out (only they carry a ``webhook_id``), so no extra index is needed.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from typing import TYPE_CHECKING, Any

from triggers.models import Event, EventsQuery, EventStatus, InboxQuery, Order
from triggers.storage.events import EventStore, inbox_partition
from triggers.storage.listing import IdRange, Slice, merged_page
from triggers.tables import INBOX_INDEX

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef


class EventPages:
    def __init__(self, client: DynamoDBClient, table: str, shard_count: int) -> None:
        self._client = client
        self._table = table
        self._shard_count = shard_count

    def inbox(self, tenant_id: str, query: InboxQuery, after: str | None) -> Slice[Event]:
        """Listable events with ``query.status``, oldest first."""
        ids = IdRange.of(query.since, query.until, after, Order.ASC)

        def shard_query(shard: int, page_size: int) -> QueryInputTypeDef:
            request = _query(self._table, page_size, Order.ASC, query.event_type, query.source, status=None)
            request["IndexName"] = INBOX_INDEX.name
            request["KeyConditionExpression"] = "inbox_pk = :pk AND inbox_sk BETWEEN :low AND :high"
            partition = inbox_partition(f"{tenant_id}#{shard}", EventStatus(query.status))
            _values(request).update({":pk": {"S": partition}, ":low": {"S": ids.low}, ":high": {"S": ids.high}})
            return request

        return self._page(shard_query, query.limit, Order.ASC, after)

    def history(self, tenant_id: str, query: EventsQuery, after: str | None) -> Slice[Event]:
        """Every event in retention, any status (acknowledged included), in ``query.order``."""
        ids = IdRange.of(query.since, query.until, after, query.order)

        def shard_query(shard: int, page_size: int) -> QueryInputTypeDef:
            request = _query(self._table, page_size, query.order, query.event_type, query.source, query.status)
            request["KeyConditionExpression"] = "pk = :pk AND sk BETWEEN :low AND :high"
            # Delivery-attempt items sort right after their event; only they carry a webhook id.
            request["FilterExpression"] = " AND ".join(
                filter(None, ["attribute_not_exists(webhook_id)", request.get("FilterExpression")])
            )
            _values(request).update(
                {":pk": {"S": f"{tenant_id}#{shard}"}, ":low": {"S": ids.low}, ":high": {"S": ids.high}}
            )
            return request

        return self._page(shard_query, query.limit, query.order, after)

    def _page(self, shard_query: Any, limit: int, order: Order, after: str | None) -> Slice[Event]:
        page = merged_page(self._client, self._pool, self._shard_count, shard_query, limit, order, after)
        return Slice([EventStore.event_from_item(item) for item in page.items], page.has_more, page.resume_after)

    @cached_property
    def _pool(self) -> ThreadPoolExecutor:
        # boto3 clients are thread-safe; the pool lives as long as the warm container.
        return ThreadPoolExecutor(max_workers=max(self._shard_count, 8), thread_name_prefix="pages")


def _values(request: QueryInputTypeDef) -> dict[str, Any]:
    return request["ExpressionAttributeValues"]  # type: ignore[return-value]


def _query(
    table: str, page_size: int, order: Order, event_type: str | None, source: str | None, status: EventStatus | None
) -> QueryInputTypeDef:
    """A shard query's common part: direction, page size and the attribute filters."""
    request: QueryInputTypeDef = {
        "TableName": table,
        "ScanIndexForward": order is Order.ASC,
        "Limit": page_size,
        "ExpressionAttributeValues": {},
    }
    filters: list[str] = []
    names: dict[str, str] = {}
    for name, value in (("event_type", event_type), ("source", source), ("status", status)):
        if value is not None:
            filters.append(f"#{name} = :{name}")
            names[f"#{name}"] = name
            _values(request)[f":{name}"] = {"S": str(value)}
    if filters:
        request["FilterExpression"] = " AND ".join(filters)
        request["ExpressionAttributeNames"] = names
    return request
