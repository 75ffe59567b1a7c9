"""The client's errors, pages, batches and bulk acks, against a scripted API."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from triggers_client import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
    ServerError,
    TriggersError,
)
from triggers_client.models import BatchItemRefused, BatchItemStored, NewEvent

from .sdk_fakes import BASE_URL, KEY, SUMMARY, FakeApi, envelope


def event_json(number: int) -> dict[str, Any]:
    return {**SUMMARY, "event_id": f"e-{number}", "payload": {"n": number}}


def page(numbers: range, cursor: str | None) -> httpx.Response:
    pagination = {"limit": len(numbers), "next_cursor": cursor, "has_more": cursor is not None}
    return httpx.Response(200, json={"events": [event_json(n) for n in numbers], "pagination": pagination})


def stored_batch(request: httpx.Request) -> httpx.Response:
    """The batch route storing every event it is sent."""
    events = json.loads(request.content)["events"]
    results = [{**SUMMARY, "event_id": f"id-{event['payload']['n']}", "index": i} for i, event in enumerate(events)]
    return httpx.Response(201, json={"results": results, "accepted": len(events), "rejected": 0})


def numbered(count: int, **fields: Any) -> list[NewEvent]:
    return [{"event_type": "order.created", "payload": {"n": n}, **fields} for n in range(count)]


# Errors


def test_the_envelope_becomes_a_typed_error() -> None:
    details = [{"field": "event_type", "in": "body", "message": "bad", "type": "string_pattern_mismatch"}]
    api = FakeApi(envelope(400, "VALIDATION_ERROR", "Request is invalid", details=details))
    with pytest.raises(InvalidRequestError) as raised:
        api.client().events.send("bad type", {})
    error = raised.value
    assert (error.status, error.code, error.message, error.details, error.request_id) == (
        400,
        "VALIDATION_ERROR",
        "Request is invalid",
        details,
        "req-1",
    )
    assert str(error) == "400 VALIDATION_ERROR: Request is invalid (request id req-1)"


@pytest.mark.parametrize(
    ("status", "code", "error_class"),
    [
        (403, "FORBIDDEN", ForbiddenError),
        (404, "NOT_FOUND", NotFoundError),
        (409, "REQUEST_IN_FLIGHT", ConflictError),
        (413, "PAYLOAD_TOO_LARGE", InvalidRequestError),
        (415, "UNSUPPORTED_MEDIA_TYPE", InvalidRequestError),
        (422, "IDEMPOTENCY_KEY_REUSED", ConflictError),
        (500, "INTERNAL_ERROR", ServerError),
    ],
)
def test_each_class_of_error_has_its_type(status: int, code: str, error_class: type[TriggersError]) -> None:
    api = FakeApi(envelope(status, code))
    with pytest.raises(error_class) as raised:
        api.client().subscriptions.create("https://hooks.example/x", ["*"])
    assert (raised.value.status, raised.value.code) == (status, code)


def test_the_gateways_own_refusal_carries_its_request_id() -> None:
    api = FakeApi(httpx.Response(403, json={"message": "Forbidden"}, headers={"apigw-requestid": "gw-1"}))
    with pytest.raises(ForbiddenError) as raised:
        api.client().keys.list()
    assert (raised.value.code, raised.value.message, raised.value.request_id) == (None, "Forbidden", "gw-1")


def test_a_body_that_is_not_json_still_makes_an_error() -> None:
    api = FakeApi(httpx.Response(502, text="<html>Bad Gateway</html>"))
    with pytest.raises(ServerError) as raised:
        api.client(max_retries=0).events.get("e-1")
    assert (raised.value.status, raised.value.message) == (502, "Bad Gateway")


def test_an_answer_the_models_do_not_fit_is_a_triggers_error() -> None:
    api = FakeApi(httpx.Response(200, json={"event_id": "e-1"}))
    with pytest.raises(TriggersError, match="upgrade triggers-client"):
        api.client().events.get("e-1")


def test_every_request_carries_the_key_and_escapes_ids() -> None:
    api = FakeApi(httpx.Response(204))
    api.client().events.delete("../keys/k 1")
    request = api.requests[0]
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["user-agent"].startswith("triggers-client/")
    assert request.url.raw_path == b"/v1/events/..%2Fkeys%2Fk%201"


def test_time_filters_need_a_timezone() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        list(FakeApi().client().inbox.list(since=datetime(2026, 1, 1)))


# Pages


def test_listing_follows_cursors_lazily_with_the_same_filters() -> None:
    api = FakeApi(page(range(0, 3), "c1"), page(range(3, 6), "c2"), page(range(6, 7), None))
    listing = api.client().inbox.list(event_type="order.created", status="failed", page_size=3)
    assert api.requests == []  # nothing is fetched before iteration

    ids = [event.event_id for event in listing]

    assert ids == [f"e-{n}" for n in range(7)]
    queries = [dict(request.url.params) for request in api.requests]
    filters = {"event_type": "order.created", "status": "failed", "limit": "3"}
    assert queries == [filters, {**filters, "cursor": "c1"}, {**filters, "cursor": "c2"}]
    assert {request.url.path for request in api.requests} == {"/v1/inbox"}


def test_listing_resumes_from_a_saved_cursor_and_gives_whole_pages() -> None:
    api = FakeApi(page(range(3, 6), None))
    pages = list(api.client().inbox.list(cursor="saved").pages())
    assert [len(found.events) for found in pages] == [3]
    assert api.requests[0].url.params["cursor"] == "saved"


@pytest.mark.anyio
async def test_async_listing_follows_cursors() -> None:
    api = FakeApi(page(range(0, 2), "c1"), page(range(2, 4), None))
    async with api.async_client() as client:
        ids = [event.event_id async for event in client.inbox.list()]
    assert ids == ["e-0", "e-1", "e-2", "e-3"]


# Batches


def test_send_many_streams_batches_of_100_each_with_its_own_key() -> None:
    api = FakeApi(stored_batch, stored_batch, stored_batch)
    results = api.client().events.send_many(iter(numbered(250)))

    assert [len(body["events"]) for body in api.bodies()] == [100, 100, 50]
    assert len({request.headers["idempotency-key"] for request in api.requests}) == 3
    assert [result.index for result in results] == list(range(250))
    assert [result.event_id for result in results if isinstance(result, BatchItemStored)] == [
        f"id-{n}" for n in range(250)
    ]


def test_send_many_keeps_each_batch_under_the_body_limit() -> None:
    large = "x" * (300 * 1024)  # over the API's payload limit, but the batch route's 4 MiB is what matters here
    events: list[NewEvent] = [{"event_type": "order.created", "payload": {"n": n, "blob": large}} for n in range(30)]
    api = FakeApi(*[stored_batch] * 3)
    results = api.client().events.send_many(events)
    assert all(len(request.content) <= 4 * 1024 * 1024 for request in api.requests)
    assert [len(body["events"]) for body in api.bodies()] == [13, 13, 4]
    assert [result.index for result in results] == list(range(30))


def test_send_many_refuses_only_the_events_a_batch_refusal_names() -> None:
    details = [
        {"field": "events.1.event_type", "in": "body", "message": "bad", "type": "string_pattern_mismatch"},
        {"field": "events.3.payload", "in": "body", "message": "too deep", "type": "json_too_deep"},
    ]
    api = FakeApi(envelope(400, "VALIDATION_ERROR", "Request is invalid", details=details), stored_batch)
    results = api.client().events.send_many(numbered(5))

    assert [event["payload"]["n"] for event in api.bodies()[1]["events"]] == [0, 2, 4]
    first_key, second_key = (request.headers["idempotency-key"] for request in api.requests)
    assert first_key != second_key  # another batch, so another key
    assert [type(result) for result in results] == [
        BatchItemStored,
        BatchItemRefused,
        BatchItemStored,
        BatchItemRefused,
        BatchItemStored,
    ]
    refused = [result for result in results if isinstance(result, BatchItemRefused)]
    assert [(r.index, r.error.code, r.error.details[0]["field"]) for r in refused] == [
        (1, "VALIDATION_ERROR", "event_type"),
        (3, "VALIDATION_ERROR", "payload"),
    ]
    assert [r.error.request_id for r in refused] == ["req-1", "req-1"]


def test_send_many_raises_a_refusal_that_names_no_event() -> None:
    details = [{"field": "events", "in": "body", "message": "too long", "type": "too_long"}]
    api = FakeApi(envelope(400, "VALIDATION_ERROR", details=details))
    with pytest.raises(InvalidRequestError):
        api.client().events.send_many(numbered(3))


def test_send_many_raises_other_errors_after_the_stored_batches() -> None:
    api = FakeApi(stored_batch, envelope(403, "FORBIDDEN"))
    with pytest.raises(ForbiddenError):
        api.client().events.send_many(numbered(150))
    assert len(api.requests) == 2


def test_send_many_passes_per_event_idempotency_keys() -> None:
    api = FakeApi(stored_batch)
    api.client().events.send_many(numbered(2, idempotency_key="k"))
    assert [event["idempotency_key"] for event in api.bodies()[0]["events"]] == ["k", "k"]


@pytest.mark.anyio
async def test_async_send_many_in_input_order() -> None:
    api = FakeApi(stored_batch, stored_batch)
    async with api.async_client() as client:
        results = await client.events.send_many(numbered(101))
    assert [result.index for result in results] == list(range(101))


def test_bulk_ack_sends_100_ids_per_request_and_keeps_their_order() -> None:
    def acked(request: httpx.Request) -> httpx.Response:
        ids = json.loads(request.content)["event_ids"]
        return httpx.Response(
            200,
            json={
                "results": [
                    {"event_id": i, "status": "acknowledged", "acknowledged_at": SUMMARY["received_at"]} for i in ids
                ]
            },
        )

    api = FakeApi(acked, acked, acked)
    results = api.client().inbox.ack(f"e-{n}" for n in range(201))
    assert [len(body["event_ids"]) for body in api.bodies()] == [100, 100, 1]
    assert [result.event_id for result in results] == [f"e-{n}" for n in range(201)]
    assert {str(request.url) for request in api.requests} == {f"{BASE_URL}/v1/inbox/ack"}


# Subscriptions


def test_update_sends_only_what_is_given_and_none_clears_the_description() -> None:
    subscription = {
        "subscription_id": "s-1",
        "tenant_id": "t",
        "target_url": "https://hooks.example/x",
        "event_types": ["*"],
        "status": "disabled",
        "created_at": SUMMARY["received_at"],
    }
    api = FakeApi(httpx.Response(200, json=subscription), httpx.Response(200, json=subscription))
    client = api.client()
    client.subscriptions.update("s-1", status="disabled")
    client.subscriptions.update("s-1", description=None)
    assert api.bodies() == [{"status": "disabled"}, {"description": None}]
    assert {request.method for request in api.requests} == {"PATCH"}


def test_recover_follows_resume_since_to_the_end() -> None:
    api = FakeApi(
        httpx.Response(202, json={"queued": 100, "resume_since": "2026-01-31T10:00:00Z"}),
        httpx.Response(202, json={"queued": 7, "resume_since": None}),
    )
    since = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
    recovery = api.client().subscriptions.recover("s-1", since=since)
    assert (recovery.queued, recovery.resume_since) == (107, None)
    assert [body["since"] for body in api.bodies()] == ["2026-01-31T09:00:00+00:00", "2026-01-31T10:00:00+00:00"]
