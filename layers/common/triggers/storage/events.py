"""The events table: write-sharded partitions, the sparse inbox index, and every status change
(listings across shards are in ``triggers.storage.event_pages``).

Layout (one item per event):

* ``pk = "<tenant>#<shard>"``, ``sk = <event id>``: one tenant's writes spread over N partitions,
  and ``GET /v1/events/{id}`` is a single GetItem because the shard is computed from the id.
* ``inbox_pk = "<tenant>#<shard>#<status>"``, ``inbox_sk = <event id>``: present only while the
  status is listable, so the inbox index holds nothing an inbox query would skip.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from triggers.errors import DomainError, NotFound, StorageUnavailable
from triggers.ids import is_event_id, new_id, shard_of
from triggers.json_limits import MAX_FIELD_DEPTH, json_depth
from triggers.models import (
    AckResult,
    DeliveryAttempt,
    DeliverySummary,
    Event,
    EventIn,
    EventStatus,
    EventSummary,
    iso_utc,
)
from triggers.observability import logger
from triggers.storage.dynamo import ConditionFailed, storage_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputPaginateTypeDef

Item = dict[str, Any]  # a DynamoDB item in the low-level client's attribute-value format

_BATCH_WRITE_LIMIT = 25
_BATCH_WRITE_ATTEMPTS = 6
ATTEMPT_SEPARATOR = "#attempt#"
_PENDING = EventStatus.PENDING.value


def event_key(tenant_id: str, event_id: str, shard_count: int) -> Item:
    return {"pk": {"S": f"{tenant_id}#{shard_of(event_id, shard_count)}"}, "sk": {"S": event_id}}


def inbox_partition(event_partition: str, status: EventStatus) -> str:
    """The inbox index partition of an event in ``event_partition`` ("<tenant>#<shard>") with ``status``."""
    return f"{event_partition}#{status}"  # a StrEnum formats as its value


def is_event_item(sort_key: str) -> bool:
    """Event items have the bare id as sort key; delivery-attempt items extend it with ``#``."""
    return ATTEMPT_SEPARATOR not in sort_key


