"""The webhook worker: one signed POST per delivery job, then settle, retry later, or dead-letter."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from triggers import __version__
from triggers.delivery.jobs import DeliveryJob, JobQueue
from triggers.delivery.schedule import RetrySchedule
from triggers.delivery.signing import webhook_headers
from triggers.delivery.targets import TargetPolicy
from triggers.errors import NotFound, ValidationFailed
from triggers.metric_names import MetricName
from triggers.models import DeliveryAttempt, DeliveryOutcome, Event, SubscriptionStatus, iso_utc
from triggers.observability import logger, metrics
from triggers.storage.deliveries import DeliveryLedger
from triggers.storage.events import EventStore
from triggers.storage.subscriptions import SubscriptionStore

USER_AGENT = f"TriggersAPI-Webhooks/{__version__}"
_RETRY_AFTER_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class RetryLater:
    """The job failed and should be tried again in ``delay_seconds``."""

    delay_seconds: int


@dataclass(frozen=True)
class _Response:
    status_code: int | None
    retry_after_seconds: int | None
    error: str | None
    latency_ms: int


def webhook_body(event: Event) -> bytes:
    """The JSON the subscriber receives; the same bytes on every attempt."""
    return json.dumps(
        event.model_dump(
            mode="json", include={"event_id", "event_type", "source", "received_at", "tags", "metadata", "payload"}
        ),
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode()


def parse_retry_after(value: str | None, now: datetime) -> int | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    if value.strip().isdigit():
        return int(value.strip())
    try:
        return max(0, int((parsedate_to_datetime(value) - now).total_seconds()))
    except (TypeError, ValueError):
        return None


class DeliveryWorker:
    def __init__(
        self,
        events: EventStore,
        subscriptions: SubscriptionStore,
        ledger: DeliveryLedger,
        dead_letters: JobQueue,
        http: httpx.Client,
        targets: TargetPolicy,
        schedule: RetrySchedule,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._events = events
        self._subscriptions = subscriptions
        self._ledger = ledger
        self._dead_letters = dead_letters
        self._http = http
        self._targets = targets
        self._schedule = schedule
        self._clock = clock

    def deliver(self, job: DeliveryJob, attempt: int) -> RetryLater | None:
        """Makes attempt number ``attempt`` (1-based, from SQS's receive count) at delivering ``job``."""
        try:
            event = self._events.get(job.tenant_id, job.event_id)
        except NotFound:
            logger.info("Event erased before delivery", extra={"event_id": job.event_id})
            return None
        if event.generation != job.generation:
            logger.info("Stale delivery job dropped", extra={"event_id": job.event_id})
            return None
        found = self._subscriptions.find(job.tenant_id, job.subscription_id)
        if found is None or found.subscription.status is not SubscriptionStatus.ACTIVE:
            self._give_up(job, event, attempt, "subscription deleted or disabled", status_code=None, latency_ms=0)
            return None
        if attempt > self._schedule.max_attempts:
            # Receives that crashed before finishing still count: the schedule is used up.
            self._give_up(job, event, attempt, "attempts exhausted", status_code=None, latency_ms=0)
            return None
        try:
            self._targets.check(found.subscription.target_url)
        except ValidationFailed as refused:
            self._give_up(job, event, attempt, refused.message, status_code=None, latency_ms=0)
            return None

        response = self._post(found.subscription.target_url, found.secret, job, event)
        metrics.add_metric(name=MetricName.DELIVERY_ATTEMPTS, unit="Count", value=1)
        if response.status_code is not None and 200 <= response.status_code < 300:
            self._record(job, attempt, DeliveryOutcome.DELIVERED, response)
            self._ledger.settle(job.tenant_id, job.event_id, job.generation, job.subscription_id, delivered=True)
            metrics.add_metric(name=MetricName.DELIVERY_SUCCESSES, unit="Count", value=1)
            received = datetime.fromisoformat(event.received_at)
            latency = (datetime.fromtimestamp(self._clock(), UTC) - received).total_seconds() * 1000
            metrics.add_metric(name=MetricName.DELIVERY_LATENCY, unit="Milliseconds", value=max(latency, 0))
            return None

        metrics.add_metric(name=MetricName.DELIVERY_FAILURES, unit="Count", value=1)
        if response.status_code == 410:
            # 410 Gone: the subscriber asks us to stop; no retry, and no further jobs for it.
            self._subscriptions.disable(job.tenant_id, job.subscription_id)
            self._give_up(
                job, event, attempt, "subscriber answered 410 Gone", response.status_code, response.latency_ms
            )
            return None
        delay = self._schedule.delay_after(attempt, response.retry_after_seconds)
        if delay is None:
            self._give_up(job, event, attempt, response.error or "", response.status_code, response.latency_ms)
            return None
        self._record(job, attempt, DeliveryOutcome.RETRYING, response)
        return RetryLater(delay)

    def _post(self, url: str, secret: str, job: DeliveryJob, event: Event) -> _Response:
        body = webhook_body(event)
        headers = webhook_headers(secret, job.webhook_id, int(self._clock()), body) | {"user-agent": USER_AGENT}
        started = time.perf_counter()
        try:
            reply = self._http.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            latency = int((time.perf_counter() - started) * 1000)
            return _Response(None, None, f"{type(exc).__name__}: request failed", latency)
        latency = int((time.perf_counter() - started) * 1000)
        retry_after = None
        if reply.status_code in _RETRY_AFTER_STATUSES:
            retry_after = parse_retry_after(reply.headers.get("retry-after"), datetime.now(UTC))
        error = None if reply.is_success else f"HTTP {reply.status_code}"
        return _Response(reply.status_code, retry_after, error, latency)

    def _record(self, job: DeliveryJob, attempt: int, outcome: DeliveryOutcome, response: _Response) -> None:
        self._ledger.record_attempt(
            job.tenant_id,
            job.event_id,
            DeliveryAttempt(
                subscription_id=job.subscription_id,
                webhook_id=job.webhook_id,
                attempt=attempt,
                at=iso_utc(datetime.fromtimestamp(self._clock(), UTC)),
                outcome=outcome,
                status_code=response.status_code,
                latency_ms=response.latency_ms,
                error=response.error,
            ),
        )

    def _give_up(
        self, job: DeliveryJob, event: Event, attempt: int, reason: str, status_code: int | None, latency_ms: int
    ) -> None:
        """Final failure: recorded, settled as failed, and the job parked in the DLQ for redrive."""
        self._record(job, attempt, DeliveryOutcome.FAILED, _Response(status_code, None, reason, latency_ms))
        self._ledger.settle(job.tenant_id, job.event_id, job.generation, job.subscription_id, delivered=False)
        self._dead_letters.send([job])
        metrics.add_metric(name=MetricName.DEAD_LETTERED, unit="Count", value=1)
        logger.warning(
            "Delivery failed for good",
            extra={"event_id": event.event_id, "subscription_id": job.subscription_id, "reason": reason},
        )
