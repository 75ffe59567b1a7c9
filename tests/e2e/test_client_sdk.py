"""The Python SDK (triggers_client) against the real local stack: blocking and asyncio clients."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from triggers_client import (
    AsyncTriggersClient,
    ForbiddenError,
    NotFoundError,
    TriggersClient,
    WebhookVerificationError,
    webhooks,
)
from triggers_client.models import (
    AckResult,
    AuditAction,
    BatchItemRefused,
    BatchItemStored,
    EventStatus,
    NewEvent,
    Scope,
    SendTestOutcome,
    SubscriptionStatus,
)

from local.receiver import Delivery, WebhookReceiver

from .faulty_proxy import FaultyProxy
from .helpers import LocalStack, unique_type

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
T = TypeVar("T")


@pytest.fixture(scope="module")
def sdk_key(tenant_key: Callable[..., str]) -> str:
    """A tenant of these tests alone, with every scope."""
    return tenant_key("sdk")


@pytest.fixture(scope="module")
def client(local_stack: LocalStack, sdk_key: str) -> Iterator[TriggersClient]:
    with TriggersClient(local_stack.base_url, sdk_key) as client:
        yield client


def numbered(event_type: str, count: int) -> list[NewEvent]:
    return [{"event_type": event_type, "payload": {"n": n}} for n in range(count)]


def test_send_with_a_key_twice_stores_once_and_reads_back(client: TriggersClient) -> None:
    event_type = unique_type("sdk-send")
    key = f"order-{uuid.uuid4()}"
    first = client.events.send(event_type, {"order_id": "o-1"}, source="shop", tags=["eu"], idempotency_key=key)
    again = client.events.send(event_type, {"order_id": "o-1"}, source="shop", tags=["eu"], idempotency_key=key)

    assert again.event_id == first.event_id
    stored = client.events.get(first.event_id)
    assert (stored.payload, stored.source, stored.tags, stored.status) == (
        {"order_id": "o-1"},
        "shop",
        ["eu"],
        EventStatus.PENDING,
    )
    assert stored.received_at.tzinfo is not None
    assert client.events.ack(first.event_id).status is EventStatus.ACKNOWLEDGED
    assert list(client.inbox.list(event_type=event_type)) == []


def test_a_503_after_the_event_was_stored_still_stores_exactly_one(local_stack: LocalStack, sdk_key: str) -> None:
    event_type = unique_type("sdk-retry")
    with (
        FaultyProxy(local_stack.base_url, failures=1) as proxy,
        TriggersClient(proxy.url, sdk_key) as through_proxy,
        TriggersClient(local_stack.base_url, sdk_key) as direct,
    ):
        summary = through_proxy.events.send(event_type, {"order_id": "o-1"})

        # The stack stored the first request, its answer was lost, and the retry got the original answer.
        assert proxy.forwarded == [("POST", "/v1/events", 201), ("POST", "/v1/events", 201)]
        assert [event.event_id for event in direct.inbox.list(event_type=event_type)] == [summary.event_id]


def test_send_many_and_paging_across_hundreds_of_events(client: TriggersClient) -> None:
    event_type = unique_type("sdk-many")
    events = numbered(event_type, 300)
    events[137] = {"event_type": "not a type!", "payload": {"n": 137}}

    results = client.events.send_many(iter(events))

    assert [result.index for result in results] == list(range(300))
    refused = [result for result in results if isinstance(result, BatchItemRefused)]
    assert [(result.index, result.error.details[0]["field"]) for result in refused] == [(137, "event_type")]
    stored_ids = [result.event_id for result in results if isinstance(result, BatchItemStored)]
    assert len(stored_ids) == 299

    listing = client.inbox.list(event_type=event_type, page_size=100)
    assert sorted(event.event_id for event in listing) == sorted(stored_ids)
    assert len(list(listing.pages())) == 3
    history = client.events.list(event_type=event_type, order="asc", page_size=120)
    assert [event.event_id for event in history] == sorted(stored_ids)  # ids are time-ordered

    acks = client.inbox.ack(stored_ids)
    assert all(isinstance(ack, AckResult) for ack in acks)
    assert [ack.event_id for ack in acks] == stored_ids
    assert list(client.inbox.list(event_type=event_type)) == []


def test_the_history_lists_every_status_newest_first(client: TriggersClient) -> None:
    event_type = unique_type("sdk-history")
    sent = [client.events.send(event_type, {"n": n}).event_id for n in range(3)]
    client.events.ack(sent[1])

    assert [event.event_id for event in client.events.list(event_type=event_type)] == sent[::-1]
    assert [event.event_id for event in client.events.list(event_type=event_type, order="asc")] == sent
    acknowledged = list(client.events.list(event_type=event_type, status=EventStatus.ACKNOWLEDGED))
    assert [(event.event_id, event.status) for event in acknowledged] == [(sent[1], EventStatus.ACKNOWLEDGED)]


def test_replay_and_erase(client: TriggersClient) -> None:
    event_id = client.events.send(unique_type("sdk-replay"), {"order_id": "o-1"}).event_id
    client.events.ack(event_id)
    assert client.events.replay(event_id).status is EventStatus.PENDING
    client.events.delete(event_id)
    with pytest.raises(NotFoundError):
        client.events.get(event_id)


def test_errors_carry_status_code_and_request_id(local_stack: LocalStack, client: TriggersClient) -> None:
    with pytest.raises(NotFoundError) as missing:
        client.events.get(str(uuid.uuid4()))
    assert (missing.value.status, missing.value.code) == (404, "NOT_FOUND")
    assert missing.value.request_id

    with TriggersClient(local_stack.base_url, "trg_not_a_real_key") as stranger, pytest.raises(ForbiddenError) as bad:
        stranger.inbox.ack(["x"])
    assert (bad.value.status, bad.value.code, bad.value.message) == (403, None, "Forbidden")
    assert bad.value.request_id


def test_keys_and_subscriptions_round_trip(local_stack: LocalStack, client: TriggersClient) -> None:
    created = client.keys.create("sdk reader", [Scope.EVENTS_READ], expires_in_seconds=3600)
    assert created.key.startswith("trg_")
    assert created.key_id in {key.key_id for key in client.keys.list()}
    with TriggersClient(local_stack.base_url, created.key) as reader:
        current = reader.keys.current()
        assert (current.key_id, current.tenant_id, current.scopes) == (
            created.key_id,
            created.tenant_id,
            [Scope.EVENTS_READ],
        )
        with pytest.raises(ForbiddenError) as refused:
            reader.events.send("order.created", {})
        assert refused.value.code == "FORBIDDEN"
        client.keys.revoke(created.key_id)
        with pytest.raises(ForbiddenError):
            reader.inbox.ack(["x"])
    revoked = next(iter(client.audit.list(action=AuditAction.KEY_REVOKED)))
    assert (revoked.target, revoked.actor_key_id) == (created.key_id, client.keys.current().key_id)
    assert revoked.request_id

    subscription = client.subscriptions.create("http://127.0.0.1:9/hooks", ["order.*"], description="sdk")
    assert subscription.secret.startswith("whsec_")
    assert client.subscriptions.get(subscription.subscription_id).description == "sdk"
    assert subscription.subscription_id in {found.subscription_id for found in client.subscriptions.list()}
    client.subscriptions.delete(subscription.subscription_id)
    with pytest.raises(NotFoundError):
        client.subscriptions.get(subscription.subscription_id)


def test_a_real_delivery_verifies_with_webhooks_verify(client: TriggersClient) -> None:
    deliveries: list[Delivery] = []
    receiver = WebhookReceiver(on_delivery=deliveries.append)
    receiver.start()
    event_type = unique_type("sdk-hook")
    subscription = client.subscriptions.create(receiver.url(), [event_type])
    try:
        event_id = client.events.send(event_type, {"order_id": "o-1"}).event_id
        deadline = time.monotonic() + 10
        while not deliveries and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        client.subscriptions.delete(subscription.subscription_id)
        receiver.stop()

    delivery = deliveries[0]
    delivered = webhooks.verify(delivery.body, delivery.headers, subscription.secret)
    assert (delivered["event_id"], delivered["payload"]) == (event_id, {"order_id": "o-1"})
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(delivery.body, delivery.headers, "whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=")


def eventually(check: Callable[[], T], timeout: float = 10.0) -> T:
    """Polls ``check`` until it returns something truthy, and returns that."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            pytest.fail(f"not true within {timeout}s: {check}")
        time.sleep(0.05)
    return result


