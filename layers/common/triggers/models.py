"""Domain and API models (pydantic v2). Request models forbid unknown fields."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StringConstraints, field_validator, model_validator

from triggers.auth.apikeys import Scope

MAX_PAYLOAD_BYTES = 256 * 1024
MAX_METADATA_BYTES = 8 * 1024
MAX_BATCH_SIZE = 100
EVENT_TYPE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"

EventType = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=EVENT_TYPE_PATTERN)]
Source = Annotated[str, StringConstraints(min_length=1, max_length=128)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=64)]
IdempotencyKey = Annotated[str, StringConstraints(min_length=1, max_length=255)]


class EventStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    ACKNOWLEDGED = "acknowledged"
    FAILED = "failed"


# Statuses the inbox can list; an acknowledged event has left the inbox for good.
LISTABLE_STATUSES = frozenset({EventStatus.PENDING, EventStatus.DELIVERED, EventStatus.FAILED})


def compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class EventIn(BaseModel):
    """One event as a client sends it."""

    model_config = ConfigDict(extra="forbid")

    event_type: EventType
    payload: dict[str, Any]
    source: Source | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=20)
    metadata: dict[str, Any] = Field(default_factory=dict)

    # Serialized once here, reused for the size check, the stored item and the idempotency hash.
    _payload_json: str = PrivateAttr(default="")
    _metadata_json: str = PrivateAttr(default="")

    @model_validator(mode="after")
    def _check_sizes(self) -> EventIn:
        self._payload_json = compact_json(self.payload)
        if len(self._payload_json.encode()) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"payload exceeds {MAX_PAYLOAD_BYTES} bytes when serialized")
        self._metadata_json = compact_json(self.metadata)
        if len(self._metadata_json.encode()) > MAX_METADATA_BYTES:
            raise ValueError(f"metadata exceeds {MAX_METADATA_BYTES} bytes when serialized")
        return self

    @property
    def payload_json(self) -> str:
        return self._payload_json

    @property
    def metadata_json(self) -> str:
        return self._metadata_json


class BatchItemIn(EventIn):
    idempotency_key: IdempotencyKey | None = None


class BatchIn(BaseModel):
    """The batch envelope; each item is validated on its own so one bad item does not sink the rest."""

    model_config = ConfigDict(extra="forbid")

    events: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_BATCH_SIZE)


class BatchResult(BaseModel):
    results: list[dict[str, Any]] = Field(
        description='In input order: {"index", "event_id", ...} when stored, {"index", "error"} when not'
    )
    accepted: int
    rejected: int


class EventSummary(BaseModel):
    event_id: str
    event_type: str
    status: EventStatus
    received_at: str


class DeliveryOutcome(StrEnum):
    DELIVERED = "delivered"
    RETRYING = "retrying"  # failed; another attempt is scheduled
    FAILED = "failed"  # failed for good: the last attempt, or the subscriber answered 410 Gone


class DeliveryAttempt(BaseModel):
    subscription_id: str
    webhook_id: str
    attempt: int
    at: str
    outcome: DeliveryOutcome
    status_code: int | None = None
    latency_ms: int
    error: str | None = None


class DeliverySummary(BaseModel):
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
    acknowledged_at: str | None = None
    delivery: DeliverySummary = Field(default_factory=DeliverySummary)
    # How many times the event was replayed; internal: it keys delivery jobs, clients never see it.
    generation: int = Field(default=0, exclude=True)


class Pagination(BaseModel):
    limit: int
    next_cursor: str | None
    has_more: bool


class InboxPage(BaseModel):
    events: list[Event]
    pagination: Pagination


class InboxQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: EventStatus = EventStatus.PENDING
    event_type: EventType | None = None
    source: Source | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=1024)

    @field_validator("status")
    @classmethod
    def _listable(cls, status: EventStatus) -> EventStatus:
        if status not in LISTABLE_STATUSES:
            raise ValueError("acknowledged events have left the inbox; fetch them by id")
        return status

    @field_validator("since", "until")
    @classmethod
    def _aware(cls, moment: datetime | None) -> datetime | None:
        # A timestamp without an offset is read as UTC rather than as the server's local time.
        return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment

    @model_validator(mode="after")
    def _ordered(self) -> InboxQuery:
        if self.since and self.until and self.since > self.until:
            raise ValueError("since must not be after until")
        return self


class AckResult(BaseModel):
    event_id: str
    status: EventStatus
    acknowledged_at: str


class BulkAckResult(BaseModel):
    results: list[dict[str, Any]] = Field(description='In input order: an AckResult, or {"event_id", "error"}')


class BulkAckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_ids: list[str] = Field(min_length=1, max_length=MAX_BATCH_SIZE)


class KeyCreateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    scopes: list[Scope] = Field(min_length=1)
    expires_at: datetime | None = None
    rate_limit_per_second: int | None = Field(default=None, ge=1, le=100_000)

    @field_validator("expires_at")
    @classmethod
    def _in_future(cls, moment: datetime | None) -> datetime | None:
        if moment is None:
            return None
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
        if moment <= datetime.now(UTC):
            raise ValueError("expires_at must be in the future")
        return moment


class ApiKey(BaseModel):
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


class ApiKeyList(BaseModel):
    keys: list[ApiKey]


class ApiKeyCreated(ApiKey):
    key: str = Field(description="The plaintext key. Shown once; store it now.")


EventTypePattern = Annotated[
    str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9*][A-Za-z0-9._:*-]*$")
]


def pattern_matches(pattern: str, event_type: str) -> bool:
    """``*`` matches any run of characters: ``order.*`` matches ``order.created``, ``*`` matches all."""
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), event_type) is not None


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target_url: Annotated[str, StringConstraints(min_length=1, max_length=2048)]
    event_types: list[EventTypePattern] = Field(min_length=1, max_length=20)
    description: Annotated[str, StringConstraints(max_length=256)] | None = None


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"  # the subscriber answered 410 Gone


class Subscription(BaseModel):
    """A subscription as the API shows it: never with its signing secret."""

    subscription_id: str
    tenant_id: str
    target_url: str
    event_types: list[str]
    description: str | None = None
    status: SubscriptionStatus
    created_at: str
    disabled_at: str | None = None

    def wants(self, event_type: str) -> bool:
        return self.status is SubscriptionStatus.ACTIVE and any(
            pattern_matches(pattern, event_type) for pattern in self.event_types
        )


class SubscriptionCreated(Subscription):
    secret: str = Field(description="The whsec_ signing secret. Shown once; store it now.")


class SubscriptionList(BaseModel):
    subscriptions: list[Subscription]


class Health(BaseModel):
    status: str
    version: str


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] = Field(default_factory=list)
    request_id: str | None = None


class ErrorEnvelope(BaseModel):
    error: ErrorBody
