"""POST /v1/events and /v1/events/batch against moto, through API Gateway v2 events."""

from __future__ import annotations

import json
import os
import threading
import time
from typing import Any

import boto3
import pytest
from triggers.auth.apikeys import Scope

from tests.integration.conftest import ApiClient, AwsCalls, event_body, issue_key


def stored_event_count() -> int:
    return int(boto3.client("dynamodb").scan(TableName=os.environ["EVENTS_TABLE"], Select="COUNT")["Count"])


def test_single_event_is_stored_with_exactly_one_write(api: ApiClient, aws_calls: AwsCalls) -> None:
    api.post("/v1/events", event_body())  # warm-up: leases rate-limit tokens for the next requests
    aws_calls.clear()
    response = api.post("/v1/events", event_body(source="shop", tags=["eu"], metadata={"trace": "t1"}))
    assert response.status == 201
    summary = response.json()
    assert set(summary) == {"event_id", "event_type", "status", "received_at"}
    assert summary["status"] == "pending"
    assert summary["received_at"].endswith("Z")
    # The authorizer reads the key (cache TTL is 0 in tests); the ingest function writes once.
    assert aws_calls.writes() == ["PutItem"]
    stored = api.get(f"/v1/events/{summary['event_id']}").json()
    assert stored["payload"] == {"order_id": "o-1", "total": 42.5}
    assert (stored["source"], stored["tags"], stored["metadata"]) == ("shop", ["eu"], {"trace": "t1"})


@pytest.mark.parametrize(
    ("raw_body", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "INVALID_JSON"),
        (b'{"event_type": "a"}', "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"),
        (b'{"event_type": "a"}', "application/x-www-form-urlencoded", 415, "UNSUPPORTED_MEDIA_TYPE"),
        (b'{"payload": {}}', "application/json", 400, "VALIDATION_ERROR"),
        (b'{"event_type": "a", "payload": {}, "extra": 1}', "application/json", 400, "VALIDATION_ERROR"),
        (b'{"event_type": "a b", "payload": []}', "application/json", 400, "VALIDATION_ERROR"),
        (b"[]", "application/json", 400, "VALIDATION_ERROR"),
        (json.dumps(event_body(payload={"x": "y" * 400_000})).encode(), "application/json", 413, "PAYLOAD_TOO_LARGE"),
        (json.dumps(event_body(payload={"x": "y" * 270_000})).encode(), "application/json", 413, "PAYLOAD_TOO_LARGE"),
    ],
)
def test_bad_input_gets_a_4xx_envelope_and_stores_nothing(
    api: ApiClient, raw_body: bytes, content_type: str, status: int, code: str
) -> None:
    response = api.post("/v1/events", raw_body=raw_body, headers={"content-type": content_type})
    assert response.status == status
    error = response.json()["error"]
    assert error["code"] == code
    assert error["request_id"] == response.headers["apigw-requestid"]
    assert stored_event_count() == 0


def test_validation_details_name_each_bad_field(api: ApiClient) -> None:
    response = api.post("/v1/events", {"event_type": "", "payload": "x", "tags": ["a"] * 21})
    fields = {detail["field"] for detail in response.json()["error"]["details"]}
    assert fields == {"event_type", "payload", "tags"}


