"""Ingest, read, acknowledge and erase events over real HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from triggers import __version__

from .helpers import LocalStack, assert_error, event, pending_ids, unique_type

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def ingest(client: httpx.Client, event_type: str) -> str:
    response = client.post("/v1/events", json=event(event_type))
    assert response.status_code == 201, response.text
    event_id: str = response.json()["event_id"]
    return event_id


def test_health_needs_no_key(anonymous: httpx.Client) -> None:
    response = anonymous.get("/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}


def test_unknown_route_is_api_gateways_404(anonymous: httpx.Client) -> None:
    response = anonymous.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}


def test_an_event_goes_from_ingest_to_inbox_to_acknowledged(api: httpx.Client) -> None:
    event_type = unique_type("flow")
    sent = event(event_type, source="shop", tags=["eu"], metadata={"trace": "t-1"})
    created = api.post("/v1/events", json=sent)
    assert created.status_code == 201
    summary = created.json()
    assert summary["event_type"] == event_type
    assert summary["status"] == "pending"
    assert summary["received_at"].endswith("Z")
    event_id = summary["event_id"]
    assert uuid.UUID(event_id).version == 7

    stored = api.get(f"/v1/events/{event_id}")
    assert stored.status_code == 200
    assert {name: stored.json()[name] for name in sent} == sent
    assert pending_ids(api, event_type=event_type) == [event_id]

    acknowledged = api.post(f"/v1/events/{event_id}/ack")
    assert acknowledged.status_code == 200
    assert acknowledged.json()["event_id"] == event_id
    assert acknowledged.json()["status"] == "acknowledged"
    again = api.post(f"/v1/events/{event_id}/ack")
    assert (again.status_code, again.json()) == (200, acknowledged.json())

    assert pending_ids(api, event_type=event_type) == []
    assert api.get(f"/v1/events/{event_id}").json()["status"] == "acknowledged"


def test_bulk_ack_reports_each_id_in_input_order(api: httpx.Client) -> None:
    event_type = unique_type("bulk-ack")
    first, second = ingest(api, event_type), ingest(api, event_type)
    response = api.post("/v1/inbox/ack", json={"event_ids": [second, "no-such-event", first]})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [result["event_id"] for result in results] == [second, "no-such-event", first]
    assert results[0]["status"] == results[2]["status"] == "acknowledged"
    assert results[1]["error"]["code"] == "NOT_FOUND"
    assert pending_ids(api, event_type=event_type) == []


def test_an_erased_event_is_gone(api: httpx.Client) -> None:
    event_type = unique_type("erase")
    event_id = ingest(api, event_type)
    assert api.delete(f"/v1/events/{event_id}").status_code == 204
    assert_error(api.get(f"/v1/events/{event_id}"), 404, "NOT_FOUND")
    assert_error(api.delete(f"/v1/events/{event_id}"), 404, "NOT_FOUND")
    assert pending_ids(api, event_type=event_type) == []


class TestIdempotency:
    def test_same_key_and_body_replays_the_original_response(self, api: httpx.Client) -> None:
        event_type = unique_type("replay")
        headers = {"Idempotency-Key": uuid.uuid4().hex}
        first = api.post("/v1/events", json=event(event_type), headers=headers)
        second = api.post("/v1/events", json=event(event_type), headers=headers)
        assert (first.status_code, second.status_code) == (201, 201)
        assert second.json() == first.json()
        assert second.headers["Idempotent-Replayed"] == "true"
        assert "Idempotent-Replayed" not in first.headers
        assert pending_ids(api, event_type=event_type) == [first.json()["event_id"]]

    def test_same_key_with_another_body_is_refused(self, api: httpx.Client) -> None:
        event_type = unique_type("reuse")
        headers = {"Idempotency-Key": uuid.uuid4().hex}
        first = api.post("/v1/events", json=event(event_type), headers=headers)
        assert first.status_code == 201
        other_body = event(event_type, source="elsewhere")
        assert_error(api.post("/v1/events", json=other_body, headers=headers), 422, "IDEMPOTENCY_KEY_REUSED")
        assert pending_ids(api, event_type=event_type) == [first.json()["event_id"]]

    def test_concurrent_requests_with_one_key_store_one_event(self, local_stack: LocalStack, api: httpx.Client) -> None:
        event_type = unique_type("race")
        headers = {"Authorization": f"Bearer {local_stack.demo_key}", "Idempotency-Key": uuid.uuid4().hex}

        def send(_: int) -> httpx.Response:
            # A connection per request, so the requests really are concurrent.
            return httpx.post(f"{local_stack.base_url}/v1/events", json=event(event_type), headers=headers, timeout=30)

        with ThreadPoolExecutor(max_workers=6) as pool:
            responses = list(pool.map(send, range(6)))
        assert {response.status_code for response in responses} <= {201, 409}
        stored = {response.json()["event_id"] for response in responses if response.status_code == 201}
        assert len(stored) == 1
        assert pending_ids(api, event_type=event_type) == list(stored)


class TestBatch:
    def test_all_valid_is_201_with_results_in_input_order(self, api: httpx.Client) -> None:
        event_type = unique_type("batch")
        retried = {"idempotency_key": uuid.uuid4().hex}
        batch = {"events": [event(event_type), event(event_type, **retried), event(event_type)]}
        response = api.post("/v1/events/batch", json=batch)
        assert response.status_code == 201
        body = response.json()
        assert (body["accepted"], body["rejected"]) == (3, 0)
        assert [result["index"] for result in body["results"]] == [0, 1, 2]
        ids = [result["event_id"] for result in body["results"]]
        assert sorted(pending_ids(api, event_type=event_type)) == sorted(ids)

        again = api.post("/v1/events/batch", json={"events": [event(event_type, **retried)]})
        assert again.json()["results"][0]["event_id"] == ids[1]

    def test_an_invalid_item_refuses_the_batch_and_stores_nothing(self, api: httpx.Client) -> None:
        event_type = unique_type("batch-invalid")
        batch = {"events": [event(event_type), {"event_type": "not valid!", "payload": {}}, event(event_type)]}
        error = assert_error(api.post("/v1/events/batch", json=batch), 400, "VALIDATION_ERROR")
        assert [detail["field"] for detail in error["details"]] == ["events.1.event_type"]
        assert pending_ids(api, event_type=event_type) == []

    def test_a_repeated_item_key_with_another_body_is_207_with_its_error(self, api: httpx.Client) -> None:
        event_type = unique_type("batch-mixed")
        key = {"idempotency_key": uuid.uuid4().hex}
        api.post("/v1/events/batch", json={"events": [event(event_type, **key)]})
        batch = {"events": [event(event_type), event(event_type, **key, payload={"other": 1})]}
        response = api.post("/v1/events/batch", json=batch)
        assert response.status_code == 207
        body = response.json()
        assert (body["accepted"], body["rejected"]) == (1, 1)
        assert body["results"][1]["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_inbox_pages_across_shards_return_every_event_once_oldest_first(
    tenant_key: Callable[..., str], client_for: Callable[..., httpx.Client]
) -> None:
    pager = client_for(tenant_key("pager"))
    stored: list[str] = []
    for batch_number in range(3):
        batch = {"events": [event("page.test", payload={"batch": batch_number, "n": n}) for n in range(100)]}
        response = pager.post("/v1/events/batch", json=batch)
        assert response.status_code == 201, response.text
        stored += [result["event_id"] for result in response.json()["results"]]

    seen: list[str] = []
    params: dict[str, str | int] = {"limit": 50}
    while True:
        response = pager.get("/v1/inbox", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["events"]) <= 50
        assert page["pagination"]["limit"] == 50
        seen += [item["event_id"] for item in page["events"]]
        if not page["pagination"]["has_more"]:
            assert page["pagination"]["next_cursor"] is None
            break
        params["cursor"] = page["pagination"]["next_cursor"]

    assert len(seen) == len(set(seen)) == 300
    assert set(seen) == set(stored)
    assert seen == sorted(seen)
