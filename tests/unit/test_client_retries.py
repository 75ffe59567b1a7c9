"""The client's automatic retries: what is sent again, after how long, and how often."""

from __future__ import annotations

import httpx
import pytest
from triggers_client import RateLimitedError, ServerError, TriggersConnectionError, _transport
from triggers_client._retry import RetryPolicy

from .sdk_fakes import SUMMARY, FakeApi, envelope

SUBSCRIPTION = {
    "subscription_id": "s-1",
    "tenant_id": "t",
    "target_url": "https://hooks.example/x",
    "event_types": ["*"],
    "status": "active",
    "created_at": "2026-01-31T09:30:00Z",
    "secret": "whsec_c2VjcmV0",
}


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the client chose, without waiting."""
    waits: list[float] = []
    monkeypatch.setattr(_transport, "sleep", waits.append)

    async def record(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(_transport, "async_sleep", record)
    return waits


def test_send_retries_a_503_with_the_same_idempotency_key(slept: list[float]) -> None:
    api = FakeApi(
        envelope(503, "SERVICE_UNAVAILABLE"), envelope(503, "SERVICE_UNAVAILABLE"), httpx.Response(201, json=SUMMARY)
    )
    summary = api.client().events.send("order.created", {"order_id": "o-1"})

    assert summary.event_id == "e-1"
    keys = {request.headers["idempotency-key"] for request in api.requests}
    assert len(api.requests) == 3
    assert len(keys) == 1
    assert 0.25 <= slept[0] <= 0.5
    assert 0.5 <= slept[1] <= 1.0


def test_a_given_idempotency_key_is_sent_as_is(slept: list[float]) -> None:
    api = FakeApi(httpx.Response(201, json=SUMMARY))
    api.client().events.send("order.created", {}, idempotency_key="order-o-1")
    assert api.requests[0].headers["idempotency-key"] == "order-o-1"


def test_retry_after_is_honoured(slept: list[float]) -> None:
    limited = envelope(429, "RATE_LIMITED")
    limited.headers["Retry-After"] = "7"
    api = FakeApi(limited, httpx.Response(201, json=SUMMARY))
    api.client().events.send("order.created", {})
    assert slept == [7.0]
    assert len(api.requests) == 2


def test_a_retry_after_beyond_the_cap_is_raised_not_slept(slept: list[float]) -> None:
    limited = envelope(429, "RATE_LIMITED")
    limited.headers["Retry-After"] = "3600"
    api = FakeApi(limited)
    with pytest.raises(RateLimitedError) as raised:
        api.client().events.send("order.created", {})
    assert raised.value.retry_after == 3600
    assert slept == []


def test_an_unsafe_request_is_not_retried_after_a_503(slept: list[float]) -> None:
    # Creating a subscription twice would make two; the first may have been stored before the 503.
    api = FakeApi(envelope(503, "SERVICE_UNAVAILABLE"))
    with pytest.raises(ServerError) as raised:
        api.client().subscriptions.create("https://hooks.example/x", ["*"])
    assert (raised.value.status, raised.value.code, raised.value.request_id) == (503, "SERVICE_UNAVAILABLE", "req-1")
    assert len(api.requests) == 1
    assert slept == []


def test_an_unsafe_request_is_not_retried_after_a_lost_answer(slept: list[float]) -> None:
    api = FakeApi(httpx.ReadTimeout("no answer"))
    with pytest.raises(TriggersConnectionError):
        api.client().subscriptions.create("https://hooks.example/x", ["*"])
    assert len(api.requests) == 1


def test_a_request_the_api_never_acted_on_is_retried_even_if_unsafe(slept: list[float]) -> None:
    limited = envelope(429, "RATE_LIMITED")
    limited.headers["Retry-After"] = "1"
    api = FakeApi(httpx.ConnectError("refused"), limited, httpx.Response(201, json=SUBSCRIPTION))
    created = api.client().subscriptions.create("https://hooks.example/x", ["*"])
    assert created.secret == "whsec_c2VjcmV0"
    assert len(api.requests) == 3


def test_reads_and_acks_are_retried_after_a_lost_answer(slept: list[float]) -> None:
    acked = {"event_id": "e-1", "status": "acknowledged", "acknowledged_at": "2026-01-31T09:30:00Z"}
    api = FakeApi(httpx.ReadError("reset"), envelope(502, "BAD_GATEWAY"), httpx.Response(200, json=acked))
    assert api.client().events.ack("e-1").status == "acknowledged"
    assert len(api.requests) == 3


def test_retries_stop_at_max_retries(slept: list[float]) -> None:
    api = FakeApi(*[envelope(503, "SERVICE_UNAVAILABLE") for _ in range(3)])
    with pytest.raises(ServerError):
        api.client(max_retries=2).events.get("e-1")
    assert len(api.requests) == 3
    assert len(slept) == 2


def test_a_500_is_a_fault_and_not_retried(slept: list[float]) -> None:
    api = FakeApi(envelope(500, "INTERNAL_ERROR"))
    with pytest.raises(ServerError):
        api.client().events.get("e-1")
    assert len(api.requests) == 1


def test_backoff_grows_with_bounded_jitter() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=8.0)
    for retry in range(8):
        ceiling = min(8.0, 0.5 * 2**retry)
        waits = [policy.backoff(retry) for _ in range(200)]
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
        assert len(set(waits)) > 1  # jittered, not a fixed schedule


@pytest.mark.anyio
async def test_the_async_client_retries_alike(slept: list[float]) -> None:
    api = FakeApi(envelope(503, "SERVICE_UNAVAILABLE"), httpx.Response(201, json=SUMMARY))
    async with api.async_client() as client:
        summary = await client.events.send("order.created", {})
    assert summary.event_id == "e-1"
    assert len({request.headers["idempotency-key"] for request in api.requests}) == 1
    assert len(api.requests) == 2
    assert len(slept) == 1


@pytest.mark.anyio
async def test_the_async_client_does_not_retry_unsafe_requests(slept: list[float]) -> None:
    api = FakeApi(envelope(503, "SERVICE_UNAVAILABLE"))
    async with api.async_client() as client:
        with pytest.raises(ServerError):
            await client.keys.create("ci", ["events:read"])
    assert len(api.requests) == 1
