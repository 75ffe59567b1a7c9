"""Keys, scopes and tenants over real HTTP: the gateway's authorizer, the route checks and the CLI."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from triggers.auth.apikeys import new_key
from triggers.routes import ROUTES, RouteSpec

from .helpers import TRIGGERS, LocalStack, assert_error, event, pending_ids, unique_type

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

FORBIDDEN = {"message": "Forbidden"}
AUTHORIZED_ROUTES = [route for route in ROUTES if not route.public]


def concrete_path(route: RouteSpec) -> str:
    return route.path.replace("{event_id}", "01900000-0000-7000-8000-000000000000").replace("{key_id}", "0" * 12)


@pytest.mark.parametrize("route", AUTHORIZED_ROUTES, ids=lambda route: route.route_key)
def test_no_key_is_denied_by_the_authorizer(anonymous: httpx.Client, route: RouteSpec) -> None:
    # With both header styles allowed there is no identity source, so the authorizer runs and denies (403).
    response = anonymous.request(route.method, concrete_path(route), json={} if route.max_body_bytes else None)
    assert response.status_code == 403
    assert response.json() == FORBIDDEN


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer trg_not-a-key",
        f"Bearer {new_key()[1]}",  # well formed, checksum valid, never issued
        "Bearer",
        "Basic dXNlcjpwYXNz",
    ],
    ids=["malformed", "unknown", "empty", "basic-auth"],
)
def test_a_bad_key_is_forbidden(anonymous: httpx.Client, authorization: str) -> None:
    response = anonymous.get("/v1/inbox", headers={"Authorization": authorization})
    assert response.status_code == 403
    assert response.json() == FORBIDDEN


def test_x_api_key_header_works_like_bearer(local_stack: LocalStack, client_for: Callable[..., httpx.Client]) -> None:
    response = client_for(local_stack.demo_key, header="x-api-key").get("/v1/inbox", params={"limit": 1})
    assert response.status_code == 200
    tampered = local_stack.demo_key[:-1] + ("A" if local_stack.demo_key[-1] != "A" else "B")
    assert client_for(tampered, header="x-api-key").get("/v1/inbox").json() == FORBIDDEN


def test_a_key_without_the_routes_scope_gets_forbidden(
    api: httpx.Client, client_for: Callable[..., httpx.Client]
) -> None:
    created = api.post("/v1/keys", json={"name": "reader", "scopes": ["events:read"]})
    assert created.status_code == 201
    reader = client_for(created.json()["key"])
    event_type = unique_type("scope")

    assert reader.get("/v1/inbox").status_code == 200
    assert_error(reader.post("/v1/events", json=event(event_type)), 403, "FORBIDDEN")
    assert_error(reader.post("/v1/keys", json={"name": "escalate", "scopes": ["keys:manage"]}), 403, "FORBIDDEN")
    assert pending_ids(api, event_type=event_type) == []


def test_a_key_cannot_grant_scopes_it_does_not_hold(api: httpx.Client, client_for: Callable[..., httpx.Client]) -> None:
    manager = client_for(api.post("/v1/keys", json={"name": "manager", "scopes": ["keys:manage"]}).json()["key"])
    assert_error(manager.post("/v1/keys", json={"name": "x", "scopes": ["events:write"]}), 403, "FORBIDDEN")


def test_key_lists_never_show_the_key(api: httpx.Client) -> None:
    created = api.post("/v1/keys", json={"name": "listed", "scopes": ["events:read"]}).json()
    listed = api.get("/v1/keys")
    assert listed.status_code == 200
    assert created["key"] not in listed.text
    entry = next(key for key in listed.json()["keys"] if key["key_id"] == created["key_id"])
    assert "key" not in entry
    assert entry["hint"] == created["hint"]


def test_a_revoked_key_is_refused_on_the_next_request(
    api: httpx.Client, client_for: Callable[..., httpx.Client]
) -> None:
    # The e2e stack runs with AUTH_CACHE_TTL_SECONDS=0; with the default (60 s) refusal follows within that TTL.
    created = api.post("/v1/keys", json={"name": "short-lived", "scopes": ["events:read"]}).json()
    short_lived = client_for(created["key"])
    assert short_lived.get("/v1/inbox").status_code == 200

    assert api.delete(f"/v1/keys/{created['key_id']}").status_code == 204
    refused = short_lived.get("/v1/inbox")
    assert refused.status_code == 403
    assert refused.json() == FORBIDDEN
    assert api.delete(f"/v1/keys/{created['key_id']}").status_code == 204  # revoking twice is fine


def test_tenants_never_see_each_others_events(
    api: httpx.Client, tenant_key: Callable[..., str], client_for: Callable[..., httpx.Client]
) -> None:
    other = client_for(tenant_key("other"))
    event_type = unique_type("isolation")
    event_id = api.post("/v1/events", json=event(event_type)).json()["event_id"]

    assert_error(other.get(f"/v1/events/{event_id}"), 404, "NOT_FOUND")
    assert_error(other.post(f"/v1/events/{event_id}/ack"), 404, "NOT_FOUND")
    assert_error(other.delete(f"/v1/events/{event_id}"), 404, "NOT_FOUND")
    assert other.post("/v1/inbox/ack", json={"event_ids": [event_id]}).json()["results"][0]["error"]["code"] == (
        "NOT_FOUND"
    )
    assert pending_ids(other) == []
    assert pending_ids(api, event_type=event_type) == [event_id]


def test_concurrent_requests_from_two_tenants_each_see_only_their_own(
    local_stack: LocalStack, tenant_key: Callable[..., str]
) -> None:
    keys = {"demo": local_stack.demo_key, "rival": tenant_key("rival")}
    event_type = unique_type("concurrent")

    def ingest(tenant: str) -> tuple[str, httpx.Response]:
        headers = {"Authorization": f"Bearer {keys[tenant]}"}
        body = event(event_type, payload={"tenant": tenant})
        return tenant, httpx.post(f"{local_stack.base_url}/v1/events", json=body, headers=headers, timeout=30)

    def read_back(sent: tuple[str, httpx.Response]) -> tuple[str, httpx.Response]:
        tenant, response = sent
        url = f"{local_stack.base_url}/v1/events/{response.json()['event_id']}"
        return tenant, httpx.get(url, headers={"Authorization": f"Bearer {keys[tenant]}"}, timeout=30)

    with ThreadPoolExecutor(max_workers=8) as pool:
        sent = list(pool.map(ingest, ["demo", "rival"] * 8))
        assert [response.status_code for _, response in sent] == [201] * 16
        read = list(pool.map(read_back, sent))
    assert [(response.status_code, response.json()["payload"]["tenant"]) for _, response in read] == [
        (200, tenant) for tenant, _ in read
    ]


def test_cli_keys_honour_the_scopes_asked_for(
    tenant_key: Callable[..., str], client_for: Callable[..., httpx.Client]
) -> None:
    reader = client_for(tenant_key("cli-reader", scopes="events:read"))
    assert reader.get("/v1/inbox").status_code == 200
    assert_error(reader.post("/v1/events", json=event(unique_type("cli"))), 403, "FORBIDDEN")


def test_cli_says_so_when_no_stack_runs_on_the_port(local_stack: LocalStack) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        idle_port = probe.getsockname()[1]
    result = subprocess.run(
        [str(TRIGGERS), "keys", "create", "--tenant", "acme"],
        env={**local_stack.environment, "TRIGGERS_PORT": str(idle_port)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"no local stack is running on port {idle_port}" in result.stderr
