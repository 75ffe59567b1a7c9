"""Webhook operations: edit, disable and enable, rotate the secret, send a test, list attempts, and
recover what was missed. A disabled subscription is parked, not lost: recovering it delivers every
held-back event exactly once more, with a valid signature."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from standardwebhooks import Webhook

from local.http_api import HttpApiEmulator
from local.pollers import DeliveryPipeline
from local.receiver import Answer
from tests.integration.conftest import ApiClient, event_body
from tests.integration.delivery_harness import Receiver, running_receiver, status_of, subscribe


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver(Receiver()) as running:
        yield running


@pytest.fixture
def pipeline(gateway: HttpApiEmulator) -> DeliveryPipeline:
    return DeliveryPipeline.in_process(gateway._functions)


def an_hour_ago() -> str:
    return (datetime.now(UTC) - timedelta(hours=1)).isoformat()


def attempts(api: ApiClient, subscription_id: str, query: str = "") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor = ""
    while True:
        response = api.get(f"/v1/subscriptions/{subscription_id}/attempts", query=query + cursor)
        assert response.status == 200, response.body
        page = response.json()
        found += page["attempts"]
        if not page["pagination"]["has_more"]:
            return found
        cursor = ("&" if query else "") + "cursor=" + page["pagination"]["next_cursor"]


def post_events(api: ApiClient, count: int) -> list[str]:
    body = {"events": [event_body(payload={"n": n}) for n in range(count)]}
    return [result["event_id"] for result in api.post("/v1/events/batch", body).json()["results"]]


def test_disabled_reenabled_and_recovered_delivers_each_event_exactly_once_more(
    api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline
) -> None:
    subscription = subscribe(api, receiver.url)
    sub_id = subscription["subscription_id"]
    before = post_events(api, 2)
    pipeline.run_until(lambda: len(receiver.deliveries) == 2)

    disabled = api.request("PATCH", f"/v1/subscriptions/{sub_id}", {"status": "disabled"})
    assert disabled.status == 200
    assert (disabled.json()["status"], disabled.json()["disabled_reason"]) == ("disabled", "disabled through the API")
    parked = post_events(api, 5)
    pipeline.drain()
    assert len(receiver.deliveries) == 2  # nothing reaches a disabled subscription...
    skipped = attempts(api, sub_id, "outcome=skipped")
    assert sorted(attempt["event_id"] for attempt in skipped) == sorted(parked)  # ...but nothing is lost

    assert api.request("PATCH", f"/v1/subscriptions/{sub_id}", {"status": "active"}).json()["status"] == "active"
    recovered = api.post(f"/v1/subscriptions/{sub_id}/recover", {"since": an_hour_ago()})
    assert recovered.status == 202
    assert recovered.json() == {"queued": 5, "resume_since": None}
    pipeline.run_until(lambda: len(receiver.deliveries) == 7)
    pipeline.drain()

    again = api.post(f"/v1/subscriptions/{sub_id}/recover", {"since": an_hour_ago()})
    pipeline.drain()
    assert again.json()["queued"] == 0  # recovering twice never delivers twice
    delivered = [json.loads(delivery.body)["event_id"] for delivery in receiver.deliveries]
    assert sorted(delivered) == sorted(before + parked)
    for delivery in receiver.deliveries:
        Webhook(subscription["secret"]).verify(delivery.body, dict(delivery.headers))
    assert all(status_of(api, event_id) == "delivered" for event_id in parked)


def test_recover_resends_deliveries_that_failed_for_good(
    api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline
) -> None:
    receiver.default = Answer(500)
    sub_id = subscribe(api, receiver.url)["subscription_id"]
    (event_id,) = post_events(api, 1)
    pipeline.run_until(lambda: status_of(api, event_id) == "failed", timeout=30)
    assert {attempt["outcome"] for attempt in attempts(api, sub_id)} == {"failed"}

    receiver.default = Answer(200)
    assert api.post(f"/v1/subscriptions/{sub_id}/recover", {"since": an_hour_ago()}).json()["queued"] == 1
    pipeline.run_until(lambda: status_of(api, event_id) == "delivered")
    newest = attempts(api, sub_id)[0]
    assert (newest["outcome"], newest["status_code"], newest["will_retry"]) == ("succeeded", 200, False)
    failed = attempts(api, sub_id, "outcome=failed")
    assert len(failed) == 3
    assert [attempt["will_retry"] for attempt in failed] == [False, True, True]  # newest first


def test_recover_only_looks_inside_its_window(api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline) -> None:
    sub_id = subscribe(api, receiver.url)["subscription_id"]
    api.request("PATCH", f"/v1/subscriptions/{sub_id}", {"status": "disabled"})
    post_events(api, 2)
    pipeline.drain()
    later = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    assert api.post(f"/v1/subscriptions/{sub_id}/recover", {"since": later}).json()["queued"] == 0
    earlier = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    window = {"since": earlier, "until": (datetime.now(UTC) - timedelta(hours=1)).isoformat()}
    assert api.post(f"/v1/subscriptions/{sub_id}/recover", window).json()["queued"] == 0


def test_after_a_rotation_deliveries_verify_with_the_old_and_the_new_secret(
    api: ApiClient, receiver: Receiver, pipeline: DeliveryPipeline
) -> None:
    subscription = subscribe(api, receiver.url)
    rotated = api.post(f"/v1/subscriptions/{subscription['subscription_id']}/secret/rotate")
    assert rotated.status == 200
    new_secret = rotated.json()["secret"]
    assert new_secret.startswith("whsec_")
    assert new_secret != subscription["secret"]
    expires = datetime.fromisoformat(rotated.json()["previous_secret_expires_at"])
    assert timedelta(hours=23) < expires - datetime.now(UTC) <= timedelta(hours=24)
    shown = api.get(f"/v1/subscriptions/{subscription['subscription_id']}").json()
    assert shown["previous_secret_expires_at"] == rotated.json()["previous_secret_expires_at"]
    assert new_secret not in json.dumps(shown)

    (event_id,) = post_events(api, 1)
    pipeline.run_until(lambda: status_of(api, event_id) == "delivered")
    (delivery,) = receiver.deliveries
    assert len(delivery.headers["webhook-signature"].split(" ")) == 2
    for secret in (new_secret, subscription["secret"]):
        assert Webhook(secret).verify(delivery.body, dict(delivery.headers))["event_id"] == event_id


def test_edit_changes_only_what_is_sent(api: ApiClient, receiver: Receiver) -> None:
    subscription = subscribe(api, receiver.url)
    path = f"/v1/subscriptions/{subscription['subscription_id']}"
    edited = api.request("PATCH", path, {"event_types": ["user.*", "order.shipped"], "description": "CRM"}).json()
    assert (edited["event_types"], edited["description"]) == (["user.*", "order.shipped"], "CRM")
    assert (edited["target_url"], edited["status"]) == (receiver.url, "active")
    cleared = api.request("PATCH", path, {"description": None}).json()
    assert cleared["description"] is None
    assert cleared["event_types"] == ["user.*", "order.shipped"]


@pytest.mark.parametrize(
    "patch",
    [
        {"status": "paused"},
        {"event_types": []},
        {"event_types": ["*a*a*a*a*a*a*a*a*b"]},
        {"target_url": "http://[::1/"},
        {"target_url": "ftp://example.com/"},
        {"secret": "whsec_mine"},
        {"description": "x" * 257},
    ],
)
def test_a_bad_edit_is_400_and_changes_nothing(api: ApiClient, receiver: Receiver, patch: dict[str, Any]) -> None:
    subscription = subscribe(api, receiver.url)
    path = f"/v1/subscriptions/{subscription['subscription_id']}"
    assert api.request("PATCH", path, patch).status == 400
    assert api.get(path).json() == {key: value for key, value in subscription.items() if key != "secret"}


def test_a_test_delivery_is_signed_reported_and_not_stored(api: ApiClient, receiver: Receiver) -> None:
    subscription = subscribe(api, receiver.url)
    result = api.post(f"/v1/subscriptions/{subscription['subscription_id']}/test")
    assert result.status == 200
    assert {key: result.json()[key] for key in ("outcome", "status_code", "error")} == {
        "outcome": "succeeded",
        "status_code": 200,
        "error": None,
    }
    (delivery,) = receiver.deliveries
    sent = Webhook(subscription["secret"]).verify(delivery.body, dict(delivery.headers))
    assert sent["event_type"] == "triggers.test"
    assert api.get("/v1/events").json()["events"] == []  # nothing stored as an event

    receiver.default = Answer(503)
    failed = api.post(f"/v1/subscriptions/{subscription['subscription_id']}/test").json()
    assert (failed["outcome"], failed["status_code"]) == ("failed", 503)


def test_a_test_to_a_refused_address_is_reported_not_sent(api: ApiClient, receiver: Receiver) -> None:
    from triggers.delivery.targets import TargetPolicy

    from functions.subscriptions import handler

    subscription = subscribe(api, receiver.url)
    handler.subscriptions.cache_clear()
    handler.settings = handler.settings.model_copy(update={"allow_loopback_targets": False})
    try:
        result = api.post(f"/v1/subscriptions/{subscription['subscription_id']}/test").json()
    finally:
        handler.settings = handler.settings.model_copy(update={"allow_loopback_targets": True})
        handler.subscriptions.cache_clear()
    assert result["outcome"] == "failed"
    assert "private, loopback or link-local" in result["error"]
    assert receiver.deliveries == []
    assert TargetPolicy  # the same policy as the worker's


@pytest.mark.parametrize(
    ("method", "tail", "body"),
    [
        ("GET", "", None),
        ("PATCH", "", {"status": "disabled"}),
        ("DELETE", "", None),
        ("POST", "/secret/rotate", None),
        ("POST", "/test", None),
        ("GET", "/attempts", None),
        ("POST", "/recover", {"since": "2026-01-01T00:00:00Z"}),
    ],
)
def test_another_tenants_subscription_is_404(
    api: ApiClient, other_tenant: ApiClient, receiver: Receiver, method: str, tail: str, body: Any
) -> None:
    subscription = subscribe(api, receiver.url)
    response = other_tenant.request(method, f"/v1/subscriptions/{subscription['subscription_id']}{tail}", body)
    assert response.status == 404
    assert api.get(f"/v1/subscriptions/{subscription['subscription_id']}").json()["status"] == "active"
    assert receiver.deliveries == []


@pytest.mark.parametrize(
    ("tail", "body"),
    [("/recover", {}), ("/recover", {"since": "yesterday"}), ("/recover", {"since": an_hour_ago(), "x": 1})],
)
def test_bad_recover_requests_are_400(api: ApiClient, receiver: Receiver, tail: str, body: Any) -> None:
    subscription = subscribe(api, receiver.url)
    assert api.post(f"/v1/subscriptions/{subscription['subscription_id']}{tail}", body).status == 400


def test_operations_are_audited(api: ApiClient, receiver: Receiver) -> None:
    sub_id = subscribe(api, receiver.url)["subscription_id"]
    path = f"/v1/subscriptions/{sub_id}"
    api.request("PATCH", path, {"status": "disabled"})
    api.request("PATCH", path, {"status": "active", "description": "back"})
    api.post(f"{path}/secret/rotate")
    api.post(f"{path}/test")
    api.post(f"{path}/recover", {"since": an_hour_ago()})
    actions = [entry["action"] for entry in api.get("/v1/audit").json()["entries"]]
    assert actions[:6] == [
        "subscription.recovered",
        "subscription.tested",
        "subscription.secret_rotated",
        "subscription.updated",
        "subscription.enabled",
        "subscription.disabled",
    ]