def test_base64_encoded_json_body_is_accepted(api: ApiClient) -> None:
    # API Gateway base64-encodes bodies it does not consider text; the charset parameter must not matter.
    response = api.post(
        "/v1/events",
        raw_body=json.dumps(event_body()).encode(),
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert response.status == 201


def test_scope_is_required(gateway: Any) -> None:
    reader = ApiClient(gateway, issue_key("acme", [Scope.EVENTS_READ]))
    response = reader.post("/v1/events", event_body())
    assert response.status == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
    assert stored_event_count() == 0


class TestIdempotency:
    def test_same_key_and_body_returns_the_original_response(self, api: ApiClient) -> None:
        first = api.post("/v1/events", event_body(), headers={"idempotency-key": "order-1"})
        again = api.post("/v1/events", event_body(), headers={"idempotency-key": "order-1"})
        assert (first.status, again.status) == (201, 201)
        assert again.json() == first.json()
        assert again.headers.get("idempotent-replayed") == "true"
        assert stored_event_count() == 1

    def test_same_key_other_body_is_refused(self, api: ApiClient) -> None:
        api.post("/v1/events", event_body(), headers={"idempotency-key": "order-1"})
        response = api.post("/v1/events", event_body(payload={"other": 1}), headers={"idempotency-key": "order-1"})
        assert response.status == 422
        assert response.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
        assert stored_event_count() == 1

    def test_keys_are_per_tenant(self, api: ApiClient, other_tenant: ApiClient) -> None:
        mine = api.post("/v1/events", event_body(), headers={"idempotency-key": "shared"}).json()
        theirs = other_tenant.post("/v1/events", event_body(), headers={"idempotency-key": "shared"}).json()
        assert mine["event_id"] != theirs["event_id"]

    def test_overlong_key_is_a_validation_error(self, api: ApiClient) -> None:
        response = api.post("/v1/events", event_body(), headers={"idempotency-key": "k" * 256})
        assert response.status == 400
        assert response.json()["error"]["details"][0]["in"] == "header"

    def test_concurrent_requests_with_one_key_store_one_event(self, api: ApiClient) -> None:
        statuses: list[int] = []
        ids: set[str] = set()
        barrier = threading.Barrier(4)

        def send() -> None:
            barrier.wait()
            response = api.post("/v1/events", event_body(), headers={"idempotency-key": "race"})
            statuses.append(response.status)
            if response.status == 201:
                ids.add(response.json()["event_id"])

        threads = [threading.Thread(target=send) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert set(statuses) <= {201, 409}
        assert len(ids) == 1
        assert stored_event_count() == 1

    def test_a_request_still_in_flight_gets_409(self, api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
        from triggers.storage.events import EventStore

        inner_status: list[int] = []
        real_append = EventStore.append

        def append_while_a_retry_arrives(self: EventStore, tenant_id: str, event: Any) -> Any:
            if not inner_status:
                inner_status.append(api.post("/v1/events", event_body(), headers={"idempotency-key": "slow"}).status)
            return real_append(self, tenant_id, event)

        monkeypatch.setattr(EventStore, "append", append_while_a_retry_arrives)
        assert api.post("/v1/events", event_body(), headers={"idempotency-key": "slow"}).status == 201
        assert inner_status == [409]


class TestBatch:
    def test_all_accepted_is_201_in_input_order(self, api: ApiClient) -> None:
        events = [event_body(payload={"n": n}) for n in range(60)]
        response = api.post("/v1/events/batch", {"events": events})
        assert response.status == 201
        body = response.json()
        assert (body["accepted"], body["rejected"]) == (60, 0)
        assert [result["index"] for result in body["results"]] == list(range(60))
        assert stored_event_count() == 60

    def test_an_invalid_item_refuses_the_batch_naming_each_bad_field(self, api: ApiClient) -> None:
        events = [event_body(), {"event_type": "x"}, event_body(), {"event_type": "bad type", "payload": {}}]
        response = api.post("/v1/events/batch", {"events": events})
        assert response.status == 400
        error = response.json()["error"]
        assert error["code"] == "VALIDATION_ERROR"
        assert {detail["field"] for detail in error["details"]} == {"events.1.payload", "events.3.event_type"}
        assert stored_event_count() == 0

    def test_an_item_over_its_size_limit_refuses_the_batch_with_413(self, api: ApiClient) -> None:
        events = [event_body(), event_body(metadata={"x": "y" * 9000})]
        response = api.post("/v1/events/batch", {"events": events})
        assert response.status == 413
        assert response.json()["error"]["details"][0]["field"] == "events.1.metadata"
        assert stored_event_count() == 0

    @pytest.mark.parametrize("body", [{"events": []}, {"events": [event_body()] * 101}, {"events": "x"}, {"items": []}])
    def test_bad_envelope_is_400(self, api: ApiClient, body: dict[str, Any]) -> None:
        assert api.post("/v1/events/batch", body).status == 400
        assert stored_event_count() == 0

    def test_per_item_idempotency_keys(self, api: ApiClient) -> None:
        first = api.post("/v1/events/batch", {"events": [event_body(idempotency_key="a"), event_body()]}).json()
        second = api.post(
            "/v1/events/batch",
            {"events": [event_body(idempotency_key="a"), event_body(idempotency_key="a", payload={"x": 1})]},
        )
        assert second.status == 207
        results = second.json()["results"]
        assert results[0]["event_id"] == first["results"][0]["event_id"]
        assert results[1]["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
        assert stored_event_count() == 2

    def test_unprocessed_items_are_retried_until_written(self, api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
        from triggers.storage import events as events_module

        monkeypatch.setattr(events_module.time, "sleep", lambda _seconds: None)
        real_client = boto3.client("dynamodb")
        throttled_once: list[int] = []
        from triggers.storage.events import EventStore

        real_batch_write = EventStore._batch_write

        def flaky(self: EventStore, items: list[Any]) -> set[str]:
            client = self._client
            original = client.batch_write_item

            def half_processed(**kwargs: Any) -> Any:
                requests = kwargs["RequestItems"][os.environ["EVENTS_TABLE"]]
                if not throttled_once and len(requests) > 1:
                    throttled_once.append(len(requests))
                    keep, defer = requests[: len(requests) // 2], requests[len(requests) // 2 :]
                    real_client.batch_write_item(RequestItems={os.environ["EVENTS_TABLE"]: keep})
                    return {"UnprocessedItems": {os.environ["EVENTS_TABLE"]: defer}}
                return original(**kwargs)

            monkeypatch.setattr(client, "batch_write_item", half_processed)
            try:
                return real_batch_write(self, items)
            finally:
                monkeypatch.setattr(client, "batch_write_item", original)

        monkeypatch.setattr(EventStore, "_batch_write", flaky)
        response = api.post("/v1/events/batch", {"events": [event_body(payload={"n": n}) for n in range(30)]})
        assert response.status == 201
        assert throttled_once
        assert stored_event_count() == 30


@pytest.mark.parametrize("rate_limit", [1, 7, 50, 99])
def test_a_full_batch_borrows_from_the_next_seconds_then_429(gateway: Any, rate_limit: int) -> None:
    # A key slower than the largest batch is counted over a window that holds one full batch: the
    # batch is admitted once, and the key then waits out the window (its average rate is its limit).
    window_seconds = -(-100 // rate_limit)
    budget = rate_limit * window_seconds
    limited = ApiClient(gateway, issue_key("acme", rate_limit_per_second=rate_limit))
    left = window_seconds - time.time() % window_seconds
    if left < 3:  # the requests below must land in one window: start them in a fresh one
        time.sleep(left + 0.05)
    assert limited.post("/v1/events/batch", {"events": [event_body()] * 100}).status == 201
    if budget > 100:
        assert limited.post("/v1/events/batch", {"events": [event_body()] * (budget - 100)}).status == 201
    response = limited.post("/v1/events", event_body())
    assert response.status == 429
    assert response.json()["error"]["code"] == "RATE_LIMITED"
    assert 1 <= int(response.headers["retry-after"]) <= window_seconds
    assert stored_event_count() == budget
