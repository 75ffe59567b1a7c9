"""One OpenAPI document for the whole API, merged from each function's Powertools resolver.

Each API function documents only its own routes; API Gateway is what puts them behind one URL,
so the merge happens here. The route table adds what the resolvers cannot know: which routes go
through the key authorizer and which scope each needs.
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
from pydantic import BaseModel
from triggers import __version__
from triggers.api_docs import TITLE
from triggers.routes import ROUTES, FunctionName
from triggers.settings import table_env_var
from triggers.tables import TableName

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
    return {
        "openapi": "3.1.0",
        "info": merged["info"],
        "paths": paths,
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
