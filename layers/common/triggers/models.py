"""Domain and API models (pydantic v2). Request models forbid unknown fields."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, cast
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from triggers.auth.apikeys import Scope
from triggers.errors import DomainError
from triggers.json_limits import MAX_FIELD_DEPTH, MAX_NUMBER_CHARS, json_depth

MAX_PAYLOAD_BYTES = 256 * 1024
MAX_METADATA_BYTES = 8 * 1024
MAX_BATCH_SIZE = 100
EVENT_TYPE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"

EventType = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=EVENT_TYPE_PATTERN)]
Source = Annotated[str, StringConstraints(min_length=1, max_length=128)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=64)]
IdempotencyKey = Annotated[str, StringConstraints(min_length=1, max_length=255)]
# The validation error type of a field over its size limit.
TOO_LARGE_ERROR = "too_large"


class Model(BaseModel):
    """Every API model. Its validator is built when first used, not at import: a function builds only
    the few models its routes use (building all of them was an eighth of a cold start)."""

    model_config = ConfigDict(defer_build=True)


class EventStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    ACKNOWLEDGED = "acknowledged"
    FAILED = "failed"


class InboxStatus(StrEnum):
    """Statuses the inbox can list; an acknowledged event has left the inbox for good."""

    PENDING = EventStatus.PENDING.value
    DELIVERED = EventStatus.DELIVERED.value
    FAILED = EventStatus.FAILED.value


# One encoder for all: json.dumps with these options builds a new one per call, a third of its time.
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def compact_json(value: Any) -> str:
    return _COMPACT.encode(value)


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$")


def _rfc3339(value: Any) -> Any:
    # What the schema's `format: date-time` promises, no more: pydantic alone would also take unix
    # times (0.5, "0.5"), dates and times without an offset, whose meaning a client may not share.
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _RFC3339.match(value):
        raise ValueError("must be an RFC 3339 date-time with an offset, e.g. 2026-01-31T09:30:00Z")
    return value


def _in_utc(moment: datetime) -> datetime:
    # An offset that takes the instant past year 9999 or before year 1 in UTC still names a real
    # instant: as a bound it is clamped to the calendar's end, which no event lies beyond.
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return (datetime.max if moment.year == datetime.max.year else datetime.min).replace(tzinfo=UTC)


Timestamp = Annotated[datetime, BeforeValidator(_rfc3339), AfterValidator(_in_utc)]


def _json_integer(value: Any) -> Any:
    # JSON's types, not Python's conversions: pydantic alone takes true as 1 and "5" as 5 (a 1.0 stays
    # an integer, as JSON Schema counts it). Query parameters arrive as text and keep plain int.
    if isinstance(value, bool | str):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


JSON_INTEGER = BeforeValidator(_json_integer)  # on a body's integer field: Annotated[int | None, JSON_INTEGER]


class JsonObject(dict[str, Any]):
    """A client's JSON object together with its compact serialization, made once when it is validated."""

    def __init__(self, value: dict[str, Any], serialized: str) -> None:
        super().__init__(value)
        self.serialized = serialized


def _bounded_object(max_bytes: int) -> AfterValidator:
    def bounded(value: dict[str, Any]) -> JsonObject:
        if not value:
            return JsonObject(value, "{}")
        serialized = compact_json(value)
        if len(serialized.encode()) > max_bytes:
            # The HTTP edge answers this error type with 413, like an oversized body.
            raise PydanticCustomError(
                TOO_LARGE_ERROR, "exceeds {max_bytes} bytes when serialized", {"max_bytes": max_bytes}
            )
        # Fewer opening brackets than the limit cannot nest deeper than it: most objects skip the scan.
        deep_enough = serialized.count("{") + serialized.count("[") > MAX_FIELD_DEPTH
        if deep_enough and json_depth(serialized) > MAX_FIELD_DEPTH:
            raise PydanticCustomError(
                "json_too_deep", "may nest at most {max_depth} levels deep", {"max_depth": MAX_FIELD_DEPTH}
            )
        return JsonObject(value, serialized)

    return AfterValidator(bounded)


