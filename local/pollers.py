"""Event-source pollers: feed the DynamoDB stream and the SQS delivery queue to the dispatcher and the
worker the way Lambda's event source mappings do.

* Stream: records in shard order, in batches; a partial batch failure is retried from the first
  failed record; a record that fails ``max_retries`` retries in a row is skipped and logged, as an
  on-failure destination would receive it, so a poison record never blocks the shard.
* SQS: up to 10 messages per invocation with their receive counts; messages the function reports
  as failed stay in the queue (their visibility timeout decides when they come back), the rest are
  deleted; the queue's redrive policy moves a message that keeps failing to the DLQ.

``poll_once`` makes one pass and returns how many records it handed over, so tests can drive the
pollers step by step; ``start``/``stop`` run them in a background thread for the local stack.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from triggers.observability import logger

if TYPE_CHECKING:
    from mypy_boto3_dynamodbstreams import DynamoDBStreamsClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

    from local.lambdas import FunctionRegistry

Invoke = Callable[[dict[str, Any]], Any]
REGION = "us-east-1"


def _json_safe(value: Any) -> Any:
    """Stream records carry datetimes; Lambda's event is JSON, with epoch seconds."""
    return json.loads(json.dumps(value, default=lambda v: v.timestamp() if isinstance(v, datetime) else str(v)))


class _Background:
    """Runs ``poll_once`` in a daemon thread until stopped; idle passes sleep ``interval`` seconds."""

    interval = 0.2

    def __init__(self) -> None:
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def poll_once(self) -> int:
        raise NotImplementedError

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=type(self).__name__, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                handled = self.poll_once()
            except Exception:  # a poller must survive whatever one pass hits, like the real service
                logger.exception("Poller pass failed", extra={"poller": type(self).__name__})
                handled = 0
            if not handled:
                self._stopping.wait(self.interval)


class StreamPoller(_Background):
    def __init__(
        self,
        client: DynamoDBStreamsClient,
        stream_arn: str,
        invoke: Invoke,
        batch_size: int = 100,
        max_retries: int = 3,
    ) -> None:
        super().__init__()
        self._client = client
        self._stream_arn = stream_arn
        self._invoke = invoke
        self._batch_size = batch_size
        self._max_retries = max_retries
        self._iterators: dict[str, str | None] = {}
        self._pending: dict[str, list[dict[str, Any]]] = {}  # records to (re)deliver, per shard
        self._retries: dict[str, int] = {}

    def poll_once(self) -> int:
        self._discover_shards()
        handled = 0
        for shard_id in list(self._iterators):
            if not self._pending.get(shard_id):
                self._pending[shard_id] = self._read(shard_id)
            if self._pending[shard_id]:
                handled += self._deliver(shard_id)
        return handled

    def _discover_shards(self) -> None:
        description = self._client.describe_stream(StreamArn=self._stream_arn)["StreamDescription"]
        for shard in description.get("Shards", []):
            if shard["ShardId"] not in self._iterators:
                self._iterators[shard["ShardId"]] = self._client.get_shard_iterator(
                    StreamArn=self._stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]

    def _read(self, shard_id: str) -> list[dict[str, Any]]:
        iterator = self._iterators[shard_id]
        if iterator is None:
            return []
        response = self._client.get_records(ShardIterator=iterator, Limit=self._batch_size)
        self._iterators[shard_id] = response.get("NextShardIterator")
        return [dict(_json_safe(record), eventSourceARN=self._stream_arn) for record in response.get("Records", [])]

    def _deliver(self, shard_id: str) -> int:
        batch = self._pending[shard_id]
        try:
            result = self._invoke({"Records": batch}) or {}
            failed = {item["itemIdentifier"] for item in result.get("batchItemFailures", [])}
        except Exception:
            logger.exception("Dispatcher invocation failed; retrying the batch")
            failed = {record["dynamodb"]["SequenceNumber"] for record in batch}
        if not failed:
            self._pending[shard_id], self._retries[shard_id] = [], 0
            return len(batch)
        # Checkpoint before the first failure, as Lambda does with ReportBatchItemFailures.
        first = min(index for index, record in enumerate(batch) if record["dynamodb"]["SequenceNumber"] in failed)
        # Retries count per record: a failure further on means the record that failed before got through.
        self._retries[shard_id] = self._retries.get(shard_id, 0) + 1 if first == 0 else 1
        if self._retries[shard_id] > self._max_retries:
            logger.error(
                "Stream record skipped after retries (on-failure destination)",
                extra={"sequence_number": batch[first]["dynamodb"]["SequenceNumber"]},
            )
            first += 1
            self._retries[shard_id] = 0
        self._pending[shard_id] = batch[first:]
        return first


