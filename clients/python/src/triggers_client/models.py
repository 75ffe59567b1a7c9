"""Typed models of the API's responses, named as in the API's OpenAPI document (``/openapi.json``).

A test compares every model here with the schema of the same name in the served document (fields,
required fields, types, enum values), so the client cannot drift from the API unnoticed. Models
ignore fields they do not know, so an older client keeps working when the API adds one.
"""

# No `from __future__ import annotations` here: TypedDict reads Required/NotRequired at runtime.
from datetime import datetime
from enum import StrEnum
from typing import Any, NotRequired, Required, TypedDict

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class EventStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    ACKNOWLEDGED = "acknowledged"
    FAILED = "failed"


class InboxStatus(StrEnum):
    """The statuses the inbox lists; an acknowledged event has left it."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class DeliveryOutcome(StrEnum):
    DELIVERED = "delivered"
    RETRYING = "retrying"
    FAILED = "failed"
    SKIPPED = "skipped"  # held back while the subscription was disabled; `recover` sends it


class AttemptOutcome(StrEnum):
    """How a subscription's attempts are filtered: the subscriber got it, did not, or it was held back."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"


class SendTestOutcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Scope(StrEnum):
    EVENTS_WRITE = "events:write"
    EVENTS_READ = "events:read"
    SUBSCRIPTIONS_MANAGE = "subscriptions:manage"
    KEYS_MANAGE = "keys:manage"


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"


class Order(StrEnum):
    ASC = "asc"  # oldest first
    DESC = "desc"  # newest first


class Granularity(StrEnum):
    MINUTE = "minute"  # up to 48 hours
    HOUR = "hour"  # up to 90 days
    DAY = "day"  # up to 400 days


class LatencyPercentiles(_Model):
    """From a fixed histogram: the upper bound (ms) of the bucket each percentile falls in."""

    p50: int | None
    p95: int | None


class StatsBucket(_Model):
    start: datetime
    ingested: int
    delivered: int
    failed: int
    acknowledged: int
    attempts: int
    latency_ms: LatencyPercentiles


class Stats(_Model):
    granularity: Granularity
    since: datetime
    until: datetime
    buckets: list[StatsBucket]


class AuditAction(StrEnum):
    KEY_CREATED = "key.created"
    KEY_REVOKED = "key.revoked"
    SUBSCRIPTION_CREATED = "subscription.created"
    SUBSCRIPTION_UPDATED = "subscription.updated"
    SUBSCRIPTION_DISABLED = "subscription.disabled"
    SUBSCRIPTION_ENABLED = "subscription.enabled"
    SUBSCRIPTION_DELETED = "subscription.deleted"
    SUBSCRIPTION_SECRET_ROTATED = "subscription.secret_rotated"  # noqa: S105 - an action's name
    SUBSCRIPTION_RECOVERED = "subscription.recovered"
    SUBSCRIPTION_TESTED = "subscription.tested"
    EVENT_ACKNOWLEDGED = "event.acknowledged"
    EVENT_REPLAYED = "event.replayed"
    EVENT_DELETED = "event.deleted"


class NewEvent(TypedDict, total=False):
    """One event to send, as a plain dict (``events.send_many`` takes any iterable of these)."""

    event_type: Required[str]
    payload: Required[dict[str, Any]]
    source: NotRequired[str]
    tags: NotRequired[list[str]]
    metadata: NotRequired[dict[str, Any]]
    idempotency_key: NotRequired[str]  # per event: a resent event with the same key is stored once


class Health(_Model):
    status: str
    version: str


class ErrorBody(_Model):
    code: str
    message: str
    details: list[dict[str, Any]] = Field(default_factory=list)
    request_id: str | None = None


class EventSummary(_Model):
    event_id: str
    event_type: str
    status: EventStatus
    received_at: datetime


class BatchItemStored(EventSummary):
    index: int = Field(description="The event's position in the input")


