"""Tenants managing their webhook subscriptions (REST Hooks style): create, edit, disable and enable,
rotate the signing secret, send a test, read the attempts, and recover what was missed. Each change
is audited.

A disabled subscription is parked, not lost: the dispatcher records each event it would have received
as a skipped attempt. `recover` then sends, once more, every event whose delivery to the subscription
failed for good or was skipped in a time window; the event's ledger remembers what each subscription
acknowledged, so recovering twice never delivers twice.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from triggers.auth.authorizer import Principal
from triggers.cursor import CursorCodec, cursor_page, query_fingerprint
from triggers.delivery.jobs import DeliveryJob, JobQueue
from triggers.delivery.targets import TargetLookupFailed, TargetPolicy, TargetUnresolvable
from triggers.ids import moment_of
from triggers.lazy import Lazy
from triggers.models import (
    AttemptPage,
    AttemptsQuery,
    AuditAction,
    RecoverIn,
    Recovery,
    SecretRotated,
    SendTestOutcome,
    SendTestResult,
    Subscription,
    SubscriptionAttempt,
    SubscriptionCreated,
    SubscriptionIn,
    SubscriptionPatch,
    SubscriptionStatus,
    iso_utc,
)
from triggers.settings import SubscriptionsSettings
from triggers.storage.attempt_pages import AttemptPages, generation_of
from triggers.storage.audit import AuditLog
from triggers.storage.deliveries import DeliveryLedger
from triggers.storage.dynamo import dynamodb_client, sqs_client
from triggers.storage.events import EventStore
from triggers.storage.listing import Slice
from triggers.storage.rate_limit import RateLimiter
from triggers.storage.subscriptions import SubscriptionStore

if TYPE_CHECKING:
    from triggers.delivery.sender import WebhookSender

# How many undelivered attempts one recover call works through; the rest is left for the next call.
RECOVERY_BATCH = 200
TEST_EVENT_TYPE = "triggers.test"
_EXCERPT_BYTES = 1024


def _webhook_sender(settings: SubscriptionsSettings) -> WebhookSender:
    from triggers.delivery.sender import WebhookSender

    return WebhookSender.from_settings(settings, max_connections=2)


class SubscriptionManagement:
    def __init__(
        self,
        subscriptions: SubscriptionStore,
        audit: AuditLog,
        targets: TargetPolicy,
        *,
        attempts: AttemptPages,
        events: EventStore,
        ledger: DeliveryLedger,
        queue: JobQueue,
        sender: Callable[[], WebhookSender],
        cursors: CursorCodec,
        test_sends: RateLimiter,
        test_sends_per_second: int,
    ) -> None:
        self._subscriptions = subscriptions
        self._audit = audit
        self._targets = targets
        self._attempts = attempts
        self._events = events
        self._ledger = ledger
        self._queue = queue
        self._sender = sender
        self._test_sends = test_sends
        self._test_sends_per_second = test_sends_per_second
        self._cursors = cursors

    @classmethod
    def from_settings(cls, settings: SubscriptionsSettings) -> SubscriptionManagement:
        client = dynamodb_client()
        return cls(
            SubscriptionStore(client, settings.subscriptions_table, settings.max_subscriptions_per_tenant),
            AuditLog(client, settings.audit_table),
            TargetPolicy.from_settings(settings),
            attempts=AttemptPages(client, settings.events_table, settings.shard_count),
            events=EventStore(client, settings.events_table, settings.shard_count),
            ledger=DeliveryLedger(client, settings.events_table, settings.shard_count),
            queue=JobQueue(sqs_client(), settings.delivery_queue_url),
            # Built for the first test sent (httpx and TLS load then); few requests are tests.
            sender=Lazy(partial(_webhook_sender, settings)),
            cursors=CursorCodec.from_secret(settings.cursor_secret_name),
            # Counted for the tenant across containers: one conditional write per test sent.
            test_sends=RateLimiter(client, settings.rate_limits_table, lease_fraction=0),
            test_sends_per_second=settings.test_sends_per_second,
        )

    def create(self, caller: Principal, request: SubscriptionIn) -> SubscriptionCreated:
        self._check_target(request.target_url)
        created = self._subscriptions.create(caller.tenant_id, request)
        self._audit.record(caller, AuditAction.SUBSCRIPTION_CREATED, created.subscription_id)
        return created

    def list(self, caller: Principal) -> list[Subscription]:
        return self._subscriptions.for_tenant(caller.tenant_id)

    def get(self, caller: Principal, subscription_id: str) -> Subscription:
        return self._subscriptions.get(caller.tenant_id, subscription_id)

    def update(self, caller: Principal, subscription_id: str, patch: SubscriptionPatch) -> Subscription:
        before = self._subscriptions.get(caller.tenant_id, subscription_id)
        if patch.target_url is not None:
            self._check_target(patch.target_url)
        updated = self._subscriptions.update(caller.tenant_id, subscription_id, patch)
        if updated.status is not before.status:
            enabled = updated.status is SubscriptionStatus.ACTIVE
            action = AuditAction.SUBSCRIPTION_ENABLED if enabled else AuditAction.SUBSCRIPTION_DISABLED
            self._audit.record(caller, action, subscription_id)
        if patch.model_fields_set - {"status"}:
            self._audit.record(caller, AuditAction.SUBSCRIPTION_UPDATED, subscription_id)
        return updated

    def delete(self, caller: Principal, subscription_id: str) -> None:
        self._subscriptions.delete(caller.tenant_id, subscription_id)
        self._audit.record(caller, AuditAction.SUBSCRIPTION_DELETED, subscription_id)

    def rotate_secret(self, caller: Principal, subscription_id: str) -> SecretRotated:
        rotated = self._subscriptions.rotate_secret(caller.tenant_id, subscription_id)
        self._audit.record(caller, AuditAction.SUBSCRIPTION_SECRET_ROTATED, subscription_id)
        return rotated

    def send_test(self, caller: Principal, subscription_id: str) -> SendTestResult:
        """A signed `triggers.test` webhook, now, through the worker's own sender (SSRF rules, deadline,
        bounded read). Nothing is stored as an event."""
        found = self._subscriptions.signing(caller.tenant_id, subscription_id)
        # Each test holds this function up to the delivery deadline; a tenant's tests must not hold all of it.
        self._test_sends.consume(f"test-sends#{caller.tenant_id}", 1, self._test_sends_per_second)
        test_id = f"test_{uuid.uuid4()}"
        body = {
            "event_id": test_id,
            "event_type": TEST_EVENT_TYPE,
            "source": "triggers",
            "received_at": iso_utc(datetime.now(UTC)),
            "tags": [],
            "metadata": {},
            "payload": {"subscription_id": subscription_id, "message": "A test delivery from the Triggers API"},
        }
        encoded = json.dumps(body, separators=(",", ":")).encode()
        reply = self._sender().post(found.subscription.target_url, found.secrets, f"msg_{test_id}", encoded)
        self._audit.record(caller, AuditAction.SUBSCRIPTION_TESTED, subscription_id)
        return SendTestResult(
            outcome=SendTestOutcome.SUCCEEDED if reply.delivered else SendTestOutcome.FAILED,
            status_code=reply.status_code,
            latency_ms=reply.latency_ms,
            response_excerpt=reply.body_excerpt[:_EXCERPT_BYTES].decode("utf-8", errors="replace"),
            error=reply.error,
        )

    def attempts(self, caller: Principal, subscription_id: str, query: AttemptsQuery) -> AttemptPage:
        self._subscriptions.get(caller.tenant_id, subscription_id)  # another tenant's id is a 404
        fingerprint = query_fingerprint(
            "attempts", caller.tenant_id, subscription_id, query.outcome, query.since, query.until
        )
        attempts, pagination = cursor_page(
            self._cursors,
            query.cursor,
            fingerprint,
            query.limit,
            lambda after: self._attempts.page(caller.tenant_id, subscription_id, query, after),
            lambda attempt: attempt.attempt_id,
        )
        return AttemptPage(attempts=attempts, pagination=pagination)

    def recover(self, caller: Principal, subscription_id: str, request: RecoverIn) -> Recovery:
        """Queues once more every event whose delivery failed for good or was skipped in the window, at
        most ``RECOVERY_BATCH`` attempts' worth per call; ``resume_since`` says where the next call starts."""
        subscription = self._subscriptions.get(caller.tenant_id, subscription_id)
        page = self._attempts.ended_undelivered(
            caller.tenant_id, subscription_id, request.since, request.until, RECOVERY_BATCH, after=None
        )
        ended = page.items
        jobs: list[DeliveryJob] = []
        for event_id, webhook_id in dict.fromkeys((attempt.event_id, attempt.webhook_id) for attempt in ended):
            generation = generation_of(webhook_id)
            # Owed once more only if nothing delivered it, and nothing has it on the way, meanwhile.
            if not self._ledger.expect_again(caller.tenant_id, event_id, generation, subscription_id):
                continue
            # The attempts it had count as an earlier run: the recovered one gets a full schedule.
            history = self._events.get(caller.tenant_id, event_id).delivery.history or []
            made = sum(1 for attempt in history if attempt.webhook_id == webhook_id)
            jobs.append(DeliveryJob(caller.tenant_id, event_id, subscription_id, generation, attempts_before=made))
        self._queue.send(jobs)
        self._audit.record(caller, AuditAction.SUBSCRIPTION_RECOVERED, subscription.subscription_id)
        return Recovery(queued=len(jobs), resume_since=_resume_since(page))

    def _check_target(self, url: str) -> None:
        """Refuses a target the delivery policy would refuse. A name that does not resolve (yet), or a DNS
        hiccup, is no reason to refuse: every delivery checks the target again, when it counts."""
        with suppress(TargetUnresolvable, TargetLookupFailed):
            self._targets.check(url)


def _resume_since(page: Slice[SubscriptionAttempt]) -> str | None:
    """Where the next recovery starts: the last attempt taken, or as far as a read that spent its budget
    got (attempt ids are UUIDv7s). Starting at that instant again is harmless: recovery is exactly once."""
    if not page.has_more:
        return None
    if page.resume_after:
        return iso_utc(moment_of(page.resume_after))
    return page.items[-1].at if page.items else None
