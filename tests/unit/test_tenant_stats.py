"""What each stream record adds to a tenant's stats, and the latency percentiles read back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from triggers.ids import moment_of, new_id
from triggers.models import Granularity
from triggers.storage.stats import LATENCY_BOUNDS_MS, Counts, bucket_start, latency_bucket
from triggers.tenant_stats import observe

AT = datetime(2026, 11, 30, 12, 34, 56, tzinfo=UTC)


def event(**fields: object) -> dict[str, object]:
    return {"pk": "acme#1", "sk": new_id(), "tenant_id": "acme", "status": "pending"} | fields


@pytest.mark.parametrize(
    ("name", "new", "old", "counted"),
    [
        ("INSERT", event(), None, {"ingested": 1}),
        ("MODIFY", event(status="delivered"), event(status="pending"), {"delivered": 1}),
        ("MODIFY", event(status="failed"), event(status="pending"), {"failed": 1}),
        ("MODIFY", event(status="acknowledged"), event(status="delivered"), {"acknowledged": 1}),
        ("MODIFY", event(status="pending"), event(status="failed"), None),  # a replay
        ("MODIFY", event(status="delivered"), event(status="delivered"), None),  # bookkeeping only
        ("REMOVE", None, event(), None),  # an erased event
    ],
)
def test_event_records(
    name: str, new: dict[str, object] | None, old: dict[str, object] | None, counted: dict[str, int] | None
) -> None:
    observed = observe(name, new, old, AT)
    if counted is None:
        assert observed is None
        return
    assert observed is not None
    assert (observed.tenant_id, observed.at) == ("acme", AT)
    assert {name: value for name, value in vars(observed.counts).items() if name != "latency" and value} == counted


def test_a_successful_attempt_counts_with_its_latency_from_ingestion() -> None:
    event_id = new_id()
    delivered_at = moment_of(event_id) + timedelta(milliseconds=700)
    attempt = {
        "pk": "acme#2",
        "sk": f"{event_id}#attempt#{new_id()}",
        "outcome": "delivered",
        "at": delivered_at.isoformat(),
    }
    observed = observe("INSERT", attempt, None, AT)
    assert observed is not None
    assert (observed.tenant_id, observed.counts.attempts) == ("acme", 1)
    assert observed.counts.latency[latency_bucket(700)] == 1
    skipped = attempt | {"outcome": "skipped"}
    assert observe("INSERT", skipped, None, AT) is None  # nothing was sent


def test_percentiles_are_bucket_bounds() -> None:
    counts = Counts()
    for latency in [50] * 50 + [800] * 45 + [7_000] * 5:
        counts.latency[latency_bucket(latency)] += 1
    assert counts.percentiles().model_dump() == {"p50": 100, "p95": 1_000}
    assert Counts().percentiles().model_dump() == {"p50": None, "p95": None}
    slowest = Counts()
    slowest.latency[-1] = 1
    assert slowest.percentiles().p95 == LATENCY_BOUNDS_MS[-1]


def test_bucket_starts() -> None:
    assert bucket_start(AT, Granularity.MINUTE) == datetime(2026, 11, 30, 12, 34, tzinfo=UTC)
    assert bucket_start(AT, Granularity.HOUR) == datetime(2026, 11, 30, 12, tzinfo=UTC)
    assert bucket_start(AT, Granularity.DAY) == datetime(2026, 11, 30, tzinfo=UTC)