class EventStore:
    def __init__(self, client: DynamoDBClient, table: str, shard_count: int, ttl_days: int = 30) -> None:
        self._client = client
        self._table = table
        self._shard_count = shard_count
        self._ttl = timedelta(days=ttl_days)

    # ----- keys -------------------------------------------------------------------------------
    def _key(self, tenant_id: str, event_id: str) -> Item:
        return event_key(tenant_id, event_id, self._shard_count)

    # ----- writes -----------------------------------------------------------------------------
    def new_item(self, tenant_id: str, event: EventIn) -> tuple[Item, EventSummary]:
        """The stored item for a freshly accepted event, and the summary the client gets back."""
        event_id = new_id()
        now = datetime.now(UTC)
        # Built from values made here and an already validated event: nothing to validate again.
        summary = EventSummary.model_construct(
            event_id=event_id, event_type=event.event_type, status=EventStatus.PENDING, received_at=iso_utc(now)
        )
        key = self._key(tenant_id, event_id)
        item: Item = {
            **key,
            "tenant_id": {"S": tenant_id},
            "event_type": {"S": event.event_type},
            "status": {"S": _PENDING},
            "received_at": {"S": summary.received_at},
            "payload": {"S": event.payload_json},
            "expires_at": {"N": str(int((now + self._ttl).timestamp()))},
            "inbox_pk": {"S": inbox_partition(key["pk"]["S"], EventStatus.PENDING)},
            "inbox_sk": {"S": event_id},
            # Bumped by every replay: the stream dispatches each generation once.
            "generation": {"N": "0"},
        }
        if event.source is not None:
            item["source"] = {"S": event.source}
        if event.tags:
            item["tags"] = {"L": [{"S": tag} for tag in event.tags]}
        if event.metadata:
            item["metadata"] = {"S": event.metadata_json}
        return item, summary

    def append(self, tenant_id: str, event: EventIn) -> EventSummary:
        """Stores one event: exactly one DynamoDB write."""
        item, summary = self.new_item(tenant_id, event)
        with storage_errors():
            self._client.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(sk)")
        return summary

    def append_many(self, tenant_id: str, events: list[EventIn]) -> list[EventSummary | DomainError]:
        """Stores events with BatchWriteItem; results line up with the input.

        Unprocessed items are retried with jittered backoff; whatever is still unprocessed after the
        last attempt is reported per item as StorageUnavailable, never silently dropped.
        """
        prepared = [self.new_item(tenant_id, event) for event in events]
        results: list[EventSummary | DomainError] = [summary for _, summary in prepared]
        for start in range(0, len(prepared), _BATCH_WRITE_LIMIT):
            chunk = prepared[start : start + _BATCH_WRITE_LIMIT]
            unwritten = self._batch_write([item for item, _ in chunk])
            for offset, (item, _) in enumerate(chunk):
                if item["sk"]["S"] in unwritten:
                    results[start + offset] = StorageUnavailable()
        return results

    def _batch_write(self, items: list[Item]) -> set[str]:
        """Writes up to 25 items; returns the ids it could not write."""
        pending: list[Any] = [{"PutRequest": {"Item": item}} for item in items]
        for attempt in range(_BATCH_WRITE_ATTEMPTS):
            response: Any
            try:
                with storage_errors():
                    response = self._client.batch_write_item(RequestItems={self._table: pending})
            except StorageUnavailable:
                response = {"UnprocessedItems": {self._table: pending}}
            pending = list(response.get("UnprocessedItems", {}).get(self._table, []))
            if not pending:
                return set()
            if attempt < _BATCH_WRITE_ATTEMPTS - 1:
                time.sleep(random.uniform(0, 0.05 * 2**attempt))  # full jitter
        return {request["PutRequest"]["Item"]["sk"]["S"] for request in pending}

    def acknowledge(self, tenant_id: str, event_id: str) -> AckResult:
        """Marks an event acknowledged and drops it from the inbox; acknowledging twice is a no-op."""
        if not is_event_id(event_id):
            raise NotFound("Event not found")
        now = iso_utc(datetime.now(UTC))
        try:
            with storage_errors():
                self._client.update_item(
                    TableName=self._table,
                    Key=self._key(tenant_id, event_id),
                    UpdateExpression="SET #status = :ack, acknowledged_at = :now REMOVE inbox_pk, inbox_sk",
                    ConditionExpression="attribute_exists(sk) AND #status <> :ack",
                    ExpressionAttributeNames={"#status": "status"},
                    ExpressionAttributeValues={":ack": {"S": EventStatus.ACKNOWLEDGED.value}, ":now": {"S": now}},
                    ReturnValuesOnConditionCheckFailure="ALL_OLD",
                )
        except ConditionFailed as failed:
            if not failed.item:
                raise NotFound("Event not found") from failed
            acknowledged_at = failed.item["acknowledged_at"]["S"]  # acknowledged before: the same answer
            return AckResult(event_id=event_id, status=EventStatus.ACKNOWLEDGED, acknowledged_at=acknowledged_at)
        return AckResult(event_id=event_id, status=EventStatus.ACKNOWLEDGED, acknowledged_at=now)

    def acknowledge_many(self, tenant_id: str, event_ids: list[str]) -> list[AckResult | DomainError]:
        """DynamoDB has no batch update; the updates run in parallel so 100 ids cost one round-trip's time."""

        def one(event_id: str) -> AckResult | DomainError:
            try:
                return self.acknowledge(tenant_id, event_id)
            except DomainError as exc:
                return exc

        return list(self._pool.map(one, event_ids))

    def delete(self, tenant_id: str, event_id: str) -> None:
        """Erases the event, then its delivery-attempt records (which hold no payload)."""
        if not is_event_id(event_id):
            raise NotFound("Event not found")
        key = self._key(tenant_id, event_id)
        try:
            with storage_errors():
                self._client.delete_item(TableName=self._table, Key=key, ConditionExpression="attribute_exists(sk)")
        except ConditionFailed as failed:
            raise NotFound("Event not found") from failed
        attempts: list[Any] = [
            {"DeleteRequest": {"Key": {"pk": item["pk"], "sk": item["sk"]}}}
            for item in self._items_of(key, projection="pk, sk")
        ]
        for start in range(0, len(attempts), _BATCH_WRITE_LIMIT):
            with storage_errors():
                self._client.batch_write_item(RequestItems={self._table: attempts[start : start + _BATCH_WRITE_LIMIT]})

    def replay(self, tenant_id: str, event_id: str) -> EventSummary:
        """Puts the event back to pending under a new generation; the stream dispatches it again."""
        if not is_event_id(event_id):
            raise NotFound("Event not found")
        key = self._key(tenant_id, event_id)
        try:
            with storage_errors():
                updated = self._client.update_item(
                    TableName=self._table,
                    Key=key,
                    UpdateExpression=(
                        "SET #status = :pending, inbox_pk = :inbox, inbox_sk = :id ADD generation :one "
                        "REMOVE pending_subscriptions, failed_subscriptions, delivered_subscriptions, acknowledged_at"
                    ),
                    ConditionExpression="attribute_exists(sk)",
                    ExpressionAttributeNames={"#status": "status"},
                    ExpressionAttributeValues={
                        ":pending": {"S": EventStatus.PENDING.value},
                        ":inbox": {"S": inbox_partition(key["pk"]["S"], EventStatus.PENDING)},
                        ":id": {"S": event_id},
                        ":one": {"N": "1"},
                    },
                    ReturnValues="ALL_NEW",
                )["Attributes"]
        except ConditionFailed as failed:
            raise NotFound("Event not found") from failed
        return self.event_from_item(updated)

    # ----- reads ------------------------------------------------------------------------------
    def get(self, tenant_id: str, event_id: str) -> Event:
        """The event with its delivery history: one Query over the id and the attempt items that follow it."""
        if not is_event_id(event_id):
            raise NotFound("Event not found")
        key = self._key(tenant_id, event_id)
        items = list(self._items_of(key, include_event=True))
        if not items or items[0]["sk"]["S"] != event_id:
            raise NotFound("Event not found")
        return self.event_from_item(items[0], attempts=items[1:])

    def _items_of(self, key: Item, *, include_event: bool = False, projection: str | None = None) -> Iterator[Item]:
        """The event item (if asked) and its attempt items, in sort-key order."""
        prefix = key["sk"]["S"] if include_event else key["sk"]["S"] + ATTEMPT_SEPARATOR
        request: QueryInputPaginateTypeDef = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": key["pk"], ":prefix": {"S": prefix}},
        }
        if projection:
            request["ProjectionExpression"] = projection
        with storage_errors():
            for page in self._client.get_paginator("query").paginate(**request):
                yield from page.get("Items", [])

    @cached_property
    def _pool(self) -> ThreadPoolExecutor:
        # boto3 clients are thread-safe; the pool lives as long as the warm container.
        return ThreadPoolExecutor(max_workers=max(self._shard_count, 8), thread_name_prefix="events")

    # ----- mapping ----------------------------------------------------------------------------
    @staticmethod
    def event_from_item(item: Item, attempts: list[Item] | None = None) -> Event:
        """``attempts=None``: the attempt records were not read (inbox listings), so none are reported."""
        payload, metadata, unreadable = _client_json(item)
        history = None if attempts is None else [attempt_from_item(attempt) for attempt in attempts]
        last = history[-1] if history else None
        delivery = DeliverySummary(
            attempts=None if history is None else len(history),
            last_attempt_at=last.at if last else None,
            last_status_code=last.status_code if last else None,
            last_error=last.error if last else None,
            pending_subscriptions=sorted(item.get("pending_subscriptions", {}).get("SS", [])),
            failed_subscriptions=sorted(item.get("failed_subscriptions", {}).get("SS", [])),
            history=history,
        )
        return Event(
            event_id=item["sk"]["S"],
            event_type=item["event_type"]["S"],
            status=EventStatus(item["status"]["S"]),
            received_at=item["received_at"]["S"],
            source=item["source"]["S"] if "source" in item else None,
            tags=[tag["S"] for tag in item["tags"]["L"]] if "tags" in item else [],
            metadata=metadata,
            payload=payload,
            payload_error=unreadable,
            acknowledged_at=item["acknowledged_at"]["S"] if "acknowledged_at" in item else None,
            delivery=delivery,
            generation=int(item.get("generation", {}).get("N", 0)),
        )


