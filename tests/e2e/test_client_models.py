"""The SDK against the OpenAPI document the local stack serves: every route has a client method, and
every schema a response can hold has a model of the same name with the same fields, required fields,
types and enum values. A change to the API's models fails here until the SDK follows it."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from enum import StrEnum
from functools import partial
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from triggers_client import AsyncTriggersClient, TriggersClient, models
from triggers_client import _operations as operations

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

SCHEMA_REFS = "#/components/schemas/"

# Each documented route and the client method that calls it (the same path on both clients).
CLIENT_METHODS = {
    "GET /v1/health": "health",
    "POST /v1/events": "events.send",
    "POST /v1/events/batch": "events.send_many",
    "GET /v1/events": "events.list",
    "GET /v1/inbox": "inbox.list",
    "GET /v1/events/{event_id}": "events.get",
    "DELETE /v1/events/{event_id}": "events.delete",
    "POST /v1/events/{event_id}/ack": "events.ack",
    "POST /v1/inbox/ack": "inbox.ack",
    "POST /v1/events/{event_id}/replay": "events.replay",
    "POST /v1/keys": "keys.create",
    "GET /v1/keys": "keys.list",
    "GET /v1/keys/current": "keys.current",
    "GET /v1/audit": "audit.list",
    "GET /v1/stats": "stats.get",
    "DELETE /v1/keys/{key_id}": "keys.revoke",
    "POST /v1/subscriptions": "subscriptions.create",
    "GET /v1/subscriptions": "subscriptions.list",
    "GET /v1/subscriptions/{subscription_id}": "subscriptions.get",
    "DELETE /v1/subscriptions/{subscription_id}": "subscriptions.delete",
    "PATCH /v1/subscriptions/{subscription_id}": "subscriptions.update",
    "POST /v1/subscriptions/{subscription_id}/secret/rotate": "subscriptions.rotate_secret",
    "POST /v1/subscriptions/{subscription_id}/test": "subscriptions.test",
    "GET /v1/subscriptions/{subscription_id}/attempts": "subscriptions.attempts",
    "POST /v1/subscriptions/{subscription_id}/recover": "subscriptions.recover",
}
NOW = datetime.now(UTC)
# Listings, with a value for each of their filters: the query they send must be the documented one.
LISTINGS = {
    "GET /v1/inbox": (
        operations.list_inbox,
        {"status": "failed", "event_type": "a", "source": "b", "since": NOW, "until": NOW, "page_size": 10},
    ),
    "GET /v1/events": (
        operations.list_events,
        {
            "status": "failed",
            "event_type": "a",
            "source": "b",
            "since": NOW,
            "until": NOW,
            "order": "asc",
            "page_size": 1,
        },
    ),
    "GET /v1/audit": (
        operations.list_audit,
        {"action": "key.created", "since": NOW, "until": NOW, "page_size": 10},
    ),
    "GET /v1/subscriptions/{subscription_id}/attempts": (
        partial(operations.list_attempts, "s-1"),
        {"outcome": "failed", "since": NOW, "until": NOW, "page_size": 10},
    ),
}


@pytest.fixture(scope="module")
def document(anonymous: httpx.Client) -> dict[str, Any]:
    response = anonymous.get("/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def operations_of(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }


def referenced(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"].removeprefix(SCHEMA_REFS)} if "$ref" in node else set()
        return found.union(*(referenced(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(referenced(item) for item in node))
    return set()


def response_schemas(document: dict[str, Any]) -> set[str]:
    """Every schema a successful response can contain, following references."""
    schemas = document["components"]["schemas"]
    pending = set()
    for operation in operations_of(document).values():
        pending |= referenced({status: body for status, body in operation["responses"].items() if status < "300"})
    found: set[str] = set()
    while pending:
        name = pending.pop()
        found.add(name)
        pending |= referenced(schemas[name]) - found
    return found


def shape(schema: dict[str, Any]) -> Any:
    """What a value of the schema looks like, without titles, bounds, defaults or formats (the SDK reads
    RFC 3339 strings as datetimes)."""
    if "$ref" in schema:
        return ("ref", schema["$ref"].rsplit("/", 1)[1])
    if "anyOf" in schema:
        return ("any of", frozenset(shape(option) for option in schema["anyOf"]))
    if "enum" in schema:
        return ("enum", frozenset(schema["enum"]))
    if schema.get("type") == "array":
        return ("array", shape(schema.get("items", {})))
    return schema.get("type", "any")


def fields(schema: dict[str, Any]) -> dict[str, Any]:
    properties = schema.get("properties", {})
    return {
        "properties": {name: shape(value) for name, value in properties.items()},
        "required": set(schema.get("required", [])),
    }


def sdk_classes() -> dict[str, type]:
    return {
        name: value
        for name, value in vars(models).items()
        if inspect.isclass(value)
        and value.__module__ == models.__name__
        and issubclass(value, BaseModel | StrEnum)
        and not name.startswith("_")
    }


def sdk_schema(model: type) -> dict[str, Any]:
    if issubclass(model, StrEnum):
        return {"enum": [member.value for member in model]}
    schema: dict[str, Any] = model.model_json_schema(ref_template=SCHEMA_REFS + "{model}")  # type: ignore[attr-defined]
    return schema


def test_every_route_has_a_method_on_both_clients(document: dict[str, Any]) -> None:
    assert set(operations_of(document)) == set(CLIENT_METHODS)
    for client_class in (TriggersClient, AsyncTriggersClient):
        client = client_class("http://127.0.0.1:1", "trg_unused")
        for path in CLIENT_METHODS.values():
            target: Any = client
            for part in path.split("."):
                target = getattr(target, part)
            assert callable(target), f"{client_class.__name__}.{path}"


def test_every_response_schema_has_a_model_that_matches_it(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    classes = sdk_classes()
    assert response_schemas(document) <= set(classes), "schemas without an SDK model"
    for name, model in classes.items():
        assert name in schemas, f"models.{name} is not in the API's document"
        documented, ours = schemas[name], sdk_schema(model)
        if "enum" in documented:
            assert set(ours["enum"]) == set(documented["enum"]), name
        else:
            assert fields(ours) == fields(documented), name


def test_new_event_takes_the_fields_of_a_batch_item(document: dict[str, Any]) -> None:
    documented = document["components"]["schemas"]["BatchItemIn"]
    assert models.NewEvent.__required_keys__ == set(documented["required"])
    assert models.NewEvent.__required_keys__ | models.NewEvent.__optional_keys__ == set(documented["properties"])


@pytest.mark.parametrize("route", sorted(LISTINGS))
def test_listings_send_the_documented_query(document: dict[str, Any], route: str) -> None:
    builder, filters = LISTINGS[route]
    assert set(inspect.signature(builder).parameters) == {*filters, "cursor"}, "a filter without a sample value"
    sent = set(builder(**filters).page("a cursor").params)
    documented = operations_of(document)[route]["parameters"]
    assert sent == {parameter["name"] for parameter in documented if parameter["in"] == "query"}
