"""Faults: a 5xx with a request id, a logged stack trace, and no half-written state."""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError
from triggers.observability import logger
from triggers.storage.events import EventStore

from tests.integration.conftest import ApiClient, event_body


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """What the functions' Powertools logger writes (its handler keeps the stdout of import time)."""
    handler = logger.registered_handler
    buffer = io.StringIO()
    original = handler.setStream(buffer)  # type: ignore[attr-defined]
    yield buffer
    handler.setStream(original)  # type: ignore[attr-defined]


def client_error(code: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "injected"}}, operation)


def stored_event_count() -> int:
    return int(boto3.client("dynamodb").scan(TableName=os.environ["EVENTS_TABLE"], Select="COUNT")["Count"])


def fail_storage(monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    """Every write to the events table fails with ``code``, as DynamoDB would answer."""
    table = os.environ["EVENTS_TABLE"]
    real = BaseClient._make_api_call

    def failing(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        if params.get("TableName") == table and operation == "PutItem":
            raise client_error(code, operation)
        return real(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", failing)


def test_unexpected_fault_is_a_500_envelope_with_the_request_id(
    api: ApiClient, monkeypatch: pytest.MonkeyPatch, captured_logs: io.StringIO
) -> None:
    fail_storage(monkeypatch, "ValidationException")
    response = api.post("/v1/events", event_body(payload={"marker": "fault-payload-marker"}))
    assert response.status == 500
    error = response.json()["error"]
    assert error["code"] == "INTERNAL_ERROR"
    assert error["request_id"] == response.headers["apigw-requestid"]
    logs = captured_logs.getvalue()
    fault_lines = [json.loads(line) for line in logs.splitlines() if '"Unhandled fault"' in line]
    assert fault_lines
    assert "Traceback" in fault_lines[0]["exception"]
    assert fault_lines[0]["correlation_id"] == error["request_id"]
    assert "fault-payload-marker" not in logs
    assert stored_event_count() == 0


def test_throttling_is_a_503_the_client_may_retry(api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    fail_storage(monkeypatch, "ProvisionedThroughputExceededException")
    response = api.post("/v1/events", event_body())
    assert response.status == 503
    assert response.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert stored_event_count() == 0


def test_a_failed_write_leaves_the_idempotency_key_reusable(api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patch:
        fail_storage(patch, "ProvisionedThroughputExceededException")
        assert api.post("/v1/events", event_body(), headers={"idempotency-key": "retry-me"}).status == 503
    retried = api.post("/v1/events", event_body(), headers={"idempotency-key": "retry-me"})
    assert retried.status == 201
    assert stored_event_count() == 1


def test_a_batch_storage_outage_is_a_503(api: ApiClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from triggers.storage import events as events_module

    monkeypatch.setattr(events_module.time, "sleep", lambda _seconds: None)

    def throttled(self: EventStore, items: list[Any]) -> set[str]:
        return {item["sk"]["S"] for item in items}

    monkeypatch.setattr(EventStore, "_batch_write", throttled)
    response = api.post("/v1/events/batch", {"events": [event_body()] * 3})
    assert response.status == 503
    assert stored_event_count() == 0


def test_logs_never_hold_keys_secrets_or_payloads(api: ApiClient, captured_logs: io.StringIO) -> None:
    logger.setLevel(logging.DEBUG)
    try:
        marker = "payload-marker-7f3a"
        event_id = api.post("/v1/events", event_body(payload={"secret": marker})).json()["event_id"]
        api.post("/v1/events/batch", {"events": [event_body(payload={"secret": marker})]})
        api.get("/v1/inbox")
        api.get(f"/v1/events/{event_id}")
        created = api.post("/v1/keys", {"name": "logged?", "scopes": ["events:read"]}).json()
        api.get("/v1/inbox", key="trg_aaaaaaaaaaaa_" + "b" * 38)
    finally:
        logger.setLevel(logging.INFO)
    logs = captured_logs.getvalue()
    assert logs, "expected the functions to log something at DEBUG"
    for secret in (marker, api.key, created["key"]):
        assert secret
        assert secret not in logs
