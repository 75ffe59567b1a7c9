"""The stream side: turns each new or replayed event into one delivery job per matching subscription."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from triggers.delivery.jobs import DeliveryJob, JobQueue
from triggers.metric_names import MetricName
from triggers.models import EventStatus, SubscriptionStatus
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

    def dispatch(self, event: DispatchableEvent) -> int:
        """Queues the event's jobs; returns how many. With no matching subscription it stays in the inbox.

        Safe to repeat (the stream retries a failed batch): the ledger write is idempotent and a
        repeated job is a duplicate delivery with the same webhook-id, which at-least-once allows.
        """
        matching = [
            found.subscription
            for found in self._subscriptions.with_secrets(event.tenant_id)
            if found.subscription.matches(event.event_type)
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
        self._queue.send(jobs)
        metrics.add_metric(name=MetricName.JOBS_DISPATCHED, unit="Count", value=len(jobs))
        return len(jobs)
