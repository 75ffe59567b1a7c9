from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError
from triggers.models import MAX_METADATA_BYTES, MAX_PAYLOAD_BYTES, EventIn, InboxQuery, KeyCreateIn


def valid(**overrides: Any) -> dict[str, Any]:
    return {"event_type": "order.created", "payload": {"id": 1}} | overrides


def error_fields(body: dict[str, Any]) -> set[str]:
    with pytest.raises(ValidationError) as caught:
        EventIn.model_validate(body)
    return {".".join(str(part) for part in error["loc"]) for error in caught.value.errors()}


def test_minimal_event_is_valid_and_serializes_its_payload_once() -> None:
    event = EventIn.model_validate(valid(source="shop", tags=["a"], metadata={"k": "v"}))
    assert event.payload_json == '{"id":1}'
    assert event.metadata_json == '{"k":"v"}'


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"event_type": ""}, "event_type"),
        ({"event_type": "x" * 129}, "event_type"),
        ({"event_type": ".starts-with-dot"}, "event_type"),
        ({"event_type": "has space"}, "event_type"),
        ({"event_type": 42}, "event_type"),
        ({"payload": [1, 2]}, "payload"),
        ({"payload": "text"}, "payload"),
        ({"source": "s" * 129}, "source"),
        ({"tags": ["t"] * 21}, "tags"),
        ({"tags": ["t" * 65]}, "tags.0"),
        ({"metadata": "not-an-object"}, "metadata"),
        ({"unexpected": True}, "unexpected"),
    ],
)
def test_bad_fields_are_reported_by_name(override: dict[str, Any], field: str) -> None:
    assert field in error_fields(valid(**override))


def test_missing_required_fields() -> None:
    assert error_fields({}) == {"event_type", "payload"}


def test_event_type_accepts_the_documented_alphabet() -> None:
    EventIn.model_validate(valid(event_type="Order.Created:v2_beta-1"))


def test_payload_and_metadata_size_limits_are_on_the_serialized_form() -> None:
    at_limit = {"d": "x" * (MAX_PAYLOAD_BYTES - len('{"d":""}'))}
    EventIn.model_validate(valid(payload=at_limit))
    with pytest.raises(ValidationError, match="payload exceeds"):
        EventIn.model_validate(valid(payload={"d": "x" * MAX_PAYLOAD_BYTES}))
    with pytest.raises(ValidationError, match="metadata exceeds"):
        EventIn.model_validate(valid(metadata={"d": "x" * MAX_METADATA_BYTES}))


def test_multibyte_characters_count_as_bytes() -> None:
    with pytest.raises(ValidationError, match="payload exceeds"):
        EventIn.model_validate(valid(payload={"d": "é" * (MAX_PAYLOAD_BYTES // 2 + 10)}))


def test_inbox_query_defaults_and_bounds() -> None:
    query = InboxQuery()
    assert (query.status, query.limit) == ("pending", 50)
    for bad in ({"limit": 0}, {"limit": 201}, {"status": "acknowledged"}, {"status": "nope"}):
        with pytest.raises(ValidationError):
            InboxQuery.model_validate(bad)


def test_inbox_query_reads_naive_times_as_utc_and_orders_them() -> None:
    query = InboxQuery.model_validate({"since": "2026-01-01T00:00:00"})
    assert query.since == datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(ValidationError, match="since must not be after until"):
        InboxQuery.model_validate({"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"})


def test_key_requests_need_known_scopes_and_a_future_expiry() -> None:
    KeyCreateIn.model_validate({"name": "ci", "scopes": ["events:write"]})
    for bad in (
        {"name": "ci", "scopes": []},
        {"name": "ci", "scopes": ["admin"]},
        {"name": "ci", "scopes": ["events:read"], "expires_at": "2001-01-01T00:00:00Z"},
        {"name": "", "scopes": ["events:read"]},
    ):
        with pytest.raises(ValidationError):
            KeyCreateIn.model_validate(bad)
