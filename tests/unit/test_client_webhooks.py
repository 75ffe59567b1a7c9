"""``triggers_client.webhooks.verify``: what a receiver accepts, before and after a secret rotation."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
import standardwebhooks
from triggers_client import TriggersError, WebhookVerificationError, webhooks

OLD_SECRET = "whsec_" + base64.b64encode(b"old secret, 32 bytes long ......").decode()
NEW_SECRET = "whsec_" + base64.b64encode(b"new secret, 32 bytes long ......").decode()
BODY = json.dumps({"event_id": "e-1", "event_type": "order.created", "payload": {"order_id": "o-1"}}).encode()


def delivery(*secrets: str, sent_at: datetime | None = None, body: bytes = BODY) -> dict[str, str]:
    """Headers as the worker sends them: one signature per secret, space-separated."""
    moment = sent_at or datetime.now(UTC)
    signatures = [standardwebhooks.Webhook(secret).sign("msg_1", moment, body.decode()) for secret in secrets]
    return {
        "Webhook-Id": "msg_1",
        "Webhook-Timestamp": str(int(moment.timestamp())),
        "Webhook-Signature": " ".join(signatures),
    }


def test_a_signed_delivery_verifies_and_is_parsed() -> None:
    assert webhooks.verify(BODY, delivery(OLD_SECRET), OLD_SECRET) == json.loads(BODY)
    assert webhooks.verify(BODY.decode(), delivery(OLD_SECRET), OLD_SECRET)["event_id"] == "e-1"


@pytest.mark.parametrize("receiver_secret", [OLD_SECRET, NEW_SECRET])
def test_after_a_rotation_either_secret_verifies_a_doubly_signed_delivery(receiver_secret: str) -> None:
    assert webhooks.verify(BODY, delivery(NEW_SECRET, OLD_SECRET), receiver_secret)["event_id"] == "e-1"


def test_a_receiver_may_hold_several_secrets() -> None:
    assert webhooks.verify(BODY, delivery(OLD_SECRET), [NEW_SECRET, OLD_SECRET])["event_id"] == "e-1"


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (BODY + b" ", delivery(OLD_SECRET)),  # tampered body
        (BODY, delivery(NEW_SECRET)),  # another subscription's secret
        (BODY, delivery(OLD_SECRET, sent_at=datetime.now(UTC) - timedelta(minutes=6))),  # replayed
        (BODY, {**delivery(OLD_SECRET), "Webhook-Signature": "garbage"}),
        (BODY, {**delivery(OLD_SECRET), "Webhook-Signature": "v1,not*base64"}),
        (BODY, {"Webhook-Id": "msg_1"}),
    ],
)
def test_anything_else_is_refused(body: bytes, headers: dict[str, str]) -> None:
    with pytest.raises(WebhookVerificationError) as raised:
        webhooks.verify(body, headers, OLD_SECRET)
    assert isinstance(raised.value, TriggersError)
    assert raised.value.status is None


def test_no_secret_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="whsec_"):
        webhooks.verify(BODY, delivery(OLD_SECRET), [])
