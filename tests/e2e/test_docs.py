"""The OpenAPI document and Swagger UI, served by the API itself (the health function), as deployed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from triggers import __version__
from triggers.routes import ROUTES

from local.openapi import COMMITTED_DOCUMENT, WebhookEvent
from local.receiver import WebhookReceiver

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


@pytest.fixture(scope="module")
def document(anonymous: httpx.Client) -> dict[str, Any]:
    response = anonymous.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for name, value in node.items():
            if name == "$ref":
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def test_every_route_is_documented(document: dict[str, Any]) -> None:
    documented = {(method.upper(), path) for path, operations in document["paths"].items() for method in operations}
    assert documented == {(route.method, route.path) for route in ROUTES if route.documented}
    assert document["info"]["title"] == "Triggers API"
    assert document["info"]["version"] == __version__


def test_routes_behind_the_authorizer_say_so(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert {scheme["type"] for scheme in schemes.values()} == {"http", "apiKey"}
    for route in (route for route in ROUTES if route.documented):
        operation = document["paths"][route.path][route.method.lower()]
        if route.public:
            assert "security" not in operation
        else:
            assert operation["security"] == [{name: []} for name in schemes]
            assert (route.scope.value if route.scope else "Any valid API key") in operation["description"]


def test_every_schema_reference_resolves(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for reference in references([document["paths"], document["webhooks"]]):
        assert reference.removeprefix("#/components/schemas/") in schemas, reference


def test_the_served_document_is_the_committed_one(anonymous: httpx.Client) -> None:
    assert anonymous.get("/openapi.json").content == COMMITTED_DOCUMENT.read_bytes()


def test_docs_serve_swagger_ui_with_its_assets_and_no_inline_script(anonymous: httpx.Client) -> None:
    page = anonymous.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<script>" not in page.text  # a strict Content-Security-Policy can serve it
    assets = re.findall(r'(?:href|src)="(/docs/[^"]+)"', page.text)
    assert len(assets) == 3
    for asset in assets:
        response = anonymous.get(asset)
        assert response.status_code == 200
        assert response.headers["content-type"].split(";")[0] in {"text/css", "text/javascript"}
    assert '"/openapi.json"' in anonymous.get("/docs/swagger-init.js").text
    assert anonymous.get("/docs/unknown.js").status_code == 404


def test_the_document_describes_the_webhook_a_subscriber_receives(document: dict[str, Any]) -> None:
    delivery = document["webhooks"]["event"]["post"]
    headers = {parameter["name"]: parameter for parameter in delivery["parameters"] if parameter["in"] == "header"}
    assert {"webhook-id", "webhook-timestamp", "webhook-signature"} <= {n for n, p in headers.items() if p["required"]}
    body = delivery["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/WebhookEvent"}
    schema = document["components"]["schemas"]["WebhookEvent"]
    assert set(schema["required"]) == set(schema["properties"]) == set(body["example"])
    responses = delivery["responses"]
    assert {"2XX", "410", "429", "503", "default"} <= responses.keys()
    assert all("Retry-After" in responses[status]["headers"] for status in ("429", "503"))
    assert "triggers.test" in delivery["description"]


def test_a_test_delivery_is_what_the_document_describes(
    document: dict[str, Any], api: httpx.Client, start_receiver: Callable[..., WebhookReceiver]
) -> None:
    receiver = start_receiver()
    created = api.post("/v1/subscriptions", json={"target_url": receiver.url(), "event_types": ["docs.none"]})
    assert created.status_code == 201, created.text
    subscription_id = created.json()["subscription_id"]
    assert api.post(f"/v1/subscriptions/{subscription_id}/test").json()["outcome"] == "succeeded"
    api.delete(f"/v1/subscriptions/{subscription_id}")

    (delivery,) = receiver.deliveries
    documented = {parameter["name"] for parameter in document["webhooks"]["event"]["post"]["parameters"]}
    assert documented <= delivery.headers.keys()
    event = WebhookEvent.model_validate_json(delivery.body)  # every field documented, none missing, none more
    assert event.event_type == "triggers.test"
    assert set(json.loads(delivery.body)) == set(document["components"]["schemas"]["WebhookEvent"]["properties"])
