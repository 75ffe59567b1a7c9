"""The stream side: turns each new or replayed event into one delivery job per matching subscription."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse, PartialItemFailures
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from triggers.delivery.jobs import SEND_BATCH_LIMIT, DeliveryJob, JobQueue
from triggers.metric_names import MetricName
from triggers.models import EventStatus, Subscription, SubscriptionStatus
from triggers.observability import logger, metrics
from triggers.settings import DispatcherSettings
from triggers.storage.deliveries import DeliveryLedger
from triggers.storage.dynamo import dynamodb_client, sqs_client
from triggers.storage.events import is_event_item
from triggers.storage.subscriptions import SubscriptionStore


@dataclass(frozen=True)
class DispatchableEvent:
    tenant_id: str
    event_id: str
    event_type: str
    generation: int


def dispatchable(
    event_name: str, new_image: dict[str, Any] | None, old_image: dict[str, Any] | None
) -> DispatchableEvent | None:
    """The event a stream record asks to dispatch: a new event, or a replay (its generation went up).

    Attempt records, status changes and deletions dispatch nothing.
    """
    if event_name not in {"INSERT", "MODIFY"} or not new_image or not is_event_item(str(new_image["sk"])):
        return None
    generation = int(new_image.get("generation", 0))
    if event_name == "MODIFY" and generation <= int((old_image or {}).get("generation", 0)):
        return None
    if new_image.get("status") != EventStatus.PENDING.value:
        return None
    return DispatchableEvent(
        tenant_id=str(new_image["tenant_id"]),
        event_id=str(new_image["sk"]),
        event_type=str(new_image["event_type"]),
        generation=generation,
    )


class Dispatcher:
    def __init__(self, subscriptions: SubscriptionStore, ledger: DeliveryLedger, queue: JobQueue) -> None:
        self._subscriptions = subscriptions
        self._ledger = ledger
        self._queue = queue

    @classmethod
    def from_settings(cls, settings: DispatcherSettings) -> Dispatcher:
        client = dynamodb_client()
        return cls(
            SubscriptionStore(client, settings.subscriptions_table),
            DeliveryLedger(client, settings.events_table, settings.shard_count),
            JobQueue(sqs_client(), settings.delivery_queue_url),
        )

    def batch(self) -> DispatchBatch:
        """What one stream batch dispatches; ``DispatchBatch.send`` queues it."""
        return DispatchBatch(self._subscriptions, self._ledger, self._queue)


def with_failures(response: PartialItemFailureResponse, record_ids: set[str]) -> PartialItemFailureResponse:
    """``response`` with these records reported failed as well."""
    reported = {failure["itemIdentifier"] for failure in response.get("batchItemFailures", [])}
    added: list[PartialItemFailures] = [{"itemIdentifier": record_id} for record_id in sorted(record_ids - reported)]
    return {"batchItemFailures": [*response.get("batchItemFailures", []), *added]}


class DispatchBatch:
    """One stream batch: each tenant's subscriptions are read once, and the jobs of every record are
    queued together at the end (ten to an SQS request, not one request per event)."""

    def __init__(self, subscriptions: SubscriptionStore, ledger: DeliveryLedger, queue: JobQueue) -> None:
        self._subscriptions = subscriptions
        self._ledger = ledger
        self._queue = queue
        self._by_tenant: dict[str, list[Subscription]] = {}
        self._jobs: list[tuple[str, DeliveryJob]] = []  # (the record that asked for it, the job)

    def dispatch_record(self, record: DynamoDBRecord) -> None:
        """The record handler of Powertools' BatchProcessor: dispatches what the record asks for, if anything."""
        stream = record.dynamodb
        if stream is None or record.event_name is None:
            return
        event = dispatchable(record.event_name.name, stream.new_image, stream.old_image)
        if event is not None:
            self.dispatch(str(stream.sequence_number), event)

    def dispatch(self, record_id: str, event: DispatchableEvent) -> int:
        """Records what the event owes and holds its jobs for ``send``; returns how many. With no matching
        subscription it stays in the inbox.

        Safe to repeat (the stream retries a failed batch): the ledger write is idempotent and a
        repeated job is a duplicate delivery with the same webhook-id, which at-least-once allows.
        """
        matching = [
            subscription for subscription in self._of(event.tenant_id) if subscription.matches(event.event_type)
        ]
        # A disabled subscription is parked, not lost: what it would have received is recorded as
        # skipped, and `POST /v1/subscriptions/{id}/recover` sends it once the subscription is back.
        active = [subscription for subscription in matching if subscription.status is SubscriptionStatus.ACTIVE]
        for parked in (subscription for subscription in matching if subscription not in active):
            self._ledger.record_skipped(event.tenant_id, event.event_id, event.event_type, event.generation, parked)
        subscription_ids = [subscription.subscription_id for subscription in active]
        if not subscription_ids:
            return 0
        # The ledger first: a job must never settle against an event that does not expect it yet.
        if not self._ledger.expect(event.tenant_id, event.event_id, event.generation, subscription_ids):
            logger.info("Event erased or replayed before dispatch", extra={"event_id": event.event_id})
            return 0
        jobs = [DeliveryJob(event.tenant_id, event.event_id, sub_id, event.generation) for sub_id in subscription_ids]
        self._jobs += [(record_id, job) for job in jobs]
        return len(jobs)

    def send(self) -> set[str]:
        """Queues every job held, ten to a request; returns the records some of whose jobs were not queued
        (they fail, so the stream hands them over again, as when a record's own send failed)."""
        unsent: set[str] = set()
        queued = 0
        for start in range(0, len(self._jobs), SEND_BATCH_LIMIT):
            chunk = self._jobs[start : start + SEND_BATCH_LIMIT]
            try:
                self._queue.send([job for _, job in chunk])
            except Exception:
                logger.exception("Delivery jobs not queued; their stream records are retried")
                unsent.update(record_id for record_id, _ in chunk)
            else:
                queued += len(chunk)
        if queued:
            metrics.add_metric(name=MetricName.JOBS_DISPATCHED, unit="Count", value=queued)
        return unsent

    def _of(self, tenant_id: str) -> list[Subscription]:
        if tenant_id not in self._by_tenant:
            self._by_tenant[tenant_id] = [found.subscription for found in self._subscriptions.with_secrets(tenant_id)]
        return self._by_tenant[tenant_id]
