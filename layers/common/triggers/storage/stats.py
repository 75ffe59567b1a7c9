"""Per-tenant counters for ``GET /v1/stats``: events ingested, delivered, failed and acknowledged,
delivery attempts, and delivery latency as a small fixed histogram (so percentiles can be read back).

The stream consumer counts a whole batch in memory and writes one ``ADD`` per (tenant, bucket) when
the batch is done: never a write per event. Minute and hour buckets are stored; a day is read as its
24 hours, so each batch costs two writes per tenant it touched. Reading is a Query over a key range,
never a scan, and empty buckets are filled in as zeros.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from triggers.models import Granularity, LatencyPercentiles, StatsBucket, iso_utc
from triggers.storage.dynamo import storage_errors

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

COUNTERS = ("ingested", "delivered", "failed", "acknowledged", "attempts")
# Upper bounds (ms) of the latency histogram's buckets; one more bucket holds everything slower.
LATENCY_BOUNDS_MS = (100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000)
_STORED = (Granularity.MINUTE, Granularity.HOUR)
_LENGTH = {
    Granularity.MINUTE: timedelta(minutes=1),
    Granularity.HOUR: timedelta(hours=1),
    Granularity.DAY: timedelta(days=1),
}
# How long each stored bucket lives: minutes for the 48 h they can be read, hours for 400 days of days.
_RETENTION = {Granularity.MINUTE: timedelta(days=3), Granularity.HOUR: timedelta(days=400)}
MAX_WINDOW = {
    Granularity.MINUTE: timedelta(hours=48),
    Granularity.HOUR: timedelta(days=90),
    Granularity.DAY: timedelta(days=400),
}


def bucket_start(moment: datetime, granularity: Granularity) -> datetime:
    moment = moment.astimezone(UTC)
    if granularity is Granularity.MINUTE:
        return moment.replace(second=0, microsecond=0)
    if granularity is Granularity.HOUR:
        return moment.replace(minute=0, second=0, microsecond=0)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def latency_bucket(latency_ms: float) -> int:
    return bisect.bisect_left(LATENCY_BOUNDS_MS, latency_ms)


@dataclass
class Counts:
    ingested: int = 0
    delivered: int = 0
    failed: int = 0
    acknowledged: int = 0
    attempts: int = 0
    latency: list[int] = field(default_factory=lambda: [0] * (len(LATENCY_BOUNDS_MS) + 1))

    def add(self, other: Counts) -> None:
        for name in COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.latency = [mine + theirs for mine, theirs in zip(self.latency, other.latency, strict=True)]

    def percentiles(self) -> LatencyPercentiles:
        return LatencyPercentiles(p50=self._percentile(0.50), p95=self._percentile(0.95))

    def _percentile(self, fraction: float) -> int | None:
        total = sum(self.latency)
        if not total:
            return None
        seen = 0
        for index, count in enumerate(self.latency):
            seen += count
            if seen >= fraction * total:
                return LATENCY_BOUNDS_MS[min(index, len(LATENCY_BOUNDS_MS) - 1)]
        return LATENCY_BOUNDS_MS[-1]


@dataclass(frozen=True)
class Observation:
    """What one stream record adds to a tenant's counters, and when it happened."""

    tenant_id: str
    at: datetime
    counts: Counts


class StatsRecorder:
    """Sums a stream batch's observations; ``flush`` writes one update per (tenant, stored bucket)."""

    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table
        self._pending: dict[tuple[str, Granularity, datetime], Counts] = defaultdict(Counts)

    def add(self, observation: Observation) -> None:
        for granularity in _STORED:
            key = (observation.tenant_id, granularity, bucket_start(observation.at, granularity))
            self._pending[key].add(observation.counts)

    def flush(self) -> int:
        """Writes what was added since the last flush; returns how many writes it made."""
        pending, self._pending = self._pending, defaultdict(Counts)
        for (tenant_id, granularity, start), counts in pending.items():
            added = {name: getattr(counts, name) for name in COUNTERS if getattr(counts, name)}
            added |= {f"l{index}": count for index, count in enumerate(counts.latency) if count}
            if not added:
                continue
            expires = int((start + _RETENTION[granularity]).timestamp())
            with storage_errors():
                self._client.update_item(
                    TableName=self._table,
                    Key={"pk": {"S": f"{tenant_id}#{granularity.value}"}, "start": {"S": iso_utc(start)}},
                    UpdateExpression="ADD "
                    + ", ".join(f"{name} :{name}" for name in added)
                    + " SET expires_at = if_not_exists(expires_at, :expires)",
                    ExpressionAttributeValues={f":{name}": {"N": str(value)} for name, value in added.items()}
                    | {":expires": {"N": str(expires)}},
                )
        return len(pending)


class StatsReader:
    def __init__(self, client: DynamoDBClient, table: str) -> None:
        self._client = client
        self._table = table

    def buckets(self, tenant_id: str, granularity: Granularity, since: datetime, until: datetime) -> list[StatsBucket]:
        """Every bucket from ``since`` to ``until`` (both included), oldest first."""
        stored = Granularity.HOUR if granularity is Granularity.DAY else granularity
        first, last = bucket_start(since, granularity), bucket_start(until, granularity)
        counts: dict[datetime, Counts] = defaultdict(Counts)
        paginator = self._client.get_paginator("query")
        with storage_errors():
            for page in paginator.paginate(
                TableName=self._table,
                KeyConditionExpression="pk = :pk AND #start BETWEEN :first AND :last",
                ExpressionAttributeNames={"#start": "start"},
                ExpressionAttributeValues={
                    ":pk": {"S": f"{tenant_id}#{stored.value}"},
                    ":first": {"S": iso_utc(first)},
                    ":last": {"S": iso_utc(last + _LENGTH[granularity] - timedelta(milliseconds=1))},
                },
            ):
                for item in page.get("Items", []):
                    start = datetime.fromisoformat(item["start"]["S"])
                    counts[bucket_start(start, granularity)].add(_counts_of(item))
        buckets = []
        start = first
        while start <= last:
            found = counts.get(start, Counts())
            buckets.append(
                StatsBucket(
                    start=iso_utc(start),
                    **{name: getattr(found, name) for name in COUNTERS},
                    latency_ms=found.percentiles(),
                )
            )
            start += _LENGTH[granularity]
        return buckets


def _counts_of(item: dict[str, Any]) -> Counts:
    def number(name: str) -> int:
        return int(item[name]["N"]) if name in item else 0

    return Counts(
        **{name: number(name) for name in COUNTERS},
        latency=[number(f"l{index}") for index in range(len(LATENCY_BOUNDS_MS) + 1)],
    )