def attempt_from_item(item: Item) -> DeliveryAttempt:
    return DeliveryAttempt(
        subscription_id=item["subscription_id"]["S"],
        webhook_id=item["webhook_id"]["S"],
        attempt=int(item["attempt"]["N"]),
        at=item["at"]["S"],
        outcome=item["outcome"]["S"],
        status_code=int(item["status_code"]["N"]) if "status_code" in item else None,
        latency_ms=int(item["latency_ms"]["N"]),
        error=item["error"]["S"] if "error" in item else None,
    )


def _client_json(item: Item) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """The stored payload and metadata, or empty objects and why, if they cannot be served.

    The door keeps out anything that cannot be read back; this guard keeps one item stored before a
    limit existed (or written by hand) from breaking every page and read that includes it.
    """
    try:
        texts = [item[name]["S"] if name in item else "{}" for name in ("payload", "metadata")]
        if any(json_depth(text) > MAX_FIELD_DEPTH for text in texts):
            raise ValueError("nested deeper than the API serves")
        payload, metadata = (json.loads(text) for text in texts)
    except (ValueError, RecursionError) as exc:
        logger.error("Stored event cannot be served", extra={"event_id": item["sk"]["S"], "reason": str(exc)})
        return {}, {}, "The stored payload cannot be served; erase the event or replay a corrected copy"
    return payload, metadata, None
