"""The numbers a tenant sees in ``GET /v1/stats``: what each stream record of the events table adds to
them, and the window a query is answered for.

* an event item inserted: ``ingested``;
* an event item whose status changed to delivered, failed or acknowledged: that counter;
* a delivery-attempt item inserted (not a skipped one): ``attempts``, and for a 2xx the latency from
  ingestion (the event id's own timestamp) to that attempt.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from triggers.errors import StorageUnavailable
from triggers.ids import moment_of
from triggers.metric_names import MetricName
from triggers.models import DeliveryOutcome, EventStatus, Granularity, Stats, StatsQuery, iso_utc
from triggers.observability import logger, metrics
from triggers.settings import DispatcherSettings, InboxSettings
from triggers.storage.dynamo import dynamodb_client
from triggers.storage.events import is_event_item
from triggers.storage.stats import MAX_WINDOW, Counts, Observation, StatsReader, StatsRecorder, latency_bucket

_COUNTED_STATUSES = {
    EventStatus.DELIVERED.value: "delivered",
    EventStatus.FAILED.value: "failed",
    EventStatus.ACKNOWLEDGED.value: "acknowledged",
}
# The window a query gets when it names no `since`.
_DEFAULT_WINDOW = {Granularity.MINUTE: timedelta(hours=1), Granularity.HOUR: timedelta(hours=24)}


def observe(
    event_name: str, new_image: dict[str, Any] | None, old_image: dict[str, Any] | None, at: datetime
) -> Observation | None:
    """What a stream record (images in plain form) adds to its tenant's counters, if anything."""
    if event_name not in {"INSERT", "MODIFY"} or not new_image:
        return None
    counts = Counts()
    sort_key = str(new_image["sk"])
    if not is_event_item(sort_key):
        outcome = new_image.get("outcome")
        if event_name != "INSERT" or outcome == DeliveryOutcome.SKIPPED.value:
            return None
        counts.attempts = 1
        if outcome == DeliveryOutcome.DELIVERED.value:
            delivered_at = datetime.fromisoformat(str(new_image["at"]))
            latency_ms = (delivered_at - moment_of(sort_key.split("#", 1)[0])).total_seconds() * 1000
            counts.latency[latency_bucket(max(latency_ms, 0))] = 1
        tenant = str(new_image["pk"]).rsplit("#", 1)[0]
        return Observation(tenant, at, counts)
    if event_name == "INSERT":
        counts.ingested = 1
    else:
        status = new_image.get("status")
        if status == (old_image or {}).get("status") or status not in _COUNTED_STATUSES:
            return None
        setattr(counts, _COUNTED_STATUSES[str(status)], 1)
    return Observation(str(new_image["tenant_id"]), at, counts)


class StreamCounter:
    """Counts a stream batch into its tenants' stats: one aggregated write per (tenant, bucket)."""

    def __init__(self, recorder: StatsRecorder) -> None:
        self._recorder = recorder

    @classmethod
    def from_settings(cls, settings: DispatcherSettings) -> StreamCounter:
        return cls(StatsRecorder(dynamodb_client(), settings.stats_table))

    def count_batch(self, records: Iterable[DynamoDBRecord], response: PartialItemFailureResponse) -> None:
        """Records from the first failed one on come back in a retried batch, so they are counted then,
        not twice. Stats are best effort: they never fail the batch."""
        failed = {failure["itemIdentifier"] for failure in response.get("batchItemFailures", [])}
        for record in records:
            stream = record.dynamodb
            if stream is None or stream.sequence_number in failed:
                break
            created = stream.approximate_creation_date_time
            if record.event_name is None or created is None:
                continue
            at = datetime.fromtimestamp(created, UTC)
            observed = observe(record.event_name.name, stream.new_image, stream.old_image, at)
            if observed is not None:
                self._recorder.add(observed)
        try:
            self._recorder.flush()
        except StorageUnavailable:
            logger.warning("Stats not counted for this batch")
            metrics.add_metric(name=MetricName.STATS_WRITE_FAILURES, unit="Count", value=1)


class TenantStats:
    def __init__(self, reader: StatsReader) -> None:
        self._reader = reader

    @classmethod
    def from_settings(cls, settings: InboxSettings) -> TenantStats:
        return cls(StatsReader(dynamodb_client(), settings.stats_table))

    def report(self, tenant_id: str, query: StatsQuery) -> Stats:
        """The buckets of the window asked for, narrowed to the most its granularity serves."""
        now = datetime.now(UTC)
        until = min(query.until or now, now)  # no bucket lies in the future (nor past the calendar's end)
        default = _back(until, _DEFAULT_WINDOW.get(query.granularity, timedelta(days=30)))
        since = max(query.since or default, _back(until, MAX_WINDOW[query.granularity]))
        buckets = self._reader.buckets(tenant_id, query.granularity, since, until) if since <= until else []
        return Stats(granularity=query.granularity, since=iso_utc(since), until=iso_utc(until), buckets=buckets)


def _back(moment: datetime, span: timedelta) -> datetime:
    """``moment - span``, or the calendar's first instant when that would fall before it."""
    first = datetime.min.replace(tzinfo=UTC)
    return moment - span if moment - first > span else first
