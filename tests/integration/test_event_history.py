"""GET /v1/events: every event in retention, any status, merged across shards from the table's own key
ranges, newest first by default, with the inbox's filters and cursor guarantees."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import ApiClient, event_body


def all_pages(api: ApiClient, query: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    cursor = ""
    while True:
        response = api.get("/v1/events", query=query + cursor)
        assert response.status == 200, response.body
        page = response.json()
        events += page["events"]
        if not page["pagination"]["has_more"]:
            return events
        cursor = "&cursor=" + page["pagination"]["next_cursor"]


def ingest(api: ApiClient, count: int, **fields: Any) -> list[str]:
    body = {"events": [event_body(payload={"n": n}, **fields) for n in range(count)]}
    return [result["event_id"] for result in api.post("/v1/events/batch", body).json()["results"]]


@pytest.mark.parametrize("limit", [1, 3, 7, 50])
def test_pages_cover_every_event_once_newest_first_by_default(api: ApiClient, limit: int) -> None:
    ids = ingest(api, 23)
    listed = [event["event_id"] for event in all_pages(api, f"limit={limit}")]
    assert listed == sorted(ids, reverse=True)
    ascending = [event["event_id"] for event in all_pages(api, f"limit={limit}&order=asc")]
    assert ascending == sorted(ids)


def test_every_status_is_listed_including_acknowledged(api: ApiClient) -> None:
    pending, acked = ingest(api, 2)
    assert api.post(f"/v1/events/{acked}/ack").status == 200
    listed = {event["event_id"]: event["status"] for event in all_pages(api, "limit=10")}
    assert listed == {pending: "pending", acked: "acknowledged"}
    only_acked = [event["event_id"] for event in all_pages(api, "status=acknowledged")]
    assert only_acked == [acked]
    assert api.get("/v1/inbox").json()["events"][0]["event_id"] == pending  # the inbox no longer lists it


def test_filters_by_type_source_and_time(api: ApiClient) -> None:
    orders = ingest(api, 3, event_type="order.created", source="shop")
    ingest(api, 2, event_type="user.created", source="crm")
    assert {e["event_id"] for e in all_pages(api, "event_type=order.created")} == set(orders)
    assert {e["event_id"] for e in all_pages(api, "source=shop")} == set(orders)
    received = api.get(f"/v1/events/{orders[1]}").json()["received_at"]
    window = all_pages(api, f"since={received}&until={received}&event_type=order.created")
    assert {e["event_id"] for e in window} <= set(orders)


def test_delivery_attempt_records_never_appear_as_events(api: ApiClient, gateway: Any) -> None:
    from local.pollers import DeliveryPipeline
    from tests.integration.delivery_harness import Receiver, running_receiver

    with running_receiver(Receiver()) as receiver:
        api.post("/v1/subscriptions", {"target_url": receiver.url, "event_types": ["*"]})
        ids = ingest(api, 5)
        DeliveryPipeline.in_process(gateway._functions).run_until(lambda: len(receiver.deliveries) >= 5)
    listed = all_pages(api, "limit=2")
    assert sorted(event["event_id"] for event in listed) == sorted(ids)
    assert all(event["status"] in {"pending", "delivered"} for event in listed)


def test_another_tenants_events_are_invisible(api: ApiClient, other_tenant: ApiClient) -> None:
    ingest(api, 4)
    assert all_pages(other_tenant, "limit=50") == []


def test_a_cursor_belongs_to_its_order_and_filters(api: ApiClient) -> None:
    ingest(api, 5)
    cursor = api.get("/v1/events", query="limit=2").json()["pagination"]["next_cursor"]
    assert api.get("/v1/events", query=f"limit=2&cursor={cursor}").status == 200
    for other in ("order=asc", "status=pending", "event_type=x"):
        response = api.get("/v1/events", query=f"limit=2&{other}&cursor={cursor}")
        assert response.status == 400
        assert response.json()["error"]["code"] == "INVALID_CURSOR"
    inbox_cursor = api.get("/v1/inbox", query="limit=2").json()["pagination"]["next_cursor"]
    assert api.get("/v1/events", query=f"limit=2&order=asc&cursor={inbox_cursor}").status == 400


@pytest.mark.parametrize("query", ["order=newest", "status=lost", "limit=0", "since=yesterday", "sort=desc"])
def test_bad_queries_are_400(api: ApiClient, query: str) -> None:
    assert api.get("/v1/events", query=query).status == 400
