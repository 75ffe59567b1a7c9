"""The HTTP edge: the one error mapping, the pre-route checks, and the route table vs the routers."""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from triggers import errors
from triggers.errors import DomainError
from triggers.http import ERROR_STATUS, check_request, status_of
from triggers.routes import ROUTES, ROUTES_BY_KEY, FunctionName, routes_of

READ_ONLY = {"tenant_id": "acme", "key_id": "k1", "scopes": "events:read", "rate_limit_per_second": 0}


def test_every_domain_error_has_exactly_one_http_status() -> None:
    domain_errors = [
        cls
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, DomainError) and cls is not DomainError
    ]
    assert set(domain_errors) == set(ERROR_STATUS)
    assert all(400 <= status < 600 for status in ERROR_STATUS.values())
    assert status_of(DomainError()) == 500


def event(
    route_key: str, body: str | None = None, content_type: str = "application/json", **extra: Any
) -> dict[str, Any]:
    return {
        "routeKey": route_key,
        "headers": {"content-type": content_type},
        "body": body,
        "requestContext": {"authorizer": {"lambda": READ_ONLY}},
        **extra,
    }


def test_missing_scope_is_refused_before_the_route_runs() -> None:
    with pytest.raises(errors.MissingScope):
        check_request(event("POST /v1/events", "{}"), ROUTES_BY_KEY["POST /v1/events"])
    check_request(event("GET /v1/inbox"), ROUTES_BY_KEY["GET /v1/inbox"])


def test_body_size_and_content_type() -> None:
    route = ROUTES_BY_KEY["POST /v1/inbox/ack"]
    check_request(event(route.route_key, "{}", "application/json; charset=utf-8"), route)
    with pytest.raises(errors.UnsupportedMediaType):
        check_request(event(route.route_key, "{}", "text/plain"), route)
    with pytest.raises(errors.PayloadTooLarge):
        check_request(event(route.route_key, "x" * (route.max_body_bytes + 1)), route)
    with pytest.raises(errors.PayloadTooLarge):
        check_request(event(route.route_key, "QUJD" * route.max_body_bytes, isBase64Encoded=True), route)


def test_no_principal_is_unauthenticated() -> None:
    with pytest.raises(errors.Unauthenticated):
        check_request({"routeKey": "GET /v1/inbox", "requestContext": {}}, ROUTES_BY_KEY["GET /v1/inbox"])


def _powertools_path(path: str) -> str:
    return re.sub(r"\{(\w+)\}", r"<\1>", path)


@pytest.mark.parametrize("function", sorted({route.function for route in ROUTES}))
def test_each_function_serves_exactly_its_routes_from_the_table(function: FunctionName) -> None:
    app = importlib.import_module(f"functions.{function.value}.handler").app
    served = {
        (method, route.rule.pattern if hasattr(route.rule, "pattern") else route.rule)
        for route in app._static_routes + app._dynamic_routes
        for method in route.method.split("|")
    }
    table = {(spec.method, spec.path) for spec in routes_of(function)}
    assert {method for method, _ in served} == {method for method, _ in table}
    schema_paths = set(app.get_openapi_schema().paths or {})
    assert schema_paths == {spec.path for spec in routes_of(function)}
    assert all(_powertools_path(spec.path) for spec in ROUTES)
