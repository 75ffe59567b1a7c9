"""The floor each handler is measured against: the DynamoDB calls it makes, made directly with the
handler's own boto3 client and equivalent items. Each method prepares its inputs, untimed, and
returns the calls to time. warm_latency checks that a floor makes the same calls as its handler.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from benchmarks import fixtures
from benchmarks.fixtures import BATCH_SIZE, INBOX_PAGE_SIZE

BATCH_WRITE_LIMIT = 25  # DynamoDB's BatchWriteItem maximum
# Powertools idempotency's default attribute names (DynamoDBPersistenceLayer).
_RECORD_NAMES = {"#id": "id", "#expiry": "expiration", "#in_progress_expiry": "in_progress_expiration"}
_RECORD_NAMES["#status"] = "status"
_PUT_RECORD_CONDITION = (
    "attribute_not_exists(#id) OR #expiry < :now OR "
    "(#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_ms)"
)
_COMPLETE_RECORD = (
    "SET #response_data = :response_data, #expiry = :expiry, #status = :status, #validation = :validation"
)

Call = Callable[[], object]


class RawCalls:
    def __init__(self, client: Any, writer_tenant: str, reader_tenant: str) -> None:
        from triggers.storage.events import EventStore

        self.client = client
        self._writer, self._reader = writer_tenant, reader_tenant
        self._events = os.environ["EVENTS_TABLE"]
        self._keys = os.environ["API_KEYS_TABLE"]
        self._idempotency = os.environ["IDEMPOTENCY_TABLE"]
        self.shards = int(os.environ["SHARD_COUNT"])
        self._store = EventStore(client, self._events, self.shards)
        # The inbox queries its shards from a pool; the floor does too, with one thread per shard.
        self._pool = ThreadPoolExecutor(max_workers=self.shards, thread_name_prefix="floor")
        self._run = time.time_ns()  # keeps the idempotency keys of separate runs apart

    def close(self) -> None:
        self._pool.shutdown()

    def event_item(self, number: int) -> dict[str, Any]:
        """The item the ingest handler stores for sample event ``number`` (built by the layer itself)."""
        from triggers.models import EventIn

        item, _ = self._store.new_item(self._writer, EventIn.model_validate(fixtures.sample_event(number)))
        return item

    def put_event(self, number: int) -> Call:
        item = self.event_item(number)
        return lambda: self._put_event(item)

    def _put_event(self, item: dict[str, Any]) -> object:
        return self.client.put_item(TableName=self._events, Item=item, ConditionExpression="attribute_not_exists(sk)")

    def batch_writes(self, number: int) -> Call:
        requests = [{"PutRequest": {"Item": self.event_item(number * BATCH_SIZE + i)}} for i in range(BATCH_SIZE)]
        chunks = [requests[i : i + BATCH_WRITE_LIMIT] for i in range(0, BATCH_SIZE, BATCH_WRITE_LIMIT)]
        return lambda: [self.client.batch_write_item(RequestItems={self._events: chunk}) for chunk in chunks]

    def inbox_queries(self, _: int) -> Call:
        return lambda: list(self._pool.map(self.query_shard, range(self.shards)))

    def query_shard(self, shard: int) -> dict[str, Any]:
        """The inbox handler's query for one shard's first page: same index, bounds and limit."""
        return self.client.query(
            TableName=self._events,
            IndexName="inbox",
            KeyConditionExpression="inbox_pk = :pk AND inbox_sk BETWEEN :low AND :high",
            ExpressionAttributeValues={
                ":pk": {"S": f"{self._reader}#{shard}#pending"},
                ":low": {"S": "0"},
                ":high": {"S": "~"},
            },
            ScanIndexForward=True,
            Limit=INBOX_PAGE_SIZE + 1,  # the extra item tells whether another page exists
        )

    def get_key(self, key_id: str) -> dict[str, Any]:
        return self.client.get_item(TableName=self._keys, Key={"key_id": {"S": key_id}})

    def idempotent_writes(self, number: int) -> Call:
        """What Powertools idempotency and the event write send: a conditional PutItem of an INPROGRESS
        record, the event's PutItem, then an UpdateItem completing the record with the response."""
        now = time.time()
        key = {"id": {"S": f"triggers-ingest#{hashlib.sha256(f'{self._run}-{number}'.encode()).hexdigest()[:32]}"}}
        expiry = {"N": str(int(now) + 86_400)}
        validation = {"S": hashlib.sha256(str(number).encode()).hexdigest()[:32]}
        record = {**key, "expiration": expiry, "status": {"S": "INPROGRESS"}, "validation": validation}
        record["in_progress_expiration"] = {"N": str(int(now * 1000) + 29_000)}
        item = self.event_item(number)
        response = {
            "S": f'{{"event_id":"{item["sk"]["S"]}","event_type":"order.created","status":"pending",'
            f'"received_at":"{item["received_at"]["S"]}"}}'
        }
        now_values = {":now": {"N": str(int(now))}, ":now_ms": {"N": str(int(now * 1000))}}

        def writes() -> None:
            self.client.put_item(
                TableName=self._idempotency,
                Item=record,
                ConditionExpression=_PUT_RECORD_CONDITION,
                ExpressionAttributeNames=_RECORD_NAMES,
                ExpressionAttributeValues={**now_values, ":inprogress": {"S": "INPROGRESS"}},
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
            self._put_event(item)
            self.client.update_item(
                TableName=self._idempotency,
                Key=key,
                UpdateExpression=_COMPLETE_RECORD,
                ExpressionAttributeNames={
                    "#response_data": "data",
                    "#expiry": "expiration",
                    "#status": "status",
                    "#validation": "validation",
                },
                ExpressionAttributeValues={
                    ":response_data": response,
                    ":expiry": expiry,
                    ":status": {"S": "COMPLETED"},
                    ":validation": validation,
                },
            )

        return writes
