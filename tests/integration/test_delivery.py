"""Push delivery end to end: subscriptions, dispatcher, signed webhooks, retries, DLQ and replay."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from standardwebhooks import Webhook
from triggers.delivery.jobs import JobQueue
from triggers.storage.deliveries import DeliveryLedger

from local.http_api import HttpApiEmulator
from local.pollers import DeliveryPipeline
from local.receiver import Answer
from tests.integration.conftest import ApiClient, event_body
from tests.integration.delivery_harness import Receiver, dead_letters, running_receiver, status_of, subscribe


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver(Receiver()) as running:
        yield running


@pytest.fixture
def pipeline(gateway: HttpApiEmulator) -> DeliveryPipeline:
    return DeliveryPipeline.in_process(gateway._functions)


def test_delivery_is_signed_per_standard_webhooks(
    api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline
) -> None:
    subscription = subscribe(api, receiver.url)
    assert subscription["secret"].startswith("whsec_")
    event_id = api.post("/v1/events", event_body()).json()["event_id"]
    pipeline.run_until(lambda: status_of(api, event_id) == "delivered")
    (delivery,) = receiver.deliveries
    payload = Webhook(subscription["secret"]).verify(delivery.body, delivery.headers)
    assert payload["event_id"] == event_id
    assert payload["payload"] == {"order_id": "o-1", "total": 42.5}
    assert delivery.headers["user-agent"].startswith("TriggersAPI-Webhooks/")
    event = api.get(f"/v1/events/{event_id}").json()
    assert event["delivery"]["attempts"] == 1
    assert event["delivery"]["history"][0]["outcome"] == "delivered"
    assert event["delivery"]["last_status_code"] == 200
    assert api.get("/v1/inbox").json()["events"] == []
    assert [e["event_id"] for e in api.get("/v1/inbox", query="status=delivered").json()["events"]] == [event_id]


def test_a_tampered_body_fails_verification(api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline) -> None:
    subscription = subscribe(api, receiver.url)
    event_id = api.post("/v1/events", event_body()).json()["event_id"]
    pipeline.run_until(lambda: status_of(api, event_id) == "delivered")
    delivery = receiver.deliveries[0]
    with pytest.raises(Exception, match="signature"):
        Webhook(subscription["secret"]).verify(delivery.body.replace(b"42.5", b"99.9"), delivery.headers)


def test_without_matching_subscription_the_event_stays_in_the_inbox(
    api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline
) -> None:
    subscribe(api, receiver.url, ["invoice.*"])
    event_id = api.post("/v1/events", event_body()).json()["event_id"]
    pipeline.drain()
    assert receiver.deliveries == []
    assert [e["event_id"] for e in api.get("/v1/inbox").json()["events"]] == [event_id]


def test_each_matching_subscription_gets_the_event(
    api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline
) -> None:
    subscribe(api, receiver.url, ["order.created"])
    subscribe(api, receiver.url, ["*"])
    subscribe(api, receiver.url, ["invoice.*"])
    event_id = api.post("/v1/events", event_body()).json()["event_id"]
    pipeline.run_until(lambda: status_of(api, event_id) == "delivered")
    assert len({delivery.webhook_id for delivery in receiver.deliveries}) == 2


def test_failures_are_retried_until_success_with_one_webhook_id(
    api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline
) -> None:
    receiver.script = [Answer(500), Answer(502)]
    subscribe(api, receiver.url)
    event_id = api.post("/v1/events", event_body()).json()["event_id"]
    pipeline.run_until(lambda: status_of(api, event_id) == "delivered")
    assert len(receiver.deliveries) == 3
    assert len({delivery.webhook_id for delivery in receiver.deliveries}) == 1
    history = api.get(f"/v1/events/{event_id}").json()["delivery"]["history"]
    assert [(item["attempt"], item["outcome"], item["status_code"]) for item in history] == [
        (1, "retrying", 500),
        (2, "retrying", 502),
        (3, "delivered", 200),
    ]


def test_exhausted_retries_dead_letter_the_job_and_fail_the_event_then_replay_delivers(
    api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline
) -> None:
    receiver.default = Answer(500)
    subscription = subscribe(api, receiver.url)
    event_id = api.post("/v1/events", event_body()).json()["event_id"]
    pipeline.run_until(lambda: status_of(api, event_id) == "failed")
    assert len(receiver.deliveries) == 3  # RETRY_DELAYS_SECONDS=1,1 in tests: three attempts
    (job,) = dead_letters()
    assert (job["event_id"], job["subscription_id"]) == (event_id, subscription["subscription_id"])
    failed = api.get("/v1/inbox", query="status=failed").json()["events"]
    assert [event["event_id"] for event in failed] == [event_id]
    assert failed[0]["delivery"]["failed_subscriptions"] == [subscription["subscription_id"]]
    assert failed[0]["delivery"]["attempts"] is None  # listings do not read attempt records

    receiver.default = Answer(200)
    replayed = api.post(f"/v1/events/{event_id}/replay")
    assert replayed.status == 202
    assert replayed.json()["status"] == "pending"
    pipeline.run_until(lambda: status_of(api, event_id) == "delivered")
    webhook_ids = [delivery.webhook_id for delivery in receiver.deliveries]
    assert webhook_ids[-1] != webhook_ids[0]  # a replay is a new message


def test_410_gone_disables_the_subscription(api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline) -> None:
    receiver.default = Answer(410)
    subscription = subscribe(api, receiver.url)
    event_id = api.post("/v1/events", event_body()).json()["event_id"]
    pipeline.run_until(lambda: status_of(api, event_id) == "failed")
    assert len(receiver.deliveries) == 1
    assert api.get(f"/v1/subscriptions/{subscription['subscription_id']}").json()["status"] == "disabled"
    second = api.post("/v1/events", event_body()).json()["event_id"]
    pipeline.drain()
    assert len(receiver.deliveries) == 1
    assert status_of(api, second) == "pending"


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_is_honoured(
    api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline, monkeypatch: pytest.MonkeyPatch, status: int
) -> None:
    deferrals: list[int] = []
    real_hide = JobQueue._hide

    def recording(self: JobQueue, receipt_handle: str, seconds: int) -> None:
        deferrals.append(seconds)
        real_hide(self, receipt_handle, seconds)

    monkeypatch.setattr(JobQueue, "_hide", recording)
    receiver.script = [Answer(status)]  # with Retry-After: 2
    subscribe(api, receiver.url)
    event_id = api.post("/v1/events", event_body()).json()["event_id"]
    pipeline.run_until(lambda: status_of(api, event_id) == "delivered")
    assert deferrals == [2]


def test_a_duplicated_message_settles_once(
    api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    subscribe(api, receiver.url)
    event_id = api.post("/v1/events", event_body()).json()["event_id"]
    pipeline.stream.poll_once()
    original_receive = pipeline.queue._client.receive_message
    seen: list[Any] = []

    def receive_twice(**kwargs: Any) -> Any:
        response = original_receive(**kwargs)
        seen.extend(response.get("Messages", []))
        return response

    monkeypatch.setattr(pipeline.queue._client, "receive_message", receive_twice)
    roll_ups: list[Any] = []
    real_roll_up = DeliveryLedger._roll_up

    def counting(self: DeliveryLedger, *args: Any, **kwargs: Any) -> Any:
        result = real_roll_up(self, *args, **kwargs)
        roll_ups.append(result)
        return result

    monkeypatch.setattr(DeliveryLedger, "_roll_up", counting)
    pipeline.queue.poll_once()
    # SQS delivers the same message again (at-least-once): the worker sees it twice, and knows from
    # the attempt records that this job got through already.
    duplicate = {"Records": [pipeline.queue._record(message) for message in seen]}
    pipeline.queue._invoke(duplicate)
    assert len(receiver.deliveries) == 1
    assert [result for result in roll_ups if result is not None] == [roll_ups[0]]
    assert status_of(api, event_id) == "delivered"


def test_erased_events_are_not_delivered(api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline) -> None:
    subscribe(api, receiver.url)
    event_id = api.post("/v1/events", event_body()).json()["event_id"]
    pipeline.stream.poll_once()
    assert api.delete(f"/v1/events/{event_id}").status == 204
    pipeline.drain()
    assert receiver.deliveries == []
