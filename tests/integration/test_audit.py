"""GET /v1/audit: every key, subscription and event action, with its request id and source IP, newest
first, filtered by action and time, paged with cursors; only the tenant's own entries."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import ApiClient, event_body


def entries(api: ApiClient, query: str = "") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor = ""
    while True:
        response = api.get("/v1/audit", query=query + cursor)
        assert response.status == 200, response.body
        page = response.json()
        found += page["entries"]
        if not page["pagination"]["has_more"]:
            return found
        cursor = ("&" if query else "") + "cursor=" + page["pagination"]["next_cursor"]


def test_every_managing_action_is_audited_with_request_id_and_source_ip(api: ApiClient) -> None:
    key = api.post("/v1/keys", {"name": "k", "scopes": ["events:read"]})
    api.delete(f"/v1/keys/{key.json()['key_id']}")
    subscription = api.post("/v1/subscriptions", {"target_url": "http://127.0.0.1:9/h", "event_types": ["*"]}).json()
    api.delete(f"/v1/subscriptions/{subscription['subscription_id']}")
    first, second, third = (api.post("/v1/events", event_body()).json()["event_id"] for _ in range(3))
    ack = api.post(f"/v1/events/{first}/ack")
    api.post("/v1/inbox/ack", {"event_ids": [second, "01900000-0000-7000-8000-000000000000"]})
    api.post(f"/v1/events/{third}/replay")
    api.delete(f"/v1/events/{third}")

    logged = entries(api)
    assert [entry["action"] for entry in logged] == [
        "event.deleted",
        "event.replayed",
        "event.acknowledged",
        "event.acknowledged",
        "subscription.deleted",
        "subscription.created",
        "key.revoked",
        "key.created",
    ]
    assert logged[3]["target"] == first
    assert logged[3]["request_id"] == ack.headers["apigw-requestid"]
    assert logged[2]["targets"] == [second]  # a bulk ack names only what it acknowledged
    assert all(entry["source_ip"] == "127.0.0.1" for entry in logged)
    assert all(entry["actor_key_id"] == api.key[4:16] for entry in logged)  # type: ignore[index]


def test_filters_by_action_and_pages_newest_first(api: ApiClient) -> None:
    created = [api.post("/v1/keys", {"name": f"k{n}", "scopes": ["events:read"]}).json()["key_id"] for n in range(7)]
    api.delete(f"/v1/keys/{created[0]}")
    listed = entries(api, "action=key.created&limit=2")
    assert [entry["target"] for entry in listed] == created[::-1]
    assert [entry["target"] for entry in entries(api, "action=key.revoked")] == [created[0]]


def test_another_tenants_log_is_invisible(api: ApiClient, other_tenant: ApiClient) -> None:
    api.post("/v1/keys", {"name": "mine", "scopes": ["events:read"]})
    assert entries(other_tenant) == []


@pytest.mark.parametrize("query", ["action=key.deleted", "limit=201", "since=yesterday", "cursor=forged", "x=1"])
def test_bad_queries_are_400(api: ApiClient, query: str) -> None:
    assert api.get("/v1/audit", query=query).status == 400


def test_reading_the_log_needs_keys_manage(gateway: Any) -> None:
    from triggers.auth.apikeys import Scope

    from tests.integration.conftest import issue_key

    reader = ApiClient(gateway, issue_key("acme", [Scope.EVENTS_READ, Scope.SUBSCRIPTIONS_MANAGE]))
    assert reader.get("/v1/audit").status == 403
