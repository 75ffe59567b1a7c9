"""docs/openapi.json and the console's API types generated from it match what the API serves, and its
webhooks section describes the body the worker sends.

``make openapi`` rewrites both; these tests fail until it has been run after a route or model change.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from triggers.delivery.worker import webhook_body
from triggers.models import Event, EventStatus

from local.openapi import COMMITTED_DOCUMENT, WEBHOOK_EXAMPLE, WebhookEvent, written_document

CONSOLE = Path(__file__).resolve().parents[2] / "console"
GENERATED_TYPES = CONSOLE / "src" / "api" / "schema.d.ts"
OPENAPI_TYPESCRIPT = CONSOLE / "node_modules" / ".bin" / "openapi-typescript"
STALE = "stale: `make openapi` regenerates it"


def test_the_committed_document_is_the_one_the_api_serves() -> None:
    assert COMMITTED_DOCUMENT.read_bytes() == written_document(), f"docs/openapi.json is {STALE}"


def test_the_console_types_are_generated_from_the_committed_document() -> None:
    if not OPENAPI_TYPESCRIPT.exists():
        pytest.fail("the console's packages are not installed: `make console` installs them (make test does)")
    generated = subprocess.run(
        [OPENAPI_TYPESCRIPT, COMMITTED_DOCUMENT], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert GENERATED_TYPES.read_text() == generated, f"console/src/api/schema.d.ts is {STALE}"


@pytest.mark.parametrize("source", ["shop", None])
def test_the_documented_webhook_body_is_the_one_the_worker_sends(source: str | None) -> None:
    event = Event(
        event_id="01a2f0c4-7b1e-7c3a-9d2e-5f4b3a2c1d0e",
        event_type="order.created",
        status=EventStatus.PENDING,
        received_at="2026-11-30T12:00:00.123Z",
        source=source,
        tags=["eu"],
        metadata={"region": "eu-west-1"},
        payload={"order_id": "o-1"},
        acknowledged_at=None,
    )
    body = webhook_body(event)
    assert WebhookEvent.model_validate_json(body).model_dump() == json.loads(body)  # no field missing or extra
    assert WebhookEvent.model_validate(WEBHOOK_EXAMPLE)