Payload = Annotated[
    dict[str, Any],
    _bounded_object(MAX_PAYLOAD_BYTES),
    Field(
        description=f"Any JSON object: at most {MAX_PAYLOAD_BYTES} bytes serialized and {MAX_FIELD_DEPTH} levels "
        f"deep; numbers finite and at most {MAX_NUMBER_CHARS} characters long"
    ),
]
Metadata = Annotated[dict[str, Any], _bounded_object(MAX_METADATA_BYTES)]


class EventIn(Model):
    """One event as a client sends it."""

    model_config = ConfigDict(extra="forbid")

    event_type: EventType
    payload: Payload
    source: Source | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    metadata: Metadata = Field(
        default_factory=dict,
        validate_default=True,  # the default, too, gets its serialized form
        description=f"A JSON object of at most {MAX_METADATA_BYTES} bytes serialized and {MAX_FIELD_DEPTH} levels deep",
    )

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        """Sizes, not contents: a payload never shows in a repr (Powertools formats the route's arguments
        into a debug message on every request, whatever the log level: a repr of a batch's payloads was
        a quarter of its CPU)."""
        yield "event_type", self.event_type
        yield "source", self.source
        yield "tags", self.tags
        yield "payload", f"<{len(self.payload_json)} bytes>"
        yield "metadata", f"<{len(self.metadata_json)} bytes>"

    @property
    def payload_json(self) -> str:
        return cast(JsonObject, self.payload).serialized

    @property
    def metadata_json(self) -> str:
        return cast(JsonObject, self.metadata).serialized


class BatchItemIn(EventIn):
    idempotency_key: IdempotencyKey | None = None


class BatchIn(Model):
    """A batch is validated whole: one invalid item refuses the batch (400 naming ``events.<i>.<field>``),
    so a fixed batch can be resent without duplicating the rest. Per-item results report what no schema
    can decide: storage faults and per-item idempotency."""

    model_config = ConfigDict(extra="forbid")

    events: list[BatchItemIn] = Field(min_length=1, max_length=MAX_BATCH_SIZE)

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        yield "events", f"<{len(self.events)} events>"  # see EventIn.__repr_args__


class EventSummary(Model):
    event_id: str
    event_type: str
    status: EventStatus
    received_at: str


class ErrorBody(Model):
    code: str
    message: str
    details: list[dict[str, Any]] = Field(default_factory=list)
    request_id: str | None = None

    @classmethod
    def of(cls, error: DomainError, request_id: str | None = None) -> ErrorBody:
        return cls(code=error.code, message=error.message, details=error.details, request_id=request_id)


class ErrorEnvelope(Model):
    error: ErrorBody


class GatewayMessage(Model):
    """API Gateway's own error body: a missing or refused key (403), no such route (404)."""

    message: str


class BatchItemStored(EventSummary):
    index: int


class BatchItemRefused(Model):
    index: int
    error: ErrorBody


class BatchResult(Model):
    results: list[BatchItemStored | BatchItemRefused] = Field(description="One per event, in input order")
    accepted: int
    rejected: int


class DeliveryOutcome(StrEnum):
    DELIVERED = "delivered"
    RETRYING = "retrying"  # failed; another attempt is scheduled
    FAILED = "failed"  # failed for good: the last attempt, or the subscriber answered 410 Gone
    SKIPPED = "skipped"  # not sent: the subscription was disabled (`recover` sends it later)


