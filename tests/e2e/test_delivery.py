"""Push delivery over real HTTP: the local stack signs and posts webhooks to a receiver in this process,
retries a failing one into the dead-letter queue, redrives it with ``triggers dlq redrive``, replays,
honours 410 Gone, and refuses private targets.

Each test subscribes to an event type of its own, so the demo tenant's other events never reach it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
import pytest
from standardwebhooks import Webhook

from local.receiver import FailurePlan, WebhookReceiver

from .helpers import LocalStack, assert_error, event, unique_type

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

# RETRY_DELAYS_SECONDS=1,1 in the e2e stack (conftest): three attempts, then the DLQ.
ATTEMPTS = 3
T = TypeVar("T")


def eventually(check: Callable[[], T], timeout: float = 10.0) -> T:
    """Polls ``check`` until it returns something truthy, and returns that."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            pytest.fail(f"not true within {timeout}s: {check.__doc__ or check}")
        time.sleep(0.05)
    return result


def subscribe(api: httpx.Client, receiver: WebhookReceiver, event_type: str) -> dict[str, Any]:
    response = api.post("/v1/subscriptions", json={"target_url": receiver.url(), "event_types": [event_type]})
    assert response.status_code == 201, response.text
    subscription: dict[str, Any] = response.json()
    return subscription


def ingest(api: httpx.Client, event_type: str) -> str:
    response = api.post("/v1/events", json=event(event_type))
    assert response.status_code == 201, response.text
    event_id: str = response.json()["event_id"]
    return event_id


def stored(api: httpx.Client, event_id: str) -> dict[str, Any]:
    response = api.get(f"/v1/events/{event_id}")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def reaches(api: httpx.Client, event_id: str, status: str) -> Callable[[], bool]:
    def check() -> bool:
        return stored(api, event_id)["status"] == status

    check.__doc__ = f"event {event_id} is {status}"
    return check


def listed(api: httpx.Client, status: str, event_type: str) -> list[dict[str, Any]]:
    response = api.get("/v1/inbox", params={"status": status, "event_type": event_type})
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["events"]
    return events


def test_a_subscriber_gets_a_signed_delivery_and_the_event_shows_the_attempt(
    local_stack: LocalStack, api: httpx.Client, start_receiver: Callable[..., WebhookReceiver]
) -> None:
    receiver = start_receiver()
    event_type = unique_type("signed")
    subscription = subscribe(api, receiver, event_type)
    event_id = ingest(api, event_type)

    eventually(lambda: receiver.deliveries, timeout=5)
    (delivery,) = receiver.deliveries
    payload = Webhook(subscription["secret"]).verify(delivery.body, dict(delivery.headers))
    assert (payload["event_id"], payload["event_type"]) == (event_id, event_type)
    assert payload["payload"] == event(event_type)["payload"]

    eventually(reaches(api, event_id, "delivered"))
    (attempt,) = stored(api, event_id)["delivery"]["history"]
    assert attempt["subscription_id"] == subscription["subscription_id"]
    assert attempt["webhook_id"] == delivery.webhook_id
    assert (attempt["attempt"], attempt["outcome"], attempt["status_code"]) == (1, "delivered", 200)
    assert [item["event_id"] for item in listed(api, "delivered", event_type)] == [event_id]
    assert "whsec_" not in local_stack.logs_since_startup()


def test_a_failing_subscriber_fails_the_event_and_a_dlq_redrive_delivers_it(
    local_stack: LocalStack, api: httpx.Client, start_receiver: Callable[..., WebhookReceiver]
) -> None:
    receiver = start_receiver(FailurePlan(500, times=ATTEMPTS))  # healthy again once the schedule is used up
    event_type = unique_type("redrive")
    subscription = subscribe(api, receiver, event_type)
    logged_from = local_stack.log_size()
    event_id = ingest(api, event_type)

    eventually(reaches(api, event_id, "failed"), timeout=15)
    assert [(d.attempt, d.status) for d in receiver.deliveries] == [(n, 500) for n in range(1, ATTEMPTS + 1)]
    # A scheduled retry is expected, not a fault: one INFO line each, no ERROR line and no stack trace.
    logs = local_stack.logs_since(logged_from)
    retries = [line for line in logs.splitlines() if "Delivery retry scheduled" in line and event_id in line]
    assert len(retries) == ATTEMPTS - 1, logs
    assert all('"level":"INFO"' in line for line in retries), retries
    assert '"level":"ERROR"' not in logs, logs
    assert "Traceback" not in logs, logs
    history = stored(api, event_id)["delivery"]["history"]
    assert [item["outcome"] for item in history] == ["retrying"] * (ATTEMPTS - 1) + ["failed"]
    (failed,) = listed(api, "failed", event_type)
    assert failed["delivery"]["failed_subscriptions"] == [subscription["subscription_id"]]

    redriven = local_stack.cli("dlq", "redrive")
    assert redriven.returncode == 0, redriven.stderr
    moved = re.search(r"Moved (\d+) dead-lettered job", redriven.stdout)
    assert moved, redriven.stdout
    assert int(moved.group(1)) >= 1  # other tests' dead letters may be in the shared stack's DLQ too

    eventually(reaches(api, event_id, "delivered"))
    last = receiver.deliveries[-1]
    assert (last.status, last.webhook_id) == (200, receiver.deliveries[0].webhook_id)
    assert listed(api, "failed", event_type) == []


def test_a_replay_is_delivered_again_with_a_new_webhook_id(
    api: httpx.Client, start_receiver: Callable[..., WebhookReceiver]
) -> None:
    receiver = start_receiver()
    event_type = unique_type("replay")
    subscribe(api, receiver, event_type)
    event_id = ingest(api, event_type)
    eventually(reaches(api, event_id, "delivered"))

    replayed = api.post(f"/v1/events/{event_id}/replay")
    assert replayed.status_code == 202, replayed.text
    eventually(lambda: len(receiver.deliveries) == 2)
    first, second = receiver.deliveries
    assert second.webhook_id != first.webhook_id
    assert second.event["event_id"] == event_id
    eventually(reaches(api, event_id, "delivered"))


def test_410_gone_disables_the_subscription(api: httpx.Client, start_receiver: Callable[..., WebhookReceiver]) -> None:
    receiver = start_receiver(FailurePlan(410))
    event_type = unique_type("gone")
    subscription = subscribe(api, receiver, event_type)
    event_id = ingest(api, event_type)

    eventually(reaches(api, event_id, "failed"))
    assert [delivery.status for delivery in receiver.deliveries] == [410]  # no retries
    found = api.get(f"/v1/subscriptions/{subscription['subscription_id']}").json()
    assert found["status"] == "disabled"
    assert found["disabled_at"]


@pytest.mark.parametrize(
    "target_url",
    [
        "http://10.0.0.1/hooks",
        "http://169.254.169.254/latest/meta-data/",
        "http://192.168.1.20:9000/hooks",
        "http://[::ffff:10.0.0.1]/hooks",
    ],
)
def test_private_targets_are_refused_even_locally(api: httpx.Client, target_url: str) -> None:
    """Loopback is the only private range the local stack accepts (its receivers run on 127.0.0.1)."""
    response = api.post("/v1/subscriptions", json={"target_url": target_url, "event_types": ["*"]})
    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert [detail["field"] for detail in error["details"]] == ["target_url"]