class QueuePoller(_Background):
    def __init__(self, client: SQSClient, queue_url: str, invoke: Invoke, batch_size: int = 10) -> None:
        super().__init__()
        self._client = client
        self._queue_url = queue_url
        self._invoke = invoke
        self._batch_size = batch_size
        self._queue_arn = client.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]

    def poll_once(self) -> int:
        messages = self._client.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=self._batch_size,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        try:
            result = self._invoke({"Records": [self._record(message) for message in messages]}) or {}
            failed = {item["itemIdentifier"] for item in result.get("batchItemFailures", [])}
        except Exception:
            logger.exception("Worker invocation failed; messages return after their visibility timeout")
            return len(messages)
        done = [message for message in messages if message["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            self._client.delete_message_batch(
                QueueUrl=self._queue_url,
                Entries=[
                    {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                    for index, message in enumerate(done[start : start + 10])
                ],
            )
        return len(messages)

    def _record(self, message: MessageTypeDef) -> dict[str, Any]:
        return {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": message.get("Attributes", {}),
            "messageAttributes": message.get("MessageAttributes", {}),
            "md5OfBody": message.get("MD5OfBody", ""),
            "eventSource": "aws:sqs",
            "eventSourceARN": self._queue_arn,
            "awsRegion": REGION,
        }


class DeliveryPipeline:
    """The stream → dispatcher → queue → worker path, advanced by explicit polling (tests, the soak).

    ``in_process`` builds it for moto running in this process.
    """

    def __init__(self, stream: StreamPoller, queue: QueuePoller) -> None:
        self.stream = stream
        self.queue = queue

    @classmethod
    def in_process(cls, functions: FunctionRegistry) -> DeliveryPipeline:
        import boto3
        from triggers.routes import FunctionName

        stream_arn = boto3.client("dynamodb").describe_table(TableName=os.environ["EVENTS_TABLE"])["Table"][
            "LatestStreamArn"
        ]
        # botocore now sends stream calls to account-specific hosts moto does not route; the classic one it does.
        streams = boto3.client("dynamodbstreams", endpoint_url=f"https://streams.dynamodb.{REGION}.amazonaws.com")
        return cls(
            StreamPoller(
                streams, stream_arn, lambda event: functions.invoke(FunctionName.DISPATCHER, event), max_retries=10
            ),
            QueuePoller(
                boto3.client("sqs"),
                os.environ["DELIVERY_QUEUE_URL"],
                lambda event: functions.invoke(FunctionName.WORKER, event),
            ),
        )

    def poll_once(self) -> int:
        return self.stream.poll_once() + self.queue.poll_once()

    def run_until(self, done: Callable[[], bool], timeout: float = 20.0) -> None:
        """Polls until ``done()``, asking it when the pipeline is idle or at least once a second."""
        deadline = time.monotonic() + timeout
        last_check = 0.0
        while True:
            moved = self.poll_once()
            if not moved or time.monotonic() - last_check > 1:
                if done():
                    return
                last_check = time.monotonic()
            if time.monotonic() > deadline:
                raise AssertionError("pipeline did not settle in time")
            if not moved:
                time.sleep(0.05)

    def drain(self, idle_seconds: float = 0.5) -> None:
        """Polls until nothing has moved for ``idle_seconds`` (no more work is visible)."""
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < idle_seconds:
            if self.poll_once():
                quiet_since = time.monotonic()
            else:
                time.sleep(0.05)