class AttemptOutcome(StrEnum):
    """How a subscription's attempts are filtered: did the subscriber get it, not, or was it held back."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"

    @classmethod
    def of(cls, outcome: DeliveryOutcome) -> AttemptOutcome:
        if outcome is DeliveryOutcome.DELIVERED:
            return cls.SUCCEEDED
        return cls.SKIPPED if outcome is DeliveryOutcome.SKIPPED else cls.FAILED

    def stored(self) -> list[DeliveryOutcome]:
        """The stored outcomes this one stands for."""
        return [outcome for outcome in DeliveryOutcome if AttemptOutcome.of(outcome) is self]


class DeliveryAttempt(Model):
    subscription_id: str
    webhook_id: str
    attempt: int
    at: str
    outcome: DeliveryOutcome
    status_code: int | None = None
    latency_ms: int
    error: str | None = None


class DeliverySummary(Model):
    # Attempt records are read by GET /v1/events/{id}; inbox listings leave attempts and history null.
    attempts: int | None = 0
    last_attempt_at: str | None = None
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
    # Set (and the payload left empty) only for a stored item that cannot be served, e.g. one stored
    # before today's limits; such an event is never delivered.
    payload_error: str | None = None
    acknowledged_at: str | None = None
    delivery: DeliverySummary = Field(default_factory=DeliverySummary)
    # How many times the event was replayed; internal: it keys delivery jobs, clients never see it.
    generation: int = Field(default=0, exclude=True)


class Pagination(Model):
    limit: int
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null when there is none")
    has_more: bool = Field(
        description="More may follow: keep paging while true. Each page reads a bounded amount, so a page with "
        "filters can hold fewer than `limit` items, even none, and still have more."
    )


class EventPage(Model):
    events: list[Event]
    pagination: Pagination


class Order(StrEnum):
    ASC = "asc"  # oldest first
    DESC = "desc"  # newest first


class InboxQuery(Model):
    model_config = ConfigDict(extra="forbid")

    status: InboxStatus = InboxStatus.PENDING
    event_type: EventType | None = None
    source: Source | None = None
    since: Timestamp | None = None
    until: Timestamp | None = None
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, min_length=1, max_length=1024)


class EventsQuery(Model):
    """The event history: every event in retention, any status."""

    model_config = ConfigDict(extra="forbid")

    status: EventStatus | None = None
    event_type: EventType | None = None
    source: Source | None = None
    since: Timestamp | None = None
    until: Timestamp | None = None
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, min_length=1, max_length=1024)
    order: Order = Field(default=Order.DESC, description="desc: newest first (the default); asc: oldest first")


class AckResult(Model):
    event_id: str
    status: EventStatus
    acknowledged_at: str


class AckRefused(Model):
    event_id: str
    error: ErrorBody


class BulkAckResult(Model):
    results: list[AckResult | AckRefused] = Field(description="One per id, in input order")


class BulkAckIn(Model):
    model_config = ConfigDict(extra="forbid")

    event_ids: list[str] = Field(min_length=1, max_length=MAX_BATCH_SIZE)


MAX_KEY_LIFETIME_SECONDS = 5 * 365 * 24 * 60 * 60


class KeyCreateIn(Model):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    scopes: list[Scope] = Field(min_length=1, max_length=len(Scope))
    # A lifetime rather than a date: "in the future" is then a bound the schema itself can state.
    expires_in_seconds: Annotated[int | None, JSON_INTEGER] = Field(
        default=None,
        ge=60,
        le=MAX_KEY_LIFETIME_SECONDS,
        description="Lifetime from now. Omitted: the key lives as long as the key that creates it.",
    )
    rate_limit_per_second: Annotated[int | None, JSON_INTEGER] = Field(
        default=None,
        ge=1,
        le=100_000,
        description="Omitted: the creating key's own limit. Never above the creating key's limit.",
    )


class ApiKey(Model):
    """A key's metadata as lists show it; the secret and its hash never leave the key store."""

    key_id: str
    tenant_id: str
    name: str
    scopes: list[Scope]
    hint: str
    created_at: str
    expires_at: str | None = None
    revoked_at: str | None = None
    rate_limit_per_second: int | None = None
    # Updated at most hourly: the authorizer records use without a write per request.
    last_used_at: str | None = None