def test_webhook_operations_test_disable_recover_and_rotate(client: TriggersClient) -> None:
    deliveries: list[Delivery] = []
    receiver = WebhookReceiver(on_delivery=deliveries.append)
    receiver.start()
    event_type = unique_type("sdk-ops")
    subscription = client.subscriptions.create(receiver.url(), [event_type], description="ops")
    subscription_id = subscription.subscription_id
    try:
        tested = client.subscriptions.test(subscription_id)
        assert (tested.outcome, tested.status_code) == (SendTestOutcome.SUCCEEDED, 200)

        parked = client.subscriptions.update(subscription_id, status="disabled", description=None)
        assert (parked.status, parked.description) == (SubscriptionStatus.DISABLED, None)
        before = datetime.now(UTC) - timedelta(seconds=1)
        held = client.events.send(event_type, {"order_id": "o-1"}).event_id
        skipped = eventually(lambda: list(client.subscriptions.attempts(subscription_id, outcome="skipped")))
        assert [attempt.event_id for attempt in skipped] == [held]

        assert client.subscriptions.update(subscription_id, status="active").status is SubscriptionStatus.ACTIVE
        rotated = client.subscriptions.rotate_secret(subscription_id)
        assert client.subscriptions.recover(subscription_id, since=before).queued == 1

        def delivered() -> list[Delivery]:
            return [delivery for delivery in deliveries if delivery.event.get("event_id") == held]

        delivery = eventually(delivered)[0]
        for secret in (subscription.secret, rotated.secret):  # both signatures for a day after a rotation
            assert webhooks.verify(delivery.body, delivery.headers, secret)["event_id"] == held
        succeeded = eventually(lambda: list(client.subscriptions.attempts(subscription_id, outcome="succeeded")))
        assert held in {attempt.event_id for attempt in succeeded}
    finally:
        client.subscriptions.delete(subscription_id)
        receiver.stop()


@pytest.mark.anyio
async def test_the_async_client_sends_pages_and_acks(local_stack: LocalStack, sdk_key: str) -> None:
    event_type = unique_type("sdk-async")
    async with AsyncTriggersClient(local_stack.base_url, sdk_key) as client:
        first = await client.events.send(event_type, {"n": -1})
        results = await client.events.send_many(numbered(event_type, 150))
        stored_ids = [result.event_id for result in results if isinstance(result, BatchItemStored)]
        assert len(stored_ids) == 150

        listed = [event.event_id async for event in client.inbox.list(event_type=event_type, page_size=60)]
        assert sorted(listed) == sorted([first.event_id, *stored_ids])

        history = [event.event_id async for event in client.events.list(event_type=event_type, order="asc")]
        assert history == sorted(listed)
        acks = await client.inbox.ack(listed)
        assert {ack.event_id for ack in acks} == set(listed)
        assert (await client.events.get(first.event_id)).status is EventStatus.ACKNOWLEDGED
        with pytest.raises(NotFoundError):
            await client.events.get(str(uuid.uuid4()))
