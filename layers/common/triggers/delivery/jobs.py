"""Delivery jobs: one SQS message per (event generation, subscription)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from triggers.storage.dynamo import storage_errors

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

_SEND_BATCH_LIMIT = 10


@dataclass(frozen=True)
class DeliveryJob:
    tenant_id: str
    event_id: str
    subscription_id: str
    generation: int

    @property
    def webhook_id(self) -> str:
        """Stable across retries and duplicates of this job; a replay is a new message with a new id."""
        return f"msg_{self.event_id}_{self.subscription_id}_{self.generation}"

    def to_message(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_message(cls, body: str) -> DeliveryJob:
        fields = json.loads(body)
        return cls(
            tenant_id=str(fields["tenant_id"]),
            event_id=str(fields["event_id"]),
            subscription_id=str(fields["subscription_id"]),
            generation=int(fields["generation"]),
        )


class JobQueueError(Exception):
    """SQS refused some messages; the caller fails the record so the whole send is retried."""


class JobQueue:
    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self._client = client
        self._queue_url = queue_url

    def send(self, jobs: list[DeliveryJob], delay_seconds: int = 0) -> None:
        for start in range(0, len(jobs), _SEND_BATCH_LIMIT):
            chunk = jobs[start : start + _SEND_BATCH_LIMIT]
            with storage_errors():
                response = self._client.send_message_batch(
                    QueueUrl=self._queue_url,
                    Entries=[
                        {"Id": str(index), "MessageBody": job.to_message(), "DelaySeconds": delay_seconds}
                        for index, job in enumerate(chunk)
                    ],
                )
            if response.get("Failed"):
                raise JobQueueError(f"{len(response['Failed'])} of {len(chunk)} delivery jobs were not queued")

    def defer(self, receipt_handle: str, seconds: int) -> None:
        """Hides a received message for ``seconds``: SQS hands it back then, as the next attempt."""
        with storage_errors():
            self._client.change_message_visibility(
                QueueUrl=self._queue_url, ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
            )
