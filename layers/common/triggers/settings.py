"""Per-function environment models, validated once at cold start so a misconfigured function fails loudly."""

from __future__ import annotations

import os
from functools import cache
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from triggers.delivery.schedule import DEFAULT_RETRY_DELAYS_SECONDS, MAX_DELAY_SECONDS
from triggers.tables import TableName

DEFAULT_MAX_KEYS_PER_TENANT = 100
# Each subscription multiplies a tenant's events into jobs on the dispatcher that all tenants share.
DEFAULT_MAX_SUBSCRIPTIONS_PER_TENANT = 100


class FunctionSettings(BaseModel):
    """Fields map to upper-case environment variables (``events_table`` ← ``EVENTS_TABLE``)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class ShardedEventsSettings(FunctionSettings):
    events_table: str
    # Fixed for the lifetime of a table: an event's shard is derived from its id and this count.
    shard_count: int = Field(default=4, ge=1, le=64)


class AuthorizerSettings(FunctionSettings):
    api_keys_table: str
    # How long a warm container trusts a key decision; also bounds how late a revocation takes effect.
    auth_cache_ttl_seconds: int = Field(default=60, ge=0, le=3600)


class IngestSettings(ShardedEventsSettings):
    rate_limits_table: str
    idempotency_table: str
    event_ttl_days: int = Field(default=30, ge=1, le=365)
    # Events per second for keys created without a limit of their own.
    default_rate_limit_per_second: int = Field(default=1000, ge=1)
    # Each container leases this share of a key's per-second budget per DynamoDB write.
    rate_limit_lease_fraction: float = Field(default=0.1, gt=0, le=1)
    # Events per key per second a container admits before it leases (no DynamoDB write for quiet keys).
    rate_limit_local_allowance: int = Field(default=5, ge=0)


class InboxSettings(ShardedEventsSettings):
    cursor_secret_name: str
    stats_table: str


class AckSettings(ShardedEventsSettings):
    audit_table: str


class KeysSettings(FunctionSettings):
    api_keys_table: str
    audit_table: str
    cursor_secret_name: str  # signs the audit log's page cursors
    bcrypt_rounds: int = Field(default=10, ge=4, le=15)
    # The ingest function's default: a key without its own limit may grant at most this.
    default_rate_limit_per_second: int = Field(default=1000, ge=1)
    max_keys_per_tenant: int = Field(default=DEFAULT_MAX_KEYS_PER_TENANT, ge=1, le=10_000)


class OutboundWebhookSettings(FunctionSettings):
    """How a function calls subscribers: the worker delivering, the subscriptions function testing."""

    # One deadline per attempt: DNS, connect, TLS, sending and the answer together.
    delivery_deadline_seconds: float = Field(default=10.0, gt=0, le=60)
    # The most of a response body read (the rest is never fetched).
    response_body_limit_bytes: int = Field(default=64 * 1024, ge=0, le=1024 * 1024)
    # Only the local stack sets these: deployed targets must be public https endpoints.
    allow_http_targets: bool = False
    allow_loopback_targets: bool = False


class SubscriptionsSettings(ShardedEventsSettings, OutboundWebhookSettings):
    subscriptions_table: str
    max_subscriptions_per_tenant: int = Field(default=DEFAULT_MAX_SUBSCRIPTIONS_PER_TENANT, ge=1, le=1_000)
    # A test send holds the function up to the delivery deadline: a tenant may start this many a second.
    rate_limits_table: str
    test_sends_per_second: int = Field(default=5, ge=1, le=100)
    audit_table: str
    cursor_secret_name: str  # signs the attempts listing's page cursors
    delivery_queue_url: str  # a recovery queues its deliveries there


class DispatcherSettings(ShardedEventsSettings):
    subscriptions_table: str
    delivery_queue_url: str
    stats_table: str


class WorkerSettings(ShardedEventsSettings, OutboundWebhookSettings):
    subscriptions_table: str
    delivery_queue_url: str
    dead_letter_queue_url: str
    event_ttl_days: int = Field(default=30, ge=1, le=365)
    # Seconds to wait after each failed attempt, comma-separated; one more attempt than entries.
    retry_delays_seconds: str = ",".join(str(delay) for delay in DEFAULT_RETRY_DELAYS_SECONDS)
    # Jobs of one batch delivered at once, so a slow subscriber does not hold up the others.
    delivery_concurrency: int = Field(default=10, ge=1, le=100)
    # What a job needs besides its POST (DynamoDB and SQS calls): it starts only with deadline + this left.
    job_reserve_seconds: float = Field(default=5.0, ge=0, le=60)
    # The delivery queue's message retention: a job waiting longer is sent anew before SQS would drop it.
    delivery_queue_retention_seconds: int = Field(default=4 * 24 * 3600, ge=3600, le=14 * 24 * 3600)

    @field_validator("retry_delays_seconds")
    @classmethod
    def _delays(cls, value: str) -> str:
        delays = [part.strip() for part in value.split(",")]
        if not delays or not all(part.isdigit() and 0 < int(part) <= MAX_DELAY_SECONDS for part in delays):
            raise ValueError(f"must be comma-separated whole seconds between 1 and {MAX_DELAY_SECONDS}")
        return value

    @property
    def retry_delays(self) -> tuple[int, ...]:
        return tuple(int(part) for part in self.retry_delays_seconds.split(","))


S = TypeVar("S", bound=FunctionSettings)


@cache
def load_settings(model: type[S]) -> S:
    return model.model_validate({name.lower(): value for name, value in os.environ.items()})


def table_env_var(table: TableName) -> str:
    """The environment variable that carries a table's physical name, e.g. ``EVENTS_TABLE``."""
    return f"{table.value.replace('-', '_').upper()}_TABLE"
