from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, get_args

import pytest
from pydantic import ValidationError
from triggers.json_limits import MAX_FIELD_DEPTH
from triggers.models import (
    MAX_METADATA_BYTES,
    MAX_PAYLOAD_BYTES,
    TOO_LARGE_ERROR,
    EventIn,
    InboxQuery,
    KeyCreateIn,
    Model,
)


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


def too_large(body: dict[str, Any]) -> set[str]:
    """The fields refused for size: their error type is what the HTTP edge answers with 413."""
    with pytest.raises(ValidationError) as caught:
        EventIn.model_validate(body)
    return {str(error["loc"][0]) for error in caught.value.errors() if error["type"] == TOO_LARGE_ERROR}


def test_payload_and_metadata_size_limits_are_on_the_serialized_form() -> None:
    at_limit = {"d": "x" * (MAX_PAYLOAD_BYTES - len('{"d":""}'))}
    EventIn.model_validate(valid(payload=at_limit))
    assert too_large(valid(payload={"d": "x" * MAX_PAYLOAD_BYTES})) == {"payload"}
    assert too_large(valid(metadata={"d": "x" * MAX_METADATA_BYTES})) == {"metadata"}


def test_multibyte_characters_count_as_bytes() -> None:
    assert too_large(valid(payload={"d": "é" * (MAX_PAYLOAD_BYTES // 2 + 10)})) == {"payload"}


def nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


@pytest.mark.parametrize("field", ["payload", "metadata"])
def test_payload_and_metadata_nest_at_most_32_levels(field: str) -> None:
    EventIn.model_validate(valid(**{field: nested(MAX_FIELD_DEPTH)}))
    EventIn.model_validate(valid(**{field: {"s": "[[[[" * 100}}))  # brackets in strings are not nesting
    for depth in (MAX_FIELD_DEPTH + 1, 400):
        assert field in error_fields(valid(**{field: nested(depth)}))
    assert field in error_fields(valid(**{field: {"a": json.loads("[" * MAX_FIELD_DEPTH + "]" * MAX_FIELD_DEPTH)}}))


def test_inbox_query_defaults_and_bounds() -> None:
    query = InboxQuery()
    assert (query.status, query.limit) == ("pending", 50)
    for bad in ({"limit": 0}, {"limit": 201}, {"status": "acknowledged"}, {"status": "nope"}):
        with pytest.raises(ValidationError):
            InboxQuery.model_validate(bad)


def test_inbox_query_times_are_rfc3339_read_in_utc() -> None:
    assert InboxQuery.model_validate({"since": "2026-01-01T02:00:00+02:00"}).since == datetime(2026, 1, 1, tzinfo=UTC)
    assert InboxQuery.model_validate({"until": "2026-01-01t00:00:00.5z"}).until == datetime(
        2026, 1, 1, 0, 0, 0, 500000, tzinfo=UTC
    )
    for loose in ("2026-01-01T00:00:00", "2026-01-01", "0.5", "1767225600", "2026-01-01 00:00:00Z", "yesterday"):
        with pytest.raises(ValidationError, match="RFC 3339"):
            InboxQuery.model_validate({"since": loose})


@pytest.mark.parametrize(
    ("moment", "clamped"),
    [
        ("9999-12-31T23:59:59-23:59", datetime.max),
        ("9999-12-31T23:00:00-01:00", datetime.max),
        ("0001-01-01T00:00:00+23:59", datetime.min),
        ("0001-01-01T00:30:00+01:00", datetime.min),
    ],
)
def test_bounds_that_leave_the_calendar_in_utc_are_clamped_to_its_ends(moment: str, clamped: datetime) -> None:
    for field in ("since", "until"):
        assert getattr(InboxQuery.model_validate({field: moment}), field) == clamped.replace(tzinfo=UTC)


def test_key_requests_need_known_scopes_and_a_bounded_lifetime() -> None:
    KeyCreateIn.model_validate({"name": "ci", "scopes": ["events:write"], "expires_in_seconds": 3600})
    for bad in (
        {"name": "ci", "scopes": []},
        {"name": "ci", "scopes": ["admin"]},
        {"name": "ci", "scopes": ["events:read"], "expires_in_seconds": 0},
        {"name": "ci", "scopes": ["events:read"], "expires_in_seconds": -5},
        {"name": "ci", "scopes": ["events:read"], "expires_in_seconds": 10**40},
        {"name": "ci", "scopes": ["events:read"], "expires_at": "9999-12-31T23:59:59-23:59"},
        {"name": "", "scopes": ["events:read"]},
    ):
        with pytest.raises(ValidationError):
            KeyCreateIn.model_validate(bad)


def _request_models() -> list[type[Model]]:
    """Every model a client sends (they forbid unknown fields), found rather than listed."""
    found, pending = [], list(Model.__subclasses__())
    while pending:
        model = pending.pop()
        pending += model.__subclasses__()
        if model.model_config.get("extra") == "forbid" and not model.__name__.endswith("Query"):
            found.append(model)
    return found


def _is_integer(annotation: Any) -> bool:
    """int itself, or inside Annotated[...] / Optional[...]."""
    return annotation is int or any(_is_integer(argument) for argument in get_args(annotation))


def _integer_fields(model: type[Model]) -> list[str]:
    return [name for name, field in model.model_fields.items() if _is_integer(field.annotation)]


BODY_INTEGER_FIELDS = [(model, name) for model in _request_models() for name in _integer_fields(model)]


def test_the_request_models_with_integers_are_found() -> None:
    assert {(model.__name__, name) for model, name in BODY_INTEGER_FIELDS} >= {
        ("KeyCreateIn", "expires_in_seconds"),
        ("KeyCreateIn", "rate_limit_per_second"),
    }


@pytest.mark.parametrize("value", [True, False, "3600", "1e3", ""], ids=repr)
@pytest.mark.parametrize(("model", "field"), BODY_INTEGER_FIELDS, ids=lambda item: getattr(item, "__name__", item))
def test_a_body_integer_takes_only_a_json_number(model: type[Model], field: str, value: Any) -> None:
    """true is not 1 and "3600" is not 3600 in JSON; pydantic's lax mode would take both."""
    with pytest.raises(ValidationError) as refused:
        model.model_validate({field: value})
    assert any(error["loc"] == (field,) and error["type"] == "int_type" for error in refused.value.errors())
