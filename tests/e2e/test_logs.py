"""No key or payload reaches the stack's output, even with the functions logging at DEBUG."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest

from .helpers import KEY_PATTERN, LocalStack, event, unique_type

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_keys_and_payloads_stay_out_of_the_logs(
    local_stack: LocalStack, api: httpx.Client, tenant_key: Callable[..., str], client_for: Callable[..., httpx.Client]
) -> None:
    marker = f"payload-marker-{uuid.uuid4().hex}"
    secret = {"card": marker}
    event_type = unique_type("logs")
    created = api.post("/v1/keys", json={"name": "log check", "scopes": ["events:write", "events:read"]}).json()
    keys = [local_stack.demo_key, created["key"], tenant_key("logs")]

    for key in keys:
        client = client_for(key)
        retry = {"Idempotency-Key": uuid.uuid4().hex}
        assert client.post("/v1/events", json=event(event_type, payload=secret), headers=retry).status_code == 201
        assert client.post("/v1/events", json=event(event_type, payload=secret), headers=retry).status_code == 201
        batch = {"events": [event(event_type, payload=secret, metadata=secret)]}
        assert client.post("/v1/events/batch", json=batch).status_code == 201
        refused = {"events": [event(event_type, payload=secret), {"event_type": "bad!", "payload": secret}]}
        assert client.post("/v1/events/batch", json=refused).status_code == 400
        malformed = f'{{"event_type": "x", "payload": {{"card": "{marker}"'.encode()
        rejected = client.post("/v1/events", content=malformed, headers={"Content-Type": "application/json"})
        assert rejected.status_code == 400
        assert client.get("/v1/inbox", params={"event_type": event_type}).status_code == 200
        assert client_for(key, header="x-api-key").get("/v1/inbox").status_code == 200
        mistyped = key[:-1] + ("A" if key[-1] != "A" else "B")
        assert client_for(mistyped).get("/v1/inbox").status_code == 403
    api.delete(f"/v1/keys/{created['key_id']}")
    assert client_for(created["key"]).get("/v1/inbox").status_code == 403

    logs = local_stack.logs_since_startup()
    assert '"POST /v1/events" 201' in logs  # the capture works: the access log is in it
    assert KEY_PATTERN.search(logs) is None  # no key at all, mistyped ones included
    assert marker not in logs
