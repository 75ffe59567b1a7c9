"""The webhook worker: one signed POST per delivery job, then settle, retry later, abandon or dead-letter.

What becomes of a job:

* **delivered** (2xx): recorded and settled;
* **retry**: the attempt failed and attempts are left; recorded as retrying, the job comes back later;
* **dead-lettered**: the attempts are used up; recorded and settled as failed, and the job parked in
  the DLQ, whose alarm therefore means exactly "used up all its attempts" (redrive gives it a new run);
* **abandoned**: a tenant's doing that no retry can fix: the subscription was deleted or disabled, the
  subscriber answered 410 Gone, or the target is refused by the SSRF policy or does not exist.
  Recorded and settled as failed and counted apart (DeliveriesAbandoned), never sent to the DLQ;
* **dropped**: the event was erased or replayed since the job was queued.

The attempt number is counted from the attempt records, not from SQS's receive count: a receive that
made no attempt (a long wait woken early, a job handed back for lack of time) costs the job nothing.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from triggers.delivery.jobs import DeliveryJob, JobQueue
from triggers.delivery.reply import WebhookReply
from triggers.delivery.schedule import RetrySchedule
from triggers.errors import NotFound
from triggers.lazy import Lazy
from triggers.metric_names import MetricName
from triggers.models import DeliveryAttempt, DeliveryOutcome, Event, SubscriptionStatus, iso_utc
from triggers.observability import logger, metrics
from triggers.settings import WorkerSettings
from triggers.storage.deliveries import DeliveryLedger
from triggers.storage.dynamo import dynamodb_client, sqs_client
from triggers.storage.events import EventStore
from triggers.storage.subscriptions import SubscriptionStore

if TYPE_CHECKING:
    from triggers.delivery.sender import WebhookSender

# Jobs of a batch run on several threads; Powertools' metric set is a plain dict.
_metrics_lock = threading.Lock()


def _count(name: MetricName, value: float = 1, unit: str = "Count") -> None:
    with _metrics_lock:
        metrics.add_metric(name=name, unit=unit, value=value)


@dataclass(frozen=True)
class RetryAt:
    """The job is to be tried again at ``due_at`` (epoch seconds)."""

    due_at: float


def webhook_body(event: Event) -> bytes:
    """The JSON the subscriber receives; the same bytes on every attempt."""
    return json.dumps(
        event.model_dump(
            mode="json", include={"event_id", "event_type", "source", "received_at", "tags", "metadata", "payload"}
        ),
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def _webhook_sender(settings: WorkerSettings) -> WebhookSender:
    from triggers.delivery.sender import WebhookSender

    return WebhookSender.from_settings(settings, max_connections=settings.delivery_concurrency)


class DeliveryWorker:
    def __init__(
        self,
        events: EventStore,
        subscriptions: SubscriptionStore,
        ledger: DeliveryLedger,
        dead_letters: JobQueue,
        sender: Callable[[], WebhookSender],
        schedule: RetrySchedule,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._events = events
        self._subscriptions = subscriptions
        self._ledger = ledger
        self._dead_letters = dead_letters
        self._sender = sender
        self._schedule = schedule
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: WorkerSettings) -> DeliveryWorker:
        client = dynamodb_client()
        return cls(
            events=EventStore(client, settings.events_table, settings.shard_count),
            subscriptions=SubscriptionStore(client, settings.subscriptions_table),
            ledger=DeliveryLedger(client, settings.events_table, settings.shard_count, settings.event_ttl_days),
            dead_letters=JobQueue(sqs_client(), settings.dead_letter_queue_url),
            # One sender per container, built for the first delivery (httpx and TLS load then): its
            # connections are reused across deliveries.
            sender=Lazy(partial(_webhook_sender, settings)),
            schedule=RetrySchedule(settings.retry_delays),
        )

    def preload(self) -> None:
        """Builds the webhook sender ahead of the first delivery (before a SnapStart snapshot)."""
        self._sender()

    def deliver(self, job: DeliveryJob, receive_count: int) -> RetryAt | None:
        """Makes the job's next attempt, if it is due; ``receive_count`` is its message's receive count."""
        if job.due_at is not None and job.due_at > self._clock():
            return RetryAt(job.due_at)  # a long wait, woken early by SQS's visibility cap
        try:
            event = self._events.get(job.tenant_id, job.event_id)
        except NotFound:
            logger.info("Event erased before delivery", extra={"event_id": job.event_id})
            return None
        if event.generation != job.generation:
            logger.info("Stale delivery job dropped", extra={"event_id": job.event_id})
            return None
        made = [attempt for attempt in event.delivery.history or [] if attempt.webhook_id == job.webhook_id]
        if any(attempt.outcome is DeliveryOutcome.DELIVERED for attempt in made):
            # A duplicate message (a retried dispatch, a redrive) of a job that got through: settling
            # again is idempotent and clears a failure a duplicate may have recorded meanwhile.
            self._ledger.settle(job.tenant_id, job.event_id, job.generation, job.subscription_id, delivered=True)
            return None
        attempt = len(made) + 1
        found = self._subscriptions.find(job.tenant_id, job.subscription_id)
        if found is None:
            self._abandon(job, event.event_type, attempt, WebhookReply(None, 0, error="subscription deleted"))
            return None
        if found.subscription.status is not SubscriptionStatus.ACTIVE:
            # Parked, not lost: recorded as skipped, so recovering the subscription sends it.
            reason = f"subscription disabled: {found.subscription.disabled_reason or 'disabled'}"
            self._abandon(job, event.event_type, attempt, WebhookReply(None, 0, error=reason), skipped=True)
            return None
        if receive_count >= self._schedule.redrive_max_receive_count:
            # Receives keep failing before they settle; this is the last one before SQS parks the job itself.
            self._dead_letter(job, event.event_type, attempt, WebhookReply(None, 0, error="processing kept failing"))
            return None

        reply = self._sender().post(found.subscription.target_url, found.secrets, job.webhook_id, webhook_body(event))
        _count(MetricName.DELIVERY_ATTEMPTS)
        if reply.delivered:
            self._record(job, event.event_type, attempt, DeliveryOutcome.DELIVERED, reply)
            # The common case: the only delivery the event still owed, so it settles in one write.
            alone = event.delivery.pending_subscriptions == [job.subscription_id]
            alone = alone and not event.delivery.failed_subscriptions
            self._ledger.settle(
                job.tenant_id, job.event_id, job.generation, job.subscription_id, delivered=True, alone=alone
            )
            _count(MetricName.DELIVERY_SUCCESSES)
            received = datetime.fromisoformat(event.received_at)
            latency = (datetime.fromtimestamp(self._clock(), UTC) - received).total_seconds() * 1000
            _count(MetricName.DELIVERY_LATENCY, max(latency, 0), unit="Milliseconds")
            return None

        _count(MetricName.DELIVERY_FAILURES)
        if reply.refused:
            self._abandon(job, event.event_type, attempt, reply)
            return None
        if reply.gone:
            # The subscriber asks us to stop: no retry, and no further jobs for it.
            self._subscriptions.disable(job.tenant_id, job.subscription_id, "the subscriber answered 410 Gone")
            self._abandon(job, event.event_type, attempt, reply)
            return None
        delay = self._schedule.delay_after(max(1, attempt - job.attempts_before), reply.retry_after_seconds)
        if delay is None:
            self._dead_letter(job, event.event_type, attempt, reply)
            return None
        self._record(job, event.event_type, attempt, DeliveryOutcome.RETRYING, reply)
        return RetryAt(self._clock() + delay)

    def _record(
        self, job: DeliveryJob, event_type: str, attempt: int, outcome: DeliveryOutcome, reply: WebhookReply
    ) -> None:
        self._ledger.record_attempt(
            job.tenant_id,
            job.event_id,
            event_type,
            DeliveryAttempt(
                subscription_id=job.subscription_id,
                webhook_id=job.webhook_id,
                attempt=attempt,
                at=iso_utc(datetime.fromtimestamp(self._clock(), UTC)),
                outcome=outcome,
                status_code=reply.status_code,
                latency_ms=reply.latency_ms,
                error=reply.error,
            ),
        )

    def _settle_failed(
        self, job: DeliveryJob, event_type: str, attempt: int, reply: WebhookReply, *, skipped: bool = False
    ) -> None:
        self._record(job, event_type, attempt, DeliveryOutcome.SKIPPED if skipped else DeliveryOutcome.FAILED, reply)
        self._ledger.settle(job.tenant_id, job.event_id, job.generation, job.subscription_id, delivered=False)

    def _abandon(
        self, job: DeliveryJob, event_type: str, attempt: int, reply: WebhookReply, *, skipped: bool = False
    ) -> None:
        """A tenant's doing: failed (or skipped) for good, and not the operator's concern (no DLQ)."""
        self._settle_failed(job, event_type, attempt, reply, skipped=skipped)
        _count(MetricName.DELIVERIES_ABANDONED)
        logger.info(
            "Delivery abandoned",
            extra={"event_id": job.event_id, "subscription_id": job.subscription_id, "reason": reply.error},
        )

    def _dead_letter(self, job: DeliveryJob, event_type: str, attempt: int, reply: WebhookReply) -> None:
        """Attempts used up: failed, and the job parked in the DLQ, where a redrive gives it a new run."""
        self._settle_failed(job, event_type, attempt, reply)
        self._dead_letters.send([job.next_run(attempts_made=attempt)])
        _count(MetricName.DEAD_LETTERED)
        logger.warning(
            "Delivery failed for good",
            extra={"event_id": job.event_id, "subscription_id": job.subscription_id, "reason": reply.error},
        )
