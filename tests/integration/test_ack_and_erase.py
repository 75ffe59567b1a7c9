"""Acknowledging and erasing events."""

from __future__ import annotations

import os
import uuid
from typing import Any

import boto3
from triggers.auth.apikeys import Scope

from tests.integration.conftest import ApiClient, event_body, issue_key


def new_event(api: ApiClient) -> str:
    return str(api.post("/v1/events", event_body()).json()["event_id"])


def audit_actions(tenant: str) -> list[str]:
    items = boto3.client("dynamodb").query(
        TableName=os.environ["AUDIT_TABLE"],
        KeyConditionExpression="tenant_id = :t",
        ExpressionAttributeValues={":t": {"S": tenant}},
    )["Items"]
    return [item["action"]["S"] for item in items]


def test_ack_is_idempotent(api: ApiClient) -> None:
    event_id = new_event(api)
    first = api.post(f"/v1/events/{event_id}/ack")
    second = api.post(f"/v1/events/{event_id}/ack")
    assert (first.status, second.status) == (200, 200)
    assert first.json() == second.json()
    assert first.json()["status"] == "acknowledged"
    event = api.get(f"/v1/events/{event_id}").json()
    assert (event["status"], event["acknowledged_at"]) == ("acknowledged", first.json()["acknowledged_at"])


def test_ack_of_unknown_event_is_404(api: ApiClient) -> None:
    assert api.post(f"/v1/events/{uuid.uuid4()}/ack").status == 404


def test_bulk_ack_reports_each_id_in_order(api: ApiClient) -> None:
    ids = [new_event(api) for _ in range(3)]
    api.post(f"/v1/events/{ids[0]}/ack")
    missing = "01890000-0000-7000-8000-000000000000"
    response = api.post("/v1/inbox/ack", {"event_ids": [*ids, missing, "junk"]})
    assert response.status == 200
    results = response.json()["results"]
    assert [result["event_id"] for result in results] == [*ids, missing, "junk"]
    assert [result.get("status") for result in results[:3]] == ["acknowledged"] * 3
    assert [result["error"]["code"] for result in results[3:]] == ["NOT_FOUND", "NOT_FOUND"]
    assert api.get("/v1/inbox").json()["events"] == []


def test_bulk_ack_validates_its_body(api: ApiClient) -> None:
    for body in ({"event_ids": []}, {"event_ids": ["x"] * 101}, {"ids": ["x"]}):
        response = api.post("/v1/inbox/ack", body)
        assert response.status == 400
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_delete_erases_the_event_and_audits_it(api: ApiClient) -> None:
    event_id = new_event(api)
    response = api.delete(f"/v1/events/{event_id}")
    assert (response.status, response.body) == (204, b"")
    assert api.get(f"/v1/events/{event_id}").status == 404
    assert api.delete(f"/v1/events/{event_id}").status == 404
    assert "event.deleted" in audit_actions("acme")


def test_deleting_needs_events_write(gateway: Any, api: ApiClient) -> None:
    event_id = new_event(api)
    reader = ApiClient(gateway, issue_key("acme", [Scope.EVENTS_READ]))
    assert reader.post(f"/v1/events/{event_id}/ack").status == 200
    response = reader.delete(f"/v1/events/{event_id}")
    assert response.status == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
