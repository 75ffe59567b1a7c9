"""One OpenAPI document for the whole API, merged from each function's Powertools resolver.

Each API function documents only its own routes; API Gateway is what puts them behind one URL,
so the merge happens here. The route table adds what the resolvers cannot know: which routes go
through the key authorizer and which scope each needs. The document's ``webhooks`` (OpenAPI 3.1)
describe the other direction, the request a subscriber receives, so client generators see it too.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.merge import OpenAPIMerge
from pydantic import BaseModel, ConfigDict, Field
from triggers import __version__
from triggers.api_docs import TITLE
from triggers.delivery.schedule import DEFAULT_RETRY_DELAYS_SECONDS, LONGEST_RETRY_AFTER_SECONDS
from triggers.delivery.sender import USER_AGENT
from triggers.routes import ROUTES, FunctionName
from triggers.settings import WorkerSettings, table_env_var
from triggers.tables import TableName

from local.stack import LOCAL_FUNCTION_DEFAULTS

DESCRIPTION = (
    "Send events in, pull them from the inbox and acknowledge them. "
    "Authenticate with `Authorization: Bearer <key>` or `X-API-Key: <key>`."
)
SECURITY_SCHEMES: dict[str, Any] = {
    "bearerKey": {"type": "http", "scheme": "bearer", "description": "An API key: `Authorization: Bearer trg_…`"},
    "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "The same API key"},
}
_SCHEMA_REFS = "#/components/schemas/"
# Powertools documents a 422 for request validation; this API answers those with the 400 envelope.
_POWERTOOLS_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError", "ResponseValidationError")
# Where `make openapi` writes the document; the console's API types are generated from this file.
COMMITTED_DOCUMENT = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"


class WebhookEvent(BaseModel):
    """The JSON body of every delivery to a subscription: the event as stored, without its status or
    delivery record. Every attempt at one delivery carries the same bytes."""

    model_config = ConfigDict(extra="forbid")

    event_id: str = Field(description="The event's id, a UUIDv7; `test_<uuid>` for a `triggers.test` delivery")
    event_type: str = Field(description="As sent, e.g. `order.created`; `triggers.test` for a test delivery")
    source: str | None = Field(description="As sent, or null")
    received_at: str = Field(
        description="When the API stored the event: RFC 3339, UTC", json_schema_extra={"format": "date-time"}
    )
    tags: list[str] = Field(description="As sent (empty when none were)")
    metadata: dict[str, Any] = Field(description="As sent (empty when none was)")
    payload: dict[str, Any] = Field(description="As sent")


WEBHOOK_EXAMPLE = {
    "event_id": "01a2f0c4-7b1e-7c3a-9d2e-5f4b3a2c1d0e",
    "event_type": "order.created",
    "source": "shop",
    "received_at": "2026-11-30T12:00:00.123Z",
    "tags": ["eu"],
    "metadata": {"region": "eu-west-1"},
    "payload": {"order_id": "o-1", "total": 42.5},
}


def _header(name: str, description: str, example: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": True,
        "description": description,
        "schema": {"type": "string"},
        "example": example,
    }


def _duration(seconds: int) -> str:
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


def _retried(description: str) -> dict[str, Any]:
    retry_after = {
        "description": f"Seconds, or an HTTP date; honoured up to {LONGEST_RETRY_AFTER_SECONDS // 86400} days",
        "schema": {"type": "string"},
    }
    return {"description": description, "headers": {"Retry-After": retry_after}}


def webhooks() -> dict[str, Any]:
    """The delivery a subscriber receives, as an OpenAPI 3.1 ``webhooks`` entry."""
    deployed = ", ".join(_duration(delay) for delay in DEFAULT_RETRY_DELAYS_SECONDS)
    local = ", ".join(_duration(int(delay)) for delay in LOCAL_FUNCTION_DEFAULTS["RETRY_DELAYS_SECONDS"].split(","))
    deadline = WorkerSettings.model_fields["delivery_deadline_seconds"].default
    description = (
        "Every event whose `event_type` matches one of a subscription's patterns (`*` matches any run of "
        "characters, dots included: `order.*` matches `order.created` and `order.line.added`) is POSTed to "
        "its `target_url`, signed per the Standard Webhooks spec (https://www.standardwebhooks.com) with the "
        "subscription's `whsec_` secret; verify before trusting the body. Delivery is at least once: a "
        "receiver may see one `webhook-id` more than once and should process it once. `POST "
        "/v1/subscriptions/{subscription_id}/test` sends a `triggers.test` event the same way, at once.\n\n"
        f"An answer must come within {deadline:g} s. Any status but those below, a timeout or a connection "
        f"error is retried with exponential backoff and jitter (deployed: after about {deployed}, so for "
        f"more than a day; the local stack: after {local}); after the last attempt the event becomes `failed` "
        "and the job goes to the "
        "dead-letter queue, from which it can be redriven, and the event can be replayed. Redirects are not "
        "followed. Deployed, targets must be `https://` URLs of public addresses; the local stack also "
        "delivers to `http://127.0.0.1`."
    )
    return {
        "event": {
            "post": {
                "summary": "An event delivered to a subscription",
                "description": description,
                "operationId": "receiveEvent",
                "tags": ["webhooks"],
                "parameters": [
                    _header(
                        "webhook-id",
                        "The delivery's id, the same on every attempt (and on a DLQ redrive); a replay sends a "
                        "new one. Deduplicate on it.",
                        "msg_01a2f0c4-7b1e-7c3a-9d2e-5f4b3a2c1d0e_01a2f0c5-0000-7000-8000-000000000001_0",
                    ),
                    _header(
                        "webhook-timestamp",
                        "Unix time of this attempt, in seconds; refuse deliveries more than 5 minutes away.",
                        "1796126400",
                    ),
                    _header(
                        "webhook-signature",
                        "Space-separated `v1,<base64 HMAC-SHA256>` of `<webhook-id>.<webhook-timestamp>.<body>`, "
                        "keyed with the secret; for 24 h after a secret rotation, one for each secret.",
                        "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
                    ),
                ],
                "requestBody": {
                    "required": True,
                    "description": f"`Content-Type: application/json`, `User-Agent: {USER_AGENT.split('/')[0]}/…`",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": f"{_SCHEMA_REFS}WebhookEvent"},
                            "example": WEBHOOK_EXAMPLE,
                        }
                    },
                },
                "responses": {
                    "2XX": {"description": "Delivered. The response body is not read."},
                    "410": {
                        "description": "Gone: the subscription is disabled and gets nothing more (no retry); "
                        "`PATCH` it with `status: active` to resume, `recover` to send what it missed."
                    },
                    "429": _retried("Too many requests: tried again after `Retry-After`, else on the schedule."),
                    "503": _retried("Unavailable: tried again after `Retry-After`, else on the schedule."),
                    "default": {"description": "Any other answer, or none in time: tried again on the schedule."},
                },
            }
        }
    }


def _resolver(function: FunctionName) -> APIGatewayHttpResolver:
    app: APIGatewayHttpResolver = importlib.import_module(f"functions.{function.value}.handler").app
    return app


def _function_document(function: FunctionName) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(_resolver(function).get_openapi_json_schema(title=TITLE, version=__version__))
    return document


def _is_powertools_validation_response(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return bool(schema.get("$ref", "").endswith("/HTTPValidationError"))


def _query_models(function: FunctionName, route_key: str) -> list[type[BaseModel]]:
    """The pydantic models a route takes its query parameters from."""
    method, _, path = route_key.partition(" ")
    for handler in _resolver(function)._static_routes + _resolver(function)._dynamic_routes:
        if handler.method == method and handler.path.replace("<", "{").replace(">", "}") == path:
            annotations = [param.field_info.annotation for param in handler.dependant.query_params]
            return [model for model in annotations if isinstance(model, type) and issubclass(model, BaseModel)]
    return []


def _document_query_model(operation: dict[str, Any], model: type[BaseModel], schemas: dict[str, Any]) -> None:
    """Powertools documents each field of a query model as a bare string; this gives each its own
    schema (enums, bounds, patterns, formats), so clients and fuzzers see the real constraints."""
    model_schema = model.model_json_schema(ref_template=f"{_SCHEMA_REFS}{{model}}")
    schemas.update(model_schema.pop("$defs", {}))
    properties = model_schema.get("properties", {})
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and parameter["name"] in properties:
            field = dict(properties[parameter["name"]])
            field.pop("title", None)
            # An optional parameter is one that may be left out; a query string cannot carry null.
            alternatives = [option for option in field.pop("anyOf", []) if option != {"type": "null"}]
            if alternatives:
                field |= alternatives[0] if len(alternatives) == 1 else {"anyOf": alternatives}
            if field.get("default", ...) is None:
                del field["default"]
            parameter["schema"] = field
            if "description" in field:
                parameter["description"] = field["description"]


def merge(documents: dict[FunctionName, dict[str, Any]]) -> dict[str, Any]:
    """The functions' documents merged by Powertools (a path or schema two functions define differently is
    an error), then completed from the route table: who may call each route, tags, and the details
    Powertools leaves out. Paths follow the route table's order."""
    merger = OpenAPIMerge(
        title=TITLE,
        version=__version__,
        openapi_version="3.1.0",
        description=DESCRIPTION,
        security_schemes=SECURITY_SCHEMES,
        on_conflict="error",
    )
    for document in documents.values():
        merger.add_schema(document)
    merged = merger.get_openapi_schema()
    schemas: dict[str, Any] = {
        name: schema
        for name, schema in merged.get("components", {}).get("schemas", {}).items()
        if name not in _POWERTOOLS_VALIDATION_SCHEMAS
    }
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        if not route.documented:
            continue
        operation = merged["paths"][route.path][route.method.lower()]
        responses = operation["responses"]
        if "422" in responses and _is_powertools_validation_response(responses["422"]):
            del responses["422"]
        responses.get("204", {}).pop("content", None)  # Powertools describes the handler's empty body
        for model in _query_models(route.function, route.route_key):
            _document_query_model(operation, model, schemas)
        operation["tags"] = [route.function.value]
        if not route.public:
            operation["security"] = [{name: []} for name in SECURITY_SCHEMES]
            needs = f"Needs an API key with the `{route.scope.value}` scope." if route.scope else "Any valid API key."
            operation["description"] = "\n\n".join(filter(None, [operation.get("description"), needs]))
        paths.setdefault(route.path, {})[route.method.lower()] = operation
    schemas["WebhookEvent"] = WebhookEvent.model_json_schema()
    return {
        "openapi": "3.1.0",
        "info": merged["info"],
        "paths": paths,
        "webhooks": webhooks(),
        "components": {"schemas": dict(sorted(schemas.items())), "securitySchemes": SECURITY_SCHEMES},
    }


