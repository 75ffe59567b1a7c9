"""GET /v1/stats: counters kept by the stream consumer with one aggregated write per (tenant, bucket)
per stream batch, read back per minute, hour or day with empty buckets as zeros."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from botocore.client import BaseClient
from triggers.models import iso_utc

from local.http_api import HttpApiEmulator
from local.pollers import DeliveryPipeline
from tests.integration.conftest import ApiClient, event_body
from tests.integration.delivery_harness import Receiver, running_receiver, status_of, subscribe


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver(Receiver()) as running:
        yield running


@pytest.fixture
def pipeline(gateway: HttpApiEmulator) -> DeliveryPipeline:
    return DeliveryPipeline.in_process(gateway._functions)


COUNTERS = ("ingested", "delivered", "failed", "acknowledged", "attempts")


def stats(api: ApiClient, **params: Any) -> dict[str, Any]:
    query = urlencode(
        {name: value.isoformat() if isinstance(value, datetime) else value for name, value in params.items()}
    )
    response = api.get("/v1/stats", query=query)
    assert response.status == 200, response.body
    body: dict[str, Any] = response.json()
    return body


def totals(api: ApiClient, granularity: str, since: datetime) -> dict[str, Any]:
    buckets = stats(api, granularity=granularity, since=since)["buckets"]
    summed: dict[str, Any] = {name: sum(bucket[name] for bucket in buckets) for name in COUNTERS}
    summed["p50"] = [bucket["latency_ms"]["p50"] for bucket in buckets if bucket["latency_ms"]["p50"] is not None]
    return summed


def test_stats_agree_with_what_was_ingested_delivered_and_acked(
    api: ApiClient,
    other_tenant: ApiClient,
    receiver: Receiver,
    pipeline: DeliveryPipeline,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stats_writes: list[str] = []
    real = BaseClient._make_api_call

    def recording(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if operation == "UpdateItem" and params.get("TableName") == os.environ["STATS_TABLE"]:
            stats_writes.append(params["Key"]["pk"]["S"])
        return real(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", recording)
    started = datetime.now(UTC) - timedelta(minutes=2)
    subscribe(api, receiver.url)
    body = {"events": [event_body(payload={"n": n}) for n in range(6)]}
    ids = [result["event_id"] for result in api.post("/v1/events/batch", body).json()["results"]]
    api.post("/v1/events", event_body(event_type="user.created"))  # no subscription matches: pending
    pipeline.run_until(lambda: all(status_of(api, event_id) == "delivered" for event_id in ids))
    api.post("/v1/inbox/ack", {"event_ids": ids[:2]})
    pipeline.drain()

    for granularity in ("minute", "hour", "day"):
        seen = totals(api, granularity, started)
        assert {name: seen[name] for name in COUNTERS} == {
            "ingested": 7,
            "delivered": 6,
            "failed": 0,
            "acknowledged": 2,
            "attempts": 6,
        }, granularity
        assert seen["p50"], granularity  # delivery latency was recorded
    assert totals(other_tenant, "minute", started)["ingested"] == 0
    # Never a write per event: at most one per tenant and stored bucket (minute, hour) per stream batch.
    assert len(stats_writes) <= 2 * pipeline_batches(stats_writes)


def pipeline_batches(writes: list[str]) -> int:
    """Stream batches that wrote stats: each writes its minute and hour buckets once per tenant."""
    return max(1, sum(1 for key in writes if key.endswith("#minute")))


def test_empty_buckets_are_zeros_and_windows_are_bounded(api: ApiClient) -> None:
    until = datetime(2025, 11, 30, 12, 0, tzinfo=UTC)  # in the past: a window never reaches past now
    five_minutes = stats(api, granularity="minute", since=until - timedelta(minutes=5), until=until)["buckets"]
    assert len(five_minutes) == 6
    empty = {"ingested": 0, "latency_ms": {"p50": None, "p95": None}}
    assert all(empty.items() <= bucket.items() for bucket in five_minutes)
    week = stats(api, granularity="minute", since=until - timedelta(days=7), until=until)
    assert len(week["buckets"]) == 48 * 60 + 1  # minutes are served for 48 hours at most
    assert week["since"] == "2025-11-28T12:00:00.000Z"
    default = stats(api)
    assert (default["granularity"], len(default["buckets"])) == ("hour", 25)


@pytest.mark.parametrize("granularity", ["minute", "hour", "day"])
@pytest.mark.parametrize(
    ("since", "until"),
    [
        ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"),
        (None, "9999-12-31T23:59:59.999Z"),
        ("0001-01-01T00:00:00+23:59", "0001-01-02T00:00:00Z"),
        (None, "0001-01-01T00:00:00Z"),
        ("9999-12-31T23:59:59-23:59", None),
    ],
    ids=["whole-calendar", "until-the-end", "first-days", "until-the-start", "since-past-the-end"],
)
def test_windows_at_the_calendars_ends_are_answered_and_bounded(
    api: ApiClient, granularity: str, since: str | None, until: str | None
) -> None:
    query = "&".join(f"{name}={quote(value)}" for name, value in (("since", since), ("until", until)) if value)
    response = api.get("/v1/stats", query=f"granularity={granularity}&{query}")
    assert response.status == 200, response.body
    answered = response.json()
    assert answered["until"] <= iso_utc(datetime.now(UTC))  # nothing is counted in the future
    assert len(answered["buckets"]) <= {"minute": 48 * 60 + 1, "hour": 90 * 24 + 1, "day": 401}[granularity]


@pytest.mark.parametrize("query", ["granularity=second", "since=yesterday", "until=0", "limit=5"])
def test_bad_stats_queries_are_400(api: ApiClient, query: str) -> None:
    assert api.get("/v1/stats", query=query).status == 400
