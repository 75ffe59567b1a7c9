"""API key management and the authorizer, end to end through the gateway emulator."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from triggers.auth.apikeys import Scope
from triggers.errors import LimitReached
from triggers.storage.keys import KeyStore, KeyTerms

from functions.authorizer.handler import lambda_handler as authorizer
from local.gateway_events import HttpRequest, authorizer_event
from local.lambdas import LocalContext
from tests.integration.conftest import ApiClient, issue_key


def test_created_key_is_shown_once_and_works(api: ApiClient) -> None:
    created = api.post("/v1/keys", {"name": "ci", "scopes": ["events:read"]})
    assert created.status == 201
    body = created.json()
    assert body["key"].startswith("trg_")
    assert body["tenant_id"] == "acme"
    listed = api.get("/v1/keys")
    assert listed.status == 200
    assert body["key"] not in listed.body.decode()
    assert body["key_id"] in {key["key_id"] for key in listed.json()["keys"]}
    new_client = ApiClient(api.gateway, body["key"])
    assert new_client.get("/v1/inbox").status == 200
    assert new_client.post("/v1/events", {"event_type": "a", "payload": {}}).status == 403


def test_only_the_bcrypt_hash_is_stored(api: ApiClient) -> None:
    key = api.post("/v1/keys", {"name": "ci", "scopes": ["events:read"]}).json()
    item = boto3.client("dynamodb").get_item(
        TableName=os.environ["API_KEYS_TABLE"], Key={"key_id": {"S": key["key_id"]}}
    )
    stored = str(item["Item"])
    assert key["key"] not in stored
    assert key["key"][17:49] not in stored
    assert item["Item"]["secret_hash"]["S"].startswith("$2")


def test_a_key_cannot_grant_scopes_it_does_not_hold(gateway: Any) -> None:
    manager = ApiClient(gateway, issue_key("acme", [Scope.KEYS_MANAGE, Scope.EVENTS_READ]))
    response = manager.post("/v1/keys", {"name": "escalate", "scopes": ["events:write"]})
    assert response.status == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"


def test_keys_manage_scope_is_required(gateway: Any) -> None:
    writer = ApiClient(gateway, issue_key("acme", [Scope.EVENTS_WRITE]))
    assert writer.get("/v1/keys").status == 403


def test_revoked_key_is_denied(api: ApiClient) -> None:
    key = api.post("/v1/keys", {"name": "temp", "scopes": ["events:read"]}).json()
    temp = ApiClient(api.gateway, key["key"])
    assert temp.get("/v1/inbox").status == 200
    assert api.delete(f"/v1/keys/{key['key_id']}").status == 204
    denied = temp.get("/v1/inbox")
    assert (denied.status, denied.body) == (403, b'{"message":"Forbidden"}')
    listed = {item["key_id"]: item for item in api.get("/v1/keys").json()["keys"]}
    assert listed[key["key_id"]]["revoked_at"] is not None


def test_revoking_another_tenants_key_is_404(api: ApiClient, other_tenant: ApiClient) -> None:
    key = api.post("/v1/keys", {"name": "mine", "scopes": ["events:read"]}).json()
    assert other_tenant.delete(f"/v1/keys/{key['key_id']}").status == 404
    assert other_tenant.delete("/v1/keys/doesnotexist").status == 404
    assert ApiClient(api.gateway, key["key"]).get("/v1/inbox").status == 200


def test_key_lifecycle_is_audited(api: ApiClient) -> None:
    key = api.post("/v1/keys", {"name": "audited", "scopes": ["events:read"]}).json()
    api.delete(f"/v1/keys/{key['key_id']}")
    items = boto3.client("dynamodb").scan(TableName=os.environ["AUDIT_TABLE"])["Items"]
    entries = {(item["action"]["S"], item["target"]["S"]) for item in items}
    assert {("key.created", key["key_id"]), ("key.revoked", key["key_id"])} <= entries
    assert key["key"] not in str(items)


def test_expired_key_is_denied(gateway: Any) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=1)
    plaintext = issue_key("acme", [Scope.EVENTS_READ], expires_at=soon)
    client = ApiClient(gateway, plaintext)
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.05)
    assert client.get("/v1/inbox").status == 403


def authorize(headers: dict[str, str]) -> dict[str, Any]:
    event = authorizer_event(HttpRequest("GET", "/v1/inbox", headers), "GET /v1/inbox", [])
    result: dict[str, Any] = authorizer(event, LocalContext("triggers-authorizer"))
    return result


def test_authorizer_simple_response_carries_the_principal(aws: None) -> None:
    plaintext = issue_key("acme", [Scope.EVENTS_READ, Scope.EVENTS_WRITE], rate_limit_per_second=7)
    for headers in ({"Authorization": f"Bearer {plaintext}"}, {"X-API-Key": plaintext}):
        result = authorize(headers)
        assert result["isAuthorized"] is True
        assert result["context"] == {
            "tenant_id": "acme",
            "key_id": plaintext[4:16],
            "scopes": "events:read events:write",
            "rate_limit_per_second": 7,
            "expires_at": 0,
        }


def test_authorizer_denies_missing_and_malformed_keys(aws: None) -> None:
    for headers in ({}, {"Authorization": "Bearer trg_nope"}, {"Authorization": "Basic dXNlcjpwYXNz"}):
        assert authorize(headers) == {"isAuthorized": False}


class TestKeysNeverExceedTheirCreator:
    """A key hands out only what it holds: scopes, rate limit and lifetime."""

    def test_an_unasked_limit_and_expiry_are_inherited(self, gateway: Any) -> None:
        parent = ApiClient(
            gateway,
            issue_key("acme", [Scope.KEYS_MANAGE, Scope.EVENTS_READ], rate_limit_per_second=1, expires_at=_in(hours=2)),
        )
        child = parent.post("/v1/keys", {"name": "child", "scopes": ["events:read"]})
        assert child.status == 201, child.body
        created = child.json()
        assert created["rate_limit_per_second"] == 1
        assert created["expires_at"] is not None
        assert datetime.fromisoformat(created["expires_at"]) <= _in(hours=2)

    @pytest.mark.parametrize(
        "request_body",
        [
            {"name": "faster", "scopes": ["events:read"], "rate_limit_per_second": 2},
            {"name": "much faster", "scopes": ["events:read"], "rate_limit_per_second": 100_000},
            {"name": "longer", "scopes": ["events:read"], "expires_in_seconds": 3 * 3600},
            {"name": "more scopes", "scopes": ["events:read", "events:write"]},
            {"name": "admin", "scopes": ["keys:manage", "subscriptions:manage"]},
        ],
    )
    def test_asking_for_more_than_the_creator_holds_is_403(self, gateway: Any, request_body: dict[str, Any]) -> None:
        parent = ApiClient(
            gateway,
            issue_key("acme", [Scope.KEYS_MANAGE, Scope.EVENTS_READ], rate_limit_per_second=1, expires_at=_in(hours=2)),
        )
        response = parent.post("/v1/keys", request_body)
        assert response.status == 403, response.body
        assert response.json()["error"]["code"] == "FORBIDDEN"
        assert len(parent.get("/v1/keys").json()["keys"]) == 1

    def test_without_a_limit_of_its_own_the_ceiling_is_the_default(self, gateway: Any) -> None:
        parent = ApiClient(gateway, issue_key("acme", [Scope.KEYS_MANAGE]))
        allowed = parent.post("/v1/keys", {"name": "ok", "scopes": ["keys:manage"], "rate_limit_per_second": 1000})
        assert allowed.status == 201
        too_fast = parent.post("/v1/keys", {"name": "no", "scopes": ["keys:manage"], "rate_limit_per_second": 1001})
        assert too_fast.status == 403

    def test_a_key_cannot_revoke_a_key_with_scopes_it_lacks(self, gateway: Any) -> None:
        admin = ApiClient(gateway, issue_key("acme"))
        narrow = ApiClient(gateway, issue_key("acme", [Scope.KEYS_MANAGE, Scope.EVENTS_READ]))
        wide = admin.post("/v1/keys", {"name": "wide", "scopes": ["events:write", "keys:manage"]}).json()
        peer = narrow.post("/v1/keys", {"name": "peer", "scopes": ["events:read"]}).json()
        assert narrow.delete(f"/v1/keys/{wide['key_id']}").status == 403
        assert ApiClient(gateway, wide["key"]).get("/v1/keys").status == 200
        assert narrow.delete(f"/v1/keys/{peer['key_id']}").status == 204
        assert narrow.delete(f"/v1/keys/{peer['key_id']}").status == 204  # idempotent


def _in(hours: float) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)


def test_keys_per_tenant_are_capped_exactly(aws: None) -> None:
    # The cap is a conditional counter inside the same transaction as the key, so DynamoDB enforces it
    # under concurrency too (moto's in-process backend is not thread-safe, so this runs in sequence).
    store = KeyStore(boto3.client("dynamodb"), os.environ["API_KEYS_TABLE"], max_keys_per_tenant=5)
    terms = KeyTerms("k", frozenset({Scope.EVENTS_READ}))

    def attempt(_: int) -> str:
        try:
            return store.create("acme", terms, bcrypt_rounds=4).key_id
        except LimitReached:
            return ""

    created = [key_id for key_id in map(attempt, range(12)) if key_id]
    assert len(created) == 5
    assert len(store.list("acme")) == 5
    store.revoke("acme", created[0])
    store.revoke("acme", created[0])  # revoking twice frees one slot, not two
    store.create("acme", terms, bcrypt_rounds=4)
    with pytest.raises(LimitReached):
        store.create("acme", terms, bcrypt_rounds=4)
    store.create("globex", terms, bcrypt_rounds=4)  # another tenant has its own count


def test_the_key_cap_is_a_409_through_the_api(gateway: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from functions.keys import handler

    monkeypatch.setattr(handler, "settings", handler.settings.model_copy(update={"max_keys_per_tenant": 2}))
    handler.key_management.cache_clear()
    admin = ApiClient(gateway, issue_key("acme"))  # the first of the two
    assert admin.post("/v1/keys", {"name": "second", "scopes": ["events:read"]}).status == 201
    refused = admin.post("/v1/keys", {"name": "third", "scopes": ["events:read"]})
    assert refused.status == 409
    assert refused.json()["error"]["code"] == "LIMIT_REACHED"
    handler.key_management.cache_clear()


@pytest.mark.parametrize("scopes", [[Scope.EVENTS_READ], [Scope.EVENTS_WRITE], [Scope.KEYS_MANAGE], list(Scope)])
def test_any_valid_key_reads_its_own_metadata(gateway: Any, scopes: list[Scope]) -> None:
    plaintext = issue_key("acme", scopes, rate_limit_per_second=9)
    response = ApiClient(gateway, plaintext).get("/v1/keys/current")
    assert response.status == 200
    current = response.json()
    assert (current["key_id"], current["tenant_id"]) == (plaintext[4:16], "acme")
    assert current["scopes"] == sorted(scope.value for scope in scopes)
    assert current["rate_limit_per_second"] == 9
    assert current["last_used_at"] is not None  # the authorizer recorded this very use
    assert plaintext not in response.body.decode()


def test_last_use_costs_no_write_per_request(gateway: Any, aws_calls: Any) -> None:
    client = ApiClient(gateway, issue_key("acme", [Scope.EVENTS_READ]))
    client.get("/v1/inbox")
    aws_calls.clear()
    for _ in range(5):
        assert client.get("/v1/keys/current").status == 200
    assert aws_calls.writes() == []