@cache
def openapi_json() -> bytes:
    """The merged document; built on first request, once the functions' environment is in place."""
    functions = dict.fromkeys(route.function for route in ROUTES)
    document = merge({function: _function_document(function) for function in functions})
    return json.dumps(document, indent=2).encode()


def written_document() -> bytes:
    """The document as ``python -m local.openapi`` writes it (and docs/openapi.json holds it)."""
    return openapi_json() + b"\n"


def _offline_function_environment() -> dict[str, str]:
    """What importing the API functions needs: their settings and a region. Building a boto3 client
    reaches nothing, and nothing here calls AWS, so placeholder names are enough."""
    return {
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "TriggersApi",
        **{table_env_var(table): f"openapi-{table.value}" for table in TableName},
        "CURSOR_SECRET_NAME": "openapi-cursor-signing-key",
        "DELIVERY_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/000000000000/openapi-delivery",
        "DEAD_LETTER_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/000000000000/openapi-delivery-dlq",
    }


def main(argv: list[str] | None = None) -> int:
    """``python -m local.openapi [PATH|-]``: writes the merged document (default docs/openapi.json)."""
    parser = argparse.ArgumentParser(prog="python -m local.openapi", description=main.__doc__)
    parser.add_argument("output", nargs="?", default=str(COMMITTED_DOCUMENT), help="a file, or - for stdout")
    args = parser.parse_args(argv)
    for name, value in _offline_function_environment().items():
        os.environ.setdefault(name, value)
    document = written_document()
    if args.output == "-":
        sys.stdout.buffer.write(document)
    else:
        Path(args.output).write_bytes(document)
    return 0


if __name__ == "__main__":
    sys.exit(main())