class ApiKeyList(Model):
    keys: list[ApiKey]


class ApiKeyCreated(ApiKey):
    key: str = Field(description="The plaintext key. Shown once; store it now.")


MAX_PATTERN_WILDCARDS = 8
_PATTERN_CHARS = "[A-Za-z0-9._:-]*"
EventTypePattern = Annotated[
    str,
    StringConstraints(
        min_length=1,
        max_length=128,
        # Event-type characters and at most 8 '*' wildcards; the first character is not punctuation.
        pattern=(
            rf"^(?:[A-Za-z0-9]{_PATTERN_CHARS}(?:\*{_PATTERN_CHARS}){{0,{MAX_PATTERN_WILDCARDS}}}"
            rf"|\*{_PATTERN_CHARS}(?:\*{_PATTERN_CHARS}){{0,{MAX_PATTERN_WILDCARDS - 1}}})$"
        ),
    ),
]


def pattern_matches(pattern: str, event_type: str) -> bool:
    """``*`` matches any run of characters: ``order.*`` matches ``order.created``, ``*`` matches all.

    No regex and no backtracking: the literal pieces between wildcards are found left to right, each
    at its earliest position, which is always a correct choice for ``*``-only globs. The cost is
    bounded by the event type's length times the pattern's, whatever the pattern.
    """
    first, *middle_and_last = pattern.split("*")
    if not middle_and_last:
        return pattern == event_type
    *middle, last = middle_and_last
    if len(first) + len(last) > len(event_type) or not event_type.startswith(first):
        return False
    position, end = len(first), len(event_type) - len(last)
    for piece in middle:
        found = event_type.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return event_type.endswith(last)


def _well_formed_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed or out-of-range port
    except ValueError as exc:
        raise ValueError(f"not a valid URL: {exc}") from exc
    if not parts.hostname:
        raise ValueError("the URL has no host")
    return url


# RFC 3986's grammar for an http(s) URI without userinfo: ASCII only (an international name goes in
# its punycode form), percent-escapes well formed, a port of at most 65535, "#" only once.
_URI_CHAR = r"(?:[-A-Za-z0-9._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})"  # of a host name
_URI_PART = r"(?:[-A-Za-z0-9._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})"  # of a path, query or fragment
_PORT = r"(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})"
TARGET_URL_PATTERN = (
    rf"^[Hh][Tt][Tt][Pp][Ss]?://(?:\[[0-9A-Fa-f:.]+\]|{_URI_CHAR}+)(?::{_PORT}?)?"
    rf"(?:/{_URI_PART}*)?(?:\?{_URI_PART}*)?(?:#{_URI_PART}*)?$"
)
TargetUrl = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2048, pattern=TARGET_URL_PATTERN),
    AfterValidator(_well_formed_url),
    Field(json_schema_extra={"format": "uri"}),
]


EventTypePatterns = Annotated[list[EventTypePattern], Field(min_length=1, max_length=20)]
Description = Annotated[str, StringConstraints(max_length=256)]


class SubscriptionIn(Model):
    model_config = ConfigDict(extra="forbid")

    target_url: TargetUrl
    event_types: EventTypePatterns
    description: Description | None = None


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"  # by PATCH, or because the subscriber answered 410 Gone: events are held back


class SubscriptionPatch(Model):
    """Only the fields sent change; `description: null` clears it. Re-enabling after a 410 is allowed."""

    model_config = ConfigDict(extra="forbid")

    target_url: TargetUrl | None = None
    event_types: EventTypePatterns | None = None
    description: Description | None = None
    status: SubscriptionStatus | None = None


class SecretRotated(Model):
    secret: str = Field(description="The new whsec_ signing secret. Shown once; store it now.")
    previous_secret_expires_at: str = Field(
        description="Until then every delivery carries both signatures (`v1,<new> v1,<old>`)"
    )


class SendTestOutcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class SendTestResult(Model):
    outcome: SendTestOutcome
    status_code: int | None
    latency_ms: int
    response_excerpt: str = Field(description="The start of the subscriber's answer (at most 1 KiB)")
    error: str | None = None


class SubscriptionAttempt(Model):
    attempt_id: str
    event_id: str
    event_type: str
    webhook_id: str
    attempt: int
    at: str
    outcome: AttemptOutcome
    will_retry: bool = Field(description="A failed attempt with another one scheduled")
    status_code: int | None = None
    latency_ms: int
    error: str | None = None


class AttemptPage(Model):
    attempts: list[SubscriptionAttempt]
    pagination: Pagination


class AttemptsQuery(Model):
    model_config = ConfigDict(extra="forbid")

    outcome: AttemptOutcome | None = None
    since: Timestamp | None = None
    until: Timestamp | None = None
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, min_length=1, max_length=1024)


class RecoverIn(Model):
    model_config = ConfigDict(extra="forbid")

    since: Timestamp
    until: Timestamp | None = None


class Recovery(Model):
    queued: int = Field(description="Events queued for delivery again")
    resume_since: str | None = Field(
        description="Set when the window held more than one call recovers: call again with it as `since`"
    )


class Subscription(Model):
    """A subscription as the API shows it: never with its signing secret."""

    subscription_id: str
    tenant_id: str
    target_url: str
    event_types: list[str]
    description: str | None = None
    status: SubscriptionStatus
    created_at: str
    updated_at: str | None = None
    disabled_at: str | None = None
    disabled_reason: str | None = None
    previous_secret_expires_at: str | None = Field(
        default=None, description="While set, deliveries are signed with the new and the previous secret"
    )

    def matches(self, event_type: str) -> bool:
        """Whether the subscription asks for this event type (whatever its status)."""
        return any(pattern_matches(pattern, event_type) for pattern in self.event_types)


class SubscriptionCreated(Subscription):
    secret: str = Field(description="The whsec_ signing secret. Shown once; store it now.")


class SubscriptionList(Model):
    subscriptions: list[Subscription]


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


class AuditEntry(Model):
    entry_id: str
    at: str
    action: AuditAction
    target: str = Field(description='The key, subscription or event acted on ("<n> items" for several)')
    targets: list[str] = Field(description="Every target (up to 100), one or several")
    actor_key_id: str = Field(description="The key that acted (or the operator tool outside the API)")
    request_id: str | None = None
    source_ip: str | None = None


class AuditPage(Model):
    entries: list[AuditEntry]
    pagination: Pagination


class AuditQuery(Model):
    model_config = ConfigDict(extra="forbid")

    action: AuditAction | None = None
    since: Timestamp | None = None
    until: Timestamp | None = None
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, min_length=1, max_length=1024)


class Granularity(StrEnum):
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"


class StatsQuery(Model):
    model_config = ConfigDict(extra="forbid")

    granularity: Granularity = Granularity.HOUR
    since: Timestamp | None = Field(default=None, description="Default: one window before `until`")
    until: Timestamp | None = Field(default=None, description="Default, and at the latest: now")


class LatencyPercentiles(Model):
    """From a fixed histogram: each is the upper bound of the bucket the percentile falls in."""

    p50: int | None
    p95: int | None


class StatsBucket(Model):
    start: str
    ingested: int
    delivered: int
    failed: int
    acknowledged: int
    attempts: int
    latency_ms: LatencyPercentiles = Field(description="From ingestion to a subscriber's 2xx")


class Stats(Model):
    granularity: Granularity
    since: str = Field(description="The window served: at most 48 h of minutes, 90 days of hours, 400 of days")
    until: str
    buckets: list[StatsBucket] = Field(description="Every bucket of the window, oldest first; empty ones as zeros")


class Health(Model):
    status: str
    version: str
