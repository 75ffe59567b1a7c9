"""The HTTP edge: the one error mapping, the checks every route gets before validation, strict JSON,
the route table against the routers, and the documented statuses."""

from __future__ import annotations

import importlib
import json
from typing import Annotated, Any

import pytest
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from triggers import errors
from triggers.errors import DomainError
from triggers.http import ERROR_STATUS, create_app, json_response, route, status_of
from triggers.models import BulkAckIn, BulkAckResult
from triggers.routes import ROUTES, FunctionName, routes_of

from local.gateway_events import HttpRequest, route_event

READ_ONLY = {"tenant_id": "acme", "key_id": "k1", "scopes": "events:read", "rate_limit_per_second": 0}
WRITER = {**READ_ONLY, "scopes": "events:write"}

app = create_app()


@route(app, "POST /v1/inbox/ack", 200, BulkAckResult, "Per-id results")
def acknowledge(request: Annotated[BulkAckIn, Body()]) -> Response[str]:
    return json_response(200, BulkAckResult(results=[]))


def call(
    body: str | None = '{"event_ids":["a"]}',
    content_type: str = "application/json",
    principal: dict[str, Any] | None = READ_ONLY,
    query: str = "",
) -> tuple[int, dict[str, Any]]:
    request = HttpRequest(
        "POST", "/v1/inbox/ack", {"content-type": content_type}, query, body.encode() if body else None
    )
    event = route_event(request, "POST /v1/inbox/ack", None, principal)
    result = app.resolve(event, None)  # type: ignore[arg-type]
    return result["statusCode"], json.loads(result["body"])


def error_code(body: dict[str, Any]) -> str:
    return str(body["error"]["code"])


def test_every_domain_error_has_exactly_one_http_status() -> None:
    domain_errors = [
        cls
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, DomainError) and cls is not DomainError
    ]
    assert set(domain_errors) == set(ERROR_STATUS)
    assert all(400 <= status < 600 for status in ERROR_STATUS.values())
    assert status_of(DomainError()) == 500


def test_a_valid_request_reaches_the_route() -> None:
    assert call() == (200, {"results": []})


def test_missing_scope_is_refused_before_the_body_is_validated() -> None:
    status, body = call('{"not":"valid"}', principal=WRITER)
    assert (status, error_code(body)) == (403, "FORBIDDEN")


def test_no_principal_is_unauthenticated() -> None:
    status, body = call(principal=None)
    assert (status, error_code(body)) == (401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "Application/JSON", "APPLICATION/JSON; charset=UTF-8", 'application/json;charset="utf8"'],
)
def test_media_types_are_case_insensitive(content_type: str) -> None:
    assert call(content_type=content_type)[0] == 200


@pytest.mark.parametrize(
    "content_type", ["text/plain", "", "application/jsonx", "application/json; charset=latin-1", "multipart/form-data"]
)
def test_other_media_types_are_415(content_type: str) -> None:
    status, body = call(content_type=content_type)
    assert (status, error_code(body)) == (415, "UNSUPPORTED_MEDIA_TYPE")


def test_oversized_body_is_413_before_parsing() -> None:
    status, body = call('{"event_ids":["' + "x" * 20_000 + '"]}')
    assert (status, error_code(body)) == (413, "PAYLOAD_TOO_LARGE")


@pytest.mark.parametrize("query", ["status=pending", "limit=5", "x=", "event_ids=a"])
def test_unknown_query_parameters_are_400(query: str) -> None:
    status, body = call(query=query)
    assert (status, error_code(body)) == (400, "VALIDATION_ERROR")
    assert body["error"]["details"][0]["in"] == "query"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"event_ids":[NaN]}', "INVALID_JSON"),
        ('{"event_ids":[Infinity]}', "INVALID_JSON"),
        ('{"event_ids":[-Infinity]}', "INVALID_JSON"),
        ('{"event_ids":["a"], "n": 1e999}', "VALIDATION_ERROR"),
        ('{"event_ids":[' + "9" * 5000 + "]}", "VALIDATION_ERROR"),
        ('{"event_ids":[' + "-0." + "1" * 100 + "]}", "VALIDATION_ERROR"),
        ('{"event_ids":' + "[" * 5000 + "]" * 5000 + "}", "VALIDATION_ERROR"),
        ('{"event_ids":' + "[" * 70 + "]" * 70 + "}", "VALIDATION_ERROR"),
        ('{"event_ids":["a"', "INVALID_JSON"),
        ("\x00", "INVALID_JSON"),
    ],
)
def test_json_beyond_the_bounds_is_a_clear_400(text: str, code: str) -> None:
    status, body = call(text)
    assert (status, error_code(body)) == (400, code), body


def test_a_refused_number_names_its_field() -> None:
    status, body = call('{"event_ids":["a"],"extra":{"deep":[1,' + "7" * 100 + "]}}")
    assert status == 400
    assert {"field": "extra.deep.1", "type": "number_too_large"}.items() <= body["error"]["details"][0].items()


def test_refusals_carry_the_request_id() -> None:
    _, body = call(content_type="text/plain")
    assert body["error"]["request_id"]


@pytest.mark.parametrize("function", sorted({spec.function for spec in ROUTES}))
def test_each_function_serves_exactly_its_routes_from_the_table(function: FunctionName) -> None:
    module_app = importlib.import_module(f"functions.{function.value}.handler").app
    served = {
        (method, handler.path.replace("<", "{").replace(">", "}"))
        for handler in module_app._static_routes + module_app._dynamic_routes
        for method in handler.method.split("|")
    }
    assert served == {(spec.method, spec.path) for spec in routes_of(function)}


@pytest.mark.parametrize("function", sorted({spec.function for spec in ROUTES}))
def test_each_route_documents_every_status_it_can_answer(function: FunctionName) -> None:
    schema = importlib.import_module(f"functions.{function.value}.handler").app.get_openapi_schema()
    for spec in routes_of(function):
        documented = {
            int(status)
            for status in schema.paths[spec.path].model_dump(by_alias=True)[spec.method.lower()]["responses"]
        }
        assert {int(status) for status in spec.error_statuses} <= documented
        if spec.max_body_bytes:
            assert {413, 415} <= documented
