"""Key schemas of every DynamoDB table, read by both the CDK data stack and the local stack.

Only attributes that take part in a key are declared here; DynamoDB is schemaless otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TableName(StrEnum):
    """Logical table names; deployed names are ``<prefix>-<logical>``."""

    EVENTS = "events"
    API_KEYS = "api-keys"
    SUBSCRIPTIONS = "subscriptions"
    RATE_LIMITS = "rate-limits"
    AUDIT = "audit"
    IDEMPOTENCY = "idempotency"
    STATS = "stats"


@dataclass(frozen=True)
class Index:
    name: str
    partition_key: str
    sort_key: str


@dataclass(frozen=True)
class TableSpec:
    name: TableName
    partition_key: str
    sort_key: str | None = None
    indexes: tuple[Index, ...] = ()
    ttl_attribute: str | None = None
    # Streams feed the dispatcher: the events table is the outbox, so no dual write is needed.
    stream: bool = False
    purpose: str = ""

    def key_attributes(self) -> list[str]:
        names = [self.partition_key, *([self.sort_key] if self.sort_key else [])]
        for index in self.indexes:
            names += [index.partition_key, index.sort_key]
        return list(dict.fromkeys(names))


INBOX_INDEX = Index(name="inbox", partition_key="inbox_pk", sort_key="inbox_sk")
# Each subscription's delivery attempts, newest first: "<tenant>#<subscription>#<shard>" and the attempt id.
ATTEMPTS_INDEX = Index(name="attempts-by-subscription", partition_key="sub_pk", sort_key="sub_sk")
KEYS_BY_TENANT_INDEX = Index(name="by-tenant", partition_key="tenant_id", sort_key="key_id")

EVENTS = TableSpec(
    name=TableName.EVENTS,
    partition_key="pk",  # "<tenant>#<shard>": spreads one tenant over N write shards
    sort_key="sk",  # the UUIDv7 event id, so time ranges are key ranges
    # Sparse both: only listable events carry inbox_pk; only delivery-attempt items carry sub_pk.
    indexes=(INBOX_INDEX, ATTEMPTS_INDEX),
    ttl_attribute="expires_at",
    stream=True,
    purpose="Every accepted event, its status and delivery summary",
)
API_KEYS = TableSpec(
    name=TableName.API_KEYS,
    partition_key="key_id",  # the key carries its id, so the authorizer needs one GetItem
    indexes=(KEYS_BY_TENANT_INDEX,),
    purpose="bcrypt hashes and metadata of API keys",
)
SUBSCRIPTIONS = TableSpec(
    name=TableName.SUBSCRIPTIONS,
    partition_key="tenant_id",
    sort_key="subscription_id",
    purpose="Webhook subscriptions per tenant",
)
RATE_LIMITS = TableSpec(
    name=TableName.RATE_LIMITS,
    partition_key="pk",  # "<key id>#<window start, epoch seconds>"
    ttl_attribute="expires_at",
    purpose="Per-key, per-second token counters",
)
AUDIT = TableSpec(
    name=TableName.AUDIT,
    partition_key="tenant_id",
    sort_key="entry_id",  # UUIDv7: the log reads in time order
    purpose="Append-only audit log of key, subscription and event lifecycle",
)
IDEMPOTENCY = TableSpec(
    name=TableName.IDEMPOTENCY,
    partition_key="id",  # Powertools idempotency persistence schema
    ttl_attribute="expiration",
    purpose="Powertools idempotency records (24 h)",
)

STATS = TableSpec(
    name=TableName.STATS,
    partition_key="pk",  # "<tenant>#<minute|hour>"
    sort_key="start",  # the bucket's start, ISO 8601 UTC: time ranges are key ranges
    ttl_attribute="expires_at",
    purpose="Per-tenant counters per minute and per hour, kept by the stream consumer",
)

ALL_TABLES: tuple[TableSpec, ...] = (EVENTS, API_KEYS, SUBSCRIPTIONS, RATE_LIMITS, AUDIT, IDEMPOTENCY, STATS)


def physical_name(prefix: str, table: TableName) -> str:
    return f"{prefix}-{table.value}"
