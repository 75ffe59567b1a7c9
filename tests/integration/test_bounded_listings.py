"""A filtered listing costs a bounded read per page, whatever the filter matches, and still lists every
match exactly once: a rare type among many events, a rare outcome among many attempts, a rare action in a
long audit log. Each shard reads at most MAX_READS_PER_SHARD times per page (made small here, with small
read steps, so a few hundred items exceed it); a page that stops there is short or empty and says has_more.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from triggers.ids import new_id
from triggers.models import AuditAction, DeliveryAttempt, DeliveryOutcome, iso_utc
from triggers.storage import listing
from triggers.storage.audit import AuditLog
from triggers.storage.deliveries import DeliveryLedger

from tests.integration.conftest import ApiClient, AwsCalls, event_body

READS_PER_SHARD = 2
SHARDS = int(os.environ["SHARD_COUNT"])
NOISE = 240


@pytest.fixture(autouse=True)
def small_read_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(listing, "MAX_READS_PER_SHARD", READS_PER_SHARD)
    monkeypatch.setattr(listing, "FILTERED_READ_ITEMS", 10)


def every_page(api: ApiClient, path: str, query: str, calls: AwsCalls) -> list[dict[str, Any]]:
    """All pages of a listing; checks each page's reads stay within the budget."""
    pages: list[dict[str, Any]] = []
    cursor = ""
    while True:
        calls.clear()
        response = api.get(path, query=query + cursor)
        assert response.status == 200, response.body
        queries = calls.operations.count("Query")
        assert queries <= SHARDS * READS_PER_SHARD, f"{queries} reads for one page of {path}?{query}"
        page = response.json()
        pages.append(page)
        assert len(pages) < 200, "paging does not progress"
        if not page["pagination"]["has_more"]:
            return pages
        cursor = "&cursor=" + page["pagination"]["next_cursor"]


def ingest(api: ApiClient, count: int, event_type: str) -> list[str]:
    ids: list[str] = []
    for start in range(0, count, 100):
        body = {"events": [event_body(event_type=event_type) for _ in range(min(100, count - start))]}
        ids += [result["event_id"] for result in api.post("/v1/events/batch", body).json()["results"]]
    return ids


@pytest.fixture
def rare_among_noise(api: ApiClient) -> list[str]:
    """Two rare events before a crowd of others and two after it."""
    first = ingest(api, 2, "rare.thing")
    ingest(api, NOISE, "noise.thing")
    return first + ingest(api, 2, "rare.thing")


@pytest.mark.parametrize(
    ("path", "query", "order"),
    [
        ("/v1/events", "event_type=rare.thing&limit=3", "desc"),
        ("/v1/events", "event_type=rare.thing&limit=3&order=asc", "asc"),
        ("/v1/events", "event_type=rare.thing&status=pending&source=nowhere&limit=3", "none"),
        ("/v1/inbox", "event_type=rare.thing&limit=3", "asc"),
    ],
    ids=["history-newest-first", "history-oldest-first", "history-no-match", "inbox"],
)
def test_a_rare_type_among_many_events_is_listed_in_bounded_pages(
    api: ApiClient, aws_calls: AwsCalls, rare_among_noise: list[str], path: str, query: str, order: str
) -> None:
    pages = every_page(api, path, query, aws_calls)
    listed = [event["event_id"] for page in pages for event in page["events"]]
    expected = {"asc": sorted(rare_among_noise), "desc": sorted(rare_among_noise, reverse=True), "none": []}[order]
    assert listed == expected  # every match, once, in order
    assert any(page["pagination"]["has_more"] and len(page["events"]) < 3 for page in pages), "budget never hit"


@pytest.fixture
def failed_among_delivered(api: ApiClient) -> tuple[str, list[str]]:
    """A subscription with two attempts that failed for good (two events) around many that succeeded."""
    created = api.post("/v1/subscriptions", {"target_url": "https://example.com/hook", "event_types": ["*"]})
    subscription_id = created.json()["subscription_id"]
    first, noise, last = ingest(api, 3, "order.created")
    ledger = DeliveryLedger(boto3.client("dynamodb"), os.environ["EVENTS_TABLE"], SHARDS)

    def attempt(event_id: str, outcome: DeliveryOutcome) -> None:
        ledger.record_attempt(
            "acme",
            event_id,
            "order.created",
            DeliveryAttempt(
                subscription_id=subscription_id,
                webhook_id=f"msg_{event_id}_{subscription_id}_0",
                attempt=1,
                at=iso_utc(datetime.now(UTC)),
                outcome=outcome,
                status_code=500 if outcome is DeliveryOutcome.FAILED else 200,
                latency_ms=5,
            ),
        )

    attempt(first, DeliveryOutcome.FAILED)
    for _ in range(NOISE):  # more than a recovery's first reads take in
        attempt(noise, DeliveryOutcome.DELIVERED)
    attempt(last, DeliveryOutcome.FAILED)
    return subscription_id, [first, last]


def test_a_rare_outcome_among_many_attempts_is_listed_in_bounded_pages(
    api: ApiClient, aws_calls: AwsCalls, failed_among_delivered: tuple[str, list[str]]
) -> None:
    subscription_id, _ = failed_among_delivered
    pages = every_page(api, f"/v1/subscriptions/{subscription_id}/attempts", "outcome=failed&limit=5", aws_calls)
    failed = [item for page in pages for item in page["attempts"]]
    assert [item["outcome"] for item in failed] == ["failed", "failed"]
    assert failed[0]["attempt_id"] > failed[1]["attempt_id"]  # newest first


def test_recover_through_many_successes_reads_boundedly_and_resumes_to_the_end(
    api: ApiClient, aws_calls: AwsCalls, failed_among_delivered: tuple[str, list[str]]
) -> None:
    subscription_id, _ = failed_among_delivered
    body: dict[str, Any] = {"since": "2020-01-01T00:00:00Z"}
    queued, calls = 0, 0
    while True:
        aws_calls.clear()
        response = api.post(f"/v1/subscriptions/{subscription_id}/recover", body)
        assert response.status == 202, response.body
        assert aws_calls.operations.count("Query") <= SHARDS * READS_PER_SHARD
        queued += response.json()["queued"]
        calls += 1
        assert calls < 100, "recovery does not progress"
        if not (resume := response.json().get("resume_since")):
            break
        body = {"since": resume}
    assert queued == 2  # both failed events, once each
    assert calls > 1  # the budget made it resume


def test_a_rare_action_in_a_long_audit_log_is_listed_in_bounded_pages(api: ApiClient, aws_calls: AwsCalls) -> None:
    log = AuditLog(boto3.client("dynamodb"), os.environ["AUDIT_TABLE"])

    class Operator:
        tenant_id, key_id, request_id, source_ip = "acme", "k-ops", "", ""

    record: Callable[[AuditAction], None] = lambda action: log.record(Operator(), action, new_id())  # noqa: E731
    record(AuditAction.EVENT_REPLAYED)
    for _ in range(NOISE // 2):
        record(AuditAction.EVENT_ACKNOWLEDGED)
    record(AuditAction.EVENT_REPLAYED)
    pages = every_page(api, "/v1/audit", "action=event.replayed&limit=5", aws_calls)
    entries = [entry for page in pages for entry in page["entries"]]
    assert [entry["action"] for entry in entries] == ["event.replayed", "event.replayed"]
    assert any(page["pagination"]["has_more"] and not page["entries"] for page in pages), "budget never hit"