class BatchItemRefused(_Model):
    index: int = Field(description="The event's position in the input")
    error: ErrorBody


class BatchResult(_Model):
    results: list[BatchItemStored | BatchItemRefused]
    accepted: int
    rejected: int


class DeliveryAttempt(_Model):
    subscription_id: str
    webhook_id: str
    attempt: int
    at: datetime
    outcome: DeliveryOutcome
    status_code: int | None = None
    latency_ms: int
    error: str | None = None


class DeliverySummary(_Model):
    attempts: int | None = 0
    last_attempt_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    pending_subscriptions: list[str] = Field(default_factory=list)
    failed_subscriptions: list[str] = Field(default_factory=list)
    history: list[DeliveryAttempt] | None = Field(default_factory=list)


class Event(EventSummary):
    source: str | None = None
    tags: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)
    payload: dict[str, Any]
    payload_error: str | None = None
    acknowledged_at: datetime | None = None
    delivery: DeliverySummary = Field(default_factory=DeliverySummary)


class Pagination(_Model):
    limit: int
    next_cursor: str | None
    has_more: bool


class _Paged(_Model):
    """What every cursor-paged listing's page has."""

    pagination: Pagination


class EventPage(_Paged):
    """A page of the inbox or of the event history."""

    events: list[Event]


class AckResult(_Model):
    event_id: str
    status: EventStatus
    acknowledged_at: datetime


class AckRefused(_Model):
    event_id: str
    error: ErrorBody


class BulkAckResult(_Model):
    results: list[AckResult | AckRefused]


class ApiKey(_Model):
    key_id: str
    tenant_id: str
    name: str
    scopes: list[Scope]
    hint: str
    created_at: datetime
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    rate_limit_per_second: int | None = None
    last_used_at: datetime | None = None  # recorded at most hourly


class ApiKeyList(_Model):
    keys: list[ApiKey]


class ApiKeyCreated(ApiKey):
    key: str = Field(description="The plaintext key: returned this once, never again")


class Subscription(_Model):
    subscription_id: str
    tenant_id: str
    target_url: str
    event_types: list[str]
    description: str | None = None
    status: SubscriptionStatus
    created_at: datetime
    updated_at: datetime | None = None
    disabled_at: datetime | None = None
    disabled_reason: str | None = None
    # While set, deliveries are signed with the new and the previous secret.
    previous_secret_expires_at: datetime | None = None


class SubscriptionList(_Model):
    subscriptions: list[Subscription]


class SubscriptionCreated(Subscription):
    secret: str = Field(description="The whsec_ signing secret: returned this once, never again")


class AuditEntry(_Model):
    entry_id: str
    at: datetime
    action: AuditAction
    target: str = Field(description='The key, subscription or event acted on ("<n> items" for several)')
    targets: list[str]
    actor_key_id: str
    request_id: str | None = None
    source_ip: str | None = None


class AuditPage(_Paged):
    entries: list[AuditEntry]


class SubscriptionAttempt(_Model):
    attempt_id: str
    event_id: str
    event_type: str
    webhook_id: str
    attempt: int
    at: datetime
    outcome: AttemptOutcome
    will_retry: bool = Field(description="A failed attempt with another one scheduled")
    status_code: int | None = None
    latency_ms: int
    error: str | None = None


class AttemptPage(_Paged):
    attempts: list[SubscriptionAttempt]


class SecretRotated(_Model):
    secret: str = Field(description="The new whsec_ signing secret: returned this once, never again")
    previous_secret_expires_at: datetime = Field(description="Until then deliveries carry both signatures")


class SendTestResult(_Model):
    outcome: SendTestOutcome
    status_code: int | None
    latency_ms: int
    response_excerpt: str = Field(description="The start of the subscriber's answer (at most 1 KiB)")
    error: str | None = None


class Recovery(_Model):
    queued: int = Field(description="Events queued for delivery again")
    resume_since: datetime | None = Field(description="Where the next call starts, when one call could not do all")
