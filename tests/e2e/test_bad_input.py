"""Every kind of bad input gets a clear 4xx in the error envelope, never a 5xx, and stores nothing.

The requests come from a tenant of their own whose inbox must still be empty after each test.
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from triggers.routes import ROUTES

from .helpers import assert_error, event, pending_ids, unique_type

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

JSON = {"Content-Type": "application/json"}
BODY_ROUTES = ["/v1/events", "/v1/events/batch", "/v1/inbox/ack", "/v1/keys"]
URLSAFE_BASE64 = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"  # the cursor's alphabet


@pytest.fixture(scope="module")
def strict_key(tenant_key: Callable[..., str]) -> str:
    return tenant_key("strict")


@pytest.fixture
def strict(strict_key: str, client_for: Callable[..., httpx.Client]) -> Iterator[httpx.Client]:
    client = client_for(strict_key)
    yield client
    assert pending_ids(client) == [], "a rejected request stored an event"


def fields_in(error: dict[str, Any]) -> set[str]:
    return {detail["field"] for detail in error["details"]}


@pytest.mark.parametrize("path", BODY_ROUTES)
def test_malformed_json_is_invalid_json(strict: httpx.Client, path: str) -> None:
    assert_error(strict.post(path, content=b'{"event_type": "order.created", ', headers=JSON), 400, "INVALID_JSON")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_body_that_is_not_json_is_unsupported_media_type(strict: httpx.Client, content_type: str) -> None:
    body = json.dumps(event("order.created")).encode()
    response = strict.post("/v1/events", content=body, headers={"Content-Type": content_type})
    assert_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_a_body_over_the_route_limit_is_payload_too_large(strict: httpx.Client) -> None:
    response = strict.post("/v1/events", json=event("order.created", payload={"blob": "x" * 310_000}))
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"event_type": "has spaces", "payload": ["not", "an", "object"]}, {"event_type", "payload"}),
        ({}, {"event_type", "payload"}),
        ({"event_type": "x" * 129, "payload": {}}, {"event_type"}),
        (event("order.created", source="s" * 129), {"source"}),
        (event("order.created", tags=[f"t{n}" for n in range(21)]), {"tags"}),
        (event("order.created", tags=["t" * 65]), {"tags.0"}),
        (event("order.created", metadata="not an object"), {"metadata"}),
    ],
    ids=["type-and-payload", "empty", "long-type", "long-source", "many-tags", "long-tag", "metadata-type"],
)
def test_bad_fields_are_reported_per_field(strict: httpx.Client, body: dict[str, Any], fields: set[str]) -> None:
    error = assert_error(strict.post("/v1/events", json=body), 400, "VALIDATION_ERROR")
    assert fields_in(error) == fields
    assert all(detail["in"] == "body" and detail["message"] for detail in error["details"])


@pytest.mark.parametrize(
    "body",
    [
        event("order.created", payload={"blob": "x" * (256 * 1024)}),
        event("order.created", metadata={"blob": "x" * (8 * 1024)}),
    ],
    ids=["payload", "metadata"],
)
def test_serialized_size_limits_are_413_like_an_oversized_body(strict: httpx.Client, body: dict[str, Any]) -> None:
    assert_error(strict.post("/v1/events", json=body), 413, "PAYLOAD_TOO_LARGE")


def test_an_unknown_top_level_field_is_refused(strict: httpx.Client) -> None:
    error = assert_error(strict.post("/v1/events", json=event("order.created", colour="red")), 400, "VALIDATION_ERROR")
    assert error["details"] == [
        {"field": "colour", "in": "body", "message": "Extra inputs are not permitted", "type": "extra_forbidden"}
    ]


def test_an_overlong_idempotency_key_is_refused(strict: httpx.Client) -> None:
    response = strict.post("/v1/events", json=event("order.created"), headers={"Idempotency-Key": "k" * 256})
    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["details"][0]["in"] == "header"


@pytest.mark.parametrize(
    "body",
    [{"events": []}, {"events": [event("order.created")] * 101}, {"events": "nope"}, {"events": [], "extra": 1}],
    ids=["empty", "over-100", "not-a-list", "unknown-field"],
)
def test_a_malformed_batch_is_refused_whole(strict: httpx.Client, body: dict[str, Any]) -> None:
    assert_error(strict.post("/v1/events/batch", json=body), 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    "body", [{"event_ids": []}, {"event_ids": ["x"] * 101}, {"ids": ["x"]}], ids=["empty", "over-100", "wrong-field"]
)
def test_a_malformed_bulk_ack_is_refused(strict: httpx.Client, body: dict[str, Any]) -> None:
    assert_error(strict.post("/v1/inbox/ack", json=body), 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 201},
        {"limit": "ten"},
        {"since": "yesterday"},
        {"until": "2026-13-45T00:00:00Z"},
        {"status": "acknowledged"},
        {"status": "lost"},
        {"event_type": "has spaces"},
    ],
    ids=["limit-0", "limit-201", "limit-text", "since", "until", "acked", "status", "type"],
)
def test_bad_inbox_queries_are_validation_errors(strict: httpx.Client, params: dict[str, Any]) -> None:
    assert_error(strict.get("/v1/inbox", params=params), 400, "VALIDATION_ERROR")


@pytest.mark.parametrize("cursor", ["garbage", "eyJhZnRlciI6IjAifQ"], ids=["garbage", "unsigned"])
def test_a_cursor_that_was_never_issued_is_invalid(strict: httpx.Client, cursor: str) -> None:
    assert_error(strict.get("/v1/inbox", params={"cursor": cursor}), 400, "INVALID_CURSOR")


def test_an_overlong_cursor_is_a_validation_error(strict: httpx.Client) -> None:
    assert_error(strict.get("/v1/inbox", params={"cursor": "x" * 1025}), 400, "VALIDATION_ERROR")


@pytest.fixture(scope="module")
def issued_cursor(api: httpx.Client) -> tuple[str, str]:
    """A cursor the demo tenant got for its first page of a filtered inbox, and that filter."""
    event_type = unique_type("cursor")
    for _ in range(2):
        assert api.post("/v1/events", json=event(event_type)).status_code == 201
    page = api.get("/v1/inbox", params={"event_type": event_type, "limit": 1}).json()
    assert page["pagination"]["has_more"]
    return event_type, page["pagination"]["next_cursor"]


class TestIssuedCursors:
    """Cursors are bound to the tenant and the filters they were issued for, and cannot be edited."""

    def test_the_issued_cursor_works(self, api: httpx.Client, issued_cursor: tuple[str, str]) -> None:
        event_type, cursor = issued_cursor
        assert api.get("/v1/inbox", params={"event_type": event_type, "cursor": cursor}).status_code == 200

    def test_a_tampered_cursor_is_invalid(self, api: httpx.Client, issued_cursor: tuple[str, str]) -> None:
        event_type, cursor = issued_cursor
        for position in (0, len(cursor) // 2, len(cursor) - 1):
            # Flip the character's high bit: the low bits of the last one may be padding, which decodes
            # to the same token (swapping in a fixed letter left the cursor valid one time in four).
            flipped = URLSAFE_BASE64[URLSAFE_BASE64.index(cursor[position]) ^ 32]
            tampered = cursor[:position] + flipped + cursor[position + 1 :]
            response = api.get("/v1/inbox", params={"event_type": event_type, "cursor": tampered})
            assert_error(response, 400, "INVALID_CURSOR")

    def test_a_cursor_for_other_filters_is_invalid(self, api: httpx.Client, issued_cursor: tuple[str, str]) -> None:
        _, cursor = issued_cursor
        response = api.get("/v1/inbox", params={"event_type": "order.created", "cursor": cursor})
        assert_error(response, 400, "INVALID_CURSOR")

    def test_another_tenants_cursor_is_invalid(self, strict: httpx.Client, issued_cursor: tuple[str, str]) -> None:
        event_type, cursor = issued_cursor
        response = strict.get("/v1/inbox", params={"event_type": event_type, "cursor": cursor})
        assert_error(response, 400, "INVALID_CURSOR")


@pytest.mark.parametrize("event_id", ["not-an-id", "01900000-0000-4000-8000-000000000000"], ids=["text", "uuid4"])
def test_an_unknown_event_id_is_not_found(strict: httpx.Client, event_id: str) -> None:
    assert_error(strict.get(f"/v1/events/{event_id}"), 404, "NOT_FOUND")
    assert_error(strict.post(f"/v1/events/{event_id}/ack"), 404, "NOT_FOUND")


ID_ROUTES = [spec for spec in ROUTES if "{" in spec.path and not spec.public and not spec.max_body_bytes]
ODD_IDS = ["a#b", "\x11", "100%", "a b", "é", "?limit=1", "x" * 300]


@pytest.mark.parametrize("odd_id", ODD_IDS, ids=["hash", "control", "percent", "space", "unicode", "query", "long"])
@pytest.mark.parametrize("spec", ID_ROUTES, ids=[spec.route_key for spec in ID_ROUTES])
def test_any_text_in_an_id_reaches_its_route_and_is_not_found(api: httpx.Client, spec: Any, odd_id: str) -> None:
    """API Gateway routes whatever lies between two slashes to the route; the route must answer for it."""
    path = spec.path.split("{")[0] + quote(odd_id, safe="") + spec.path.split("}")[1]
    params = {"limit": "5"} if spec.path.endswith("/attempts") else None  # a declared parameter stays valid
    assert_error(api.request(spec.method, path, params=params), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "scopes": ["root"]},
        {"name": "x", "scopes": []},
        {"name": "", "scopes": ["events:read"]},
        {"name": "x", "scopes": ["events:read"], "expires_in_seconds": 0},
        {"name": "x", "scopes": ["events:read"], "rate_limit_per_second": 0},
        {"name": "x", "scopes": ["events:read"], "rate_limit_per_second": True},
        {"name": "x", "scopes": ["events:read"], "expires_in_seconds": "3600"},
    ],
    ids=["unknown-scope", "no-scopes", "no-name", "expired", "zero-rate", "boolean-rate", "text-lifetime"],
)
def test_a_bad_key_request_is_refused(strict: httpx.Client, body: dict[str, Any]) -> None:
    assert_error(strict.post("/v1/keys", json=body), 400, "VALIDATION_ERROR")
