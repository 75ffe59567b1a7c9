"""Hostile input, by class: whatever the door accepts every read path serves; whatever it refuses is a
clear 4xx envelope that changes nothing. Each parametrized list holds several members of its class."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
import pytest
from triggers.ids import new_id
from triggers.storage.events import event_key
from triggers.storage.listing import MAX_PAGE_WIRE_BYTES

from tests.integration.conftest import ApiClient, event_body


def stored_items() -> int:
    return int(boto3.client("dynamodb").scan(TableName=os.environ["EVENTS_TABLE"], Select="COUNT")["Count"])


def nested(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(depth):
        value = {"a": value}
    return value


def assert_refused(response: Any, status: int = 400, code: str | None = None) -> dict[str, Any]:
    assert response.status == status, response.body[:300]
    error: dict[str, Any] = response.json()["error"]
    assert error["request_id"] == response.headers["apigw-requestid"]
    if code:
        assert error["code"] == code
    return error


POISON_BODIES = [
    # Nesting past what the API stores, whether by a little or by thousands of levels.
    json.dumps(event_body(payload=nested(33))),
    json.dumps(event_body(payload=nested(400))),
    json.dumps(event_body(metadata=nested(40))),
    '{"event_type":"a","payload":{"x":' + "[" * 5000 + "]" * 5000 + "}}",
    '{"event_type":"a","payload":' + '{"k":' * 3000 + "1" + "}" * 3000 + "}",
    # Numbers JSON cannot carry faithfully, anywhere in the body.
    '{"event_type":"a","payload":{"n":' + "9" * 5000 + "}}",
    '{"event_type":"a","payload":{"n":-' + "1" * 65 + "}}",
    '{"event_type":"a","payload":{"n":1e400}}',
    '{"event_type":"a","payload":{"n":-1.5e999}}',
    '{"event_type":"a","payload":{},"metadata":{"n":' + "4" * 70 + "}}",
    '{"event_type":"a","payload":{"list":[1,2,' + "3" * 100 + "]}}",
    # Not JSON at all, though Python's parser would take it.
    '{"event_type":"a","payload":{"n":NaN}}',
    '{"event_type":"a","payload":{"n":Infinity}}',
    '{"event_type":"a","payload":{"n":-Infinity}}',
]


@pytest.mark.parametrize("body", POISON_BODIES, ids=range(len(POISON_BODIES)))
def test_poison_events_are_refused_at_the_door_and_reads_keep_working(api: ApiClient, body: str) -> None:
    good = api.post("/v1/events", event_body()).json()
    error = assert_refused(api.post("/v1/events", raw_body=body.encode(), headers={"content-type": "application/json"}))
    assert error["code"] in {"VALIDATION_ERROR", "INVALID_JSON"}
    batch = '{"events":[' + json.dumps(event_body()) + "," + body + "]}"
    assert_refused(api.post("/v1/events/batch", raw_body=batch.encode(), headers={"content-type": "application/json"}))
    assert stored_items() == 1
    assert api.get("/v1/inbox").status == 200
    assert api.get(f"/v1/events/{good['event_id']}").status == 200


def test_a_refused_number_or_nesting_names_its_field(api: ApiClient) -> None:
    body = '{"events":[{"event_type":"a","payload":{"items":[{"price":' + "9" * 80 + "}]}}]}"
    refused = assert_refused(
        api.post("/v1/events/batch", raw_body=body.encode(), headers={"content-type": "application/json"})
    )
    assert refused["details"][0]["field"] == "events.0.payload.items.0.price"
    deep = assert_refused(api.post("/v1/events", event_body(payload=nested(40))))
    assert {detail["field"] for detail in deep["details"]} == {"payload"}


def test_a_stored_item_that_cannot_be_served_never_breaks_a_page(api: ApiClient) -> None:
    """An item stored before today's limits (written here straight to the table) is listed with an
    explanation instead of its payload; every other event on the page is served as usual."""
    before = api.post("/v1/events", event_body(payload={"n": 1})).json()
    poison_id = new_id()
    item = {
        **event_key("acme", poison_id, int(os.environ["SHARD_COUNT"])),
        "tenant_id": {"S": "acme"},
        "event_type": {"S": "legacy.event"},
        "status": {"S": "pending"},
        "received_at": {"S": "2026-01-01T00:00:00.000Z"},
        "payload": {"S": json.dumps(nested(400))},
        "generation": {"N": "0"},
    }
    item["inbox_pk"] = {"S": item["pk"]["S"] + "#pending"}
    item["inbox_sk"] = {"S": poison_id}
    boto3.client("dynamodb").put_item(TableName=os.environ["EVENTS_TABLE"], Item=item)
    after = api.post("/v1/events", event_body(payload={"n": 2})).json()

    page = api.get("/v1/inbox", query="limit=200")
    assert page.status == 200
    events = {event["event_id"]: event for event in page.json()["events"]}
    assert {before["event_id"], poison_id, after["event_id"]} <= set(events)
    assert events[poison_id]["payload"] == {}
    assert events[poison_id]["payload_error"]
    assert events[after["event_id"]]["payload"] == {"n": 2}
    assert events[after["event_id"]]["payload_error"] is None
    single = api.get(f"/v1/events/{poison_id}")
    assert single.status == 200
    assert single.json()["payload_error"]


@pytest.mark.parametrize(
    "content_type", ["Application/JSON", "APPLICATION/JSON; CHARSET=UTF-8", "application/json;charset=utf-8"]
)
def test_media_types_are_case_insensitive(api: ApiClient, content_type: str) -> None:
    response = api.post(
        "/v1/events", raw_body=json.dumps(event_body()).encode(), headers={"content-type": content_type}
    )
    assert response.status == 201


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/v1/inbox", "limt=5"),
        ("/v1/inbox", "status=pending&sort=desc"),
        ("/v1/keys", "all=true"),
        ("/v1/subscriptions", "page=2"),
        ("/v1/health", "verbose=1"),
    ],
)
def test_unknown_query_parameters_are_400(api: ApiClient, path: str, query: str) -> None:
    error = assert_refused(api.get(path, query=query), 400, "VALIDATION_ERROR")
    assert error["details"][0]["in"] == "query"


@pytest.mark.parametrize(
    "query",
    ["limit=" + "9" * 5000, "since=" + "2" * 5000, "until=2026-13-01T00:00:00Z", "cursor=", "status=acknowledged"],
)
def test_extreme_query_values_are_400(api: ApiClient, query: str) -> None:
    assert_refused(api.get("/v1/inbox", query=query), 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    "query",
    [
        "since=9999-12-31T23:59:59-23:59",
        "until=9999-12-31T23:00:00-01:00",
        "since=0001-01-01T00:00:00%2B23:59",
        "until=0001-01-01T00:00:00%2B23:59",
        "since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z",
    ],
)
def test_time_bounds_at_the_calendars_edges_or_crossed_are_answered(api: ApiClient, query: str) -> None:
    # Each is a well-defined (possibly empty) window, so it gets an answer rather than a refusal.
    api.post("/v1/events", event_body())
    assert api.get("/v1/inbox", query=query).status == 200


@pytest.mark.parametrize(
    "target_url",
    [
        "http://[::1/",
        "https://[not-an-address]/hook",
        "http://example.com:99999/",
        "https://example.com:-1/",
        "http://",
        "https://user:secret@example.com/",
        "ftp://example.com/",
        "not a url",
    ],
)
def test_malformed_target_urls_are_400(api: ApiClient, target_url: str) -> None:
    response = api.post("/v1/subscriptions", {"target_url": target_url, "event_types": ["*"]})
    error = assert_refused(response, 400, "VALIDATION_ERROR")
    assert error["details"][0]["field"] == "target_url"
    assert api.get("/v1/subscriptions").json()["subscriptions"] == []


@pytest.mark.parametrize(
    "event_types",
    [["*a*a*a*a*a*a*a*a*a*b"], ["**********"], ["a*b*c*d*e*f*g*h*i*j"], ["*" * 9]],
)
def test_patterns_with_more_than_eight_wildcards_are_refused(api: ApiClient, event_types: list[str]) -> None:
    response = api.post("/v1/subscriptions", {"target_url": "http://127.0.0.1:9/hook", "event_types": event_types})
    assert_refused(response, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize("size", [200_000, 255_000])
def test_inbox_pages_stay_under_lambdas_response_limit_and_skip_nothing(api: ApiClient, size: int) -> None:
    # Quotes and non-ASCII text grow twice on the way out (page JSON, then the proxy response).
    filler = ('"é' * (size // 6))[: size // 3]
    ids = [
        api.post(
            "/v1/events/batch", {"events": [event_body(payload={"blob": filler, "n": n}) for n in range(b, b + 5)]}
        ).json()["results"]
        for b in range(0, 30, 5)
    ]
    expected = [result["event_id"] for batch in ids for result in batch]
    seen: list[str] = []
    cursor = ""
    while True:
        response = api.get("/v1/inbox", query=f"limit=50{cursor}")
        assert response.status == 200
        wire = len(json.dumps({"statusCode": 200, "body": response.body.decode()}))
        assert wire < MAX_PAGE_WIRE_BYTES + 100_000
        page = response.json()
        seen += [event["event_id"] for event in page["events"]]
        if not page["pagination"]["has_more"]:
            break
        cursor = "&cursor=" + page["pagination"]["next_cursor"]
    assert seen == expected


class TestBatchIdempotencyKey:
    def test_same_key_and_body_replays_the_whole_response(self, api: ApiClient) -> None:
        body = {"events": [event_body(payload={"n": n}) for n in range(3)]}
        first = api.post("/v1/events/batch", body, headers={"idempotency-key": "batch-1"})
        again = api.post("/v1/events/batch", body, headers={"idempotency-key": "batch-1"})
        assert (first.status, again.status) == (201, 201)
        assert again.json() == first.json()
        assert again.headers.get("idempotent-replayed") == "true"
        assert stored_items() == 3

    def test_same_key_with_another_body_is_422(self, api: ApiClient) -> None:
        api.post("/v1/events/batch", {"events": [event_body()]}, headers={"idempotency-key": "batch-2"})
        other = api.post(
            "/v1/events/batch", {"events": [event_body(), event_body()]}, headers={"idempotency-key": "batch-2"}
        )
        assert_refused(other, 422, "IDEMPOTENCY_KEY_REUSED")
        assert stored_items() == 1

    def test_batch_keys_and_event_keys_do_not_collide(self, api: ApiClient) -> None:
        assert api.post("/v1/events", event_body(), headers={"idempotency-key": "shared"}).status == 201
        batch = api.post("/v1/events/batch", {"events": [event_body()]}, headers={"idempotency-key": "shared"})
        assert batch.status == 201
        assert batch.headers.get("idempotent-replayed") is None
        assert stored_items() == 2

    def test_tenants_do_not_share_batch_keys(self, api: ApiClient, other_tenant: ApiClient) -> None:
        body = {"events": [event_body()]}
        mine = api.post("/v1/events/batch", body, headers={"idempotency-key": "k"}).json()
        theirs = other_tenant.post("/v1/events/batch", body, headers={"idempotency-key": "k"}).json()
        assert mine["results"][0]["event_id"] != theirs["results"][0]["event_id"]
