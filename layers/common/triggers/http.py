"""The HTTP edge shared by every API function: the one mapping from domain errors to HTTP responses,
the request checks every route gets before its code runs, and the caller's identity.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, cast

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from triggers.auth.authorizer import Principal
from triggers.errors import (
    DomainError,
    IdempotencyKeyReused,
    InvalidCursor,
    InvalidJson,
    MissingScope,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    RequestInFlight,
    StorageUnavailable,
    Unauthenticated,
    UnsupportedMediaType,
    ValidationFailed,
)
from triggers.metric_names import MetricName
from triggers.models import ErrorEnvelope
from triggers.observability import logger, metrics, tracer
from triggers.routes import ROUTES_BY_KEY, RouteSpec

# The one place a domain error becomes an HTTP status.
ERROR_STATUS: dict[type[DomainError], HTTPStatus] = {
    InvalidJson: HTTPStatus.BAD_REQUEST,
    ValidationFailed: HTTPStatus.BAD_REQUEST,
    InvalidCursor: HTTPStatus.BAD_REQUEST,
    Unauthenticated: HTTPStatus.UNAUTHORIZED,
    MissingScope: HTTPStatus.FORBIDDEN,
    NotFound: HTTPStatus.NOT_FOUND,
    RequestInFlight: HTTPStatus.CONFLICT,
    PayloadTooLarge: HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    UnsupportedMediaType: HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
    IdempotencyKeyReused: HTTPStatus.UNPROCESSABLE_ENTITY,
    RateLimited: HTTPStatus.TOO_MANY_REQUESTS,
    StorageUnavailable: HTTPStatus.SERVICE_UNAVAILABLE,
}


def status_of(error: DomainError) -> HTTPStatus:
    for cls in type(error).__mro__:
        if cls in ERROR_STATUS:
            return ERROR_STATUS[cls]
    return HTTPStatus.INTERNAL_SERVER_ERROR


def error_body(error: DomainError, request_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": error.code, "message": error.message, "details": error.details}
    if request_id is not None:
        body["request_id"] = request_id
    return body


def error_headers(error: DomainError) -> dict[str, str]:
    if isinstance(error, RateLimited):
        return {"Retry-After": str(error.retry_after_seconds)}
    return {}


def _envelope(error: DomainError, request_id: str) -> tuple[int, str, dict[str, str]]:
    body = json.dumps({"error": error_body(error, request_id)}, separators=(",", ":"))
    return int(status_of(error)), body, error_headers(error)


def validation_details(errors: Any) -> list[dict[str, Any]]:
    """Pydantic/Powertools error entries as ``{"field", "in", "message", "type"}`` for clients."""
    details = []
    for entry in errors:
        location = [str(part) for part in entry.get("loc", ())]
        where = location[0] if location and location[0] in {"body", "query", "path", "header"} else "body"
        field = ".".join(location[1:] if location and location[0] == where else location)
        details.append({"field": field, "in": where, "message": entry.get("msg", ""), "type": entry.get("type", "")})
    return details


def create_app() -> APIGatewayHttpResolver:
    """An HTTP API resolver with the house error handling: every failure leaves as the error envelope."""
    app = APIGatewayHttpResolver(enable_validation=True)

    def respond(error: DomainError) -> Response[str]:
        status, body, headers = _envelope(error, app.current_event.request_context.request_id)
        return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body, headers=headers)

    @app.exception_handler(DomainError)
    def domain_error(error: DomainError) -> Response[str]:
        return respond(error)

    @app.exception_handler(RequestValidationError)
    def invalid_request(error: RequestValidationError) -> Response[str]:
        errors = error.errors()
        if any(entry.get("type") == "json_invalid" for entry in errors):
            return respond(InvalidJson())
        return respond(ValidationFailed(details=validation_details(errors)))

    @app.exception_handler(NotFoundError)
    def unknown_route(_: NotFoundError) -> Response[str]:
        return respond(NotFound("No such route"))

    @app.exception_handler(Exception)
    def fault(error: Exception) -> Response[str]:
        # The stack trace goes to the log with the request id; the client gets only the id.
        logger.exception("Unhandled fault")
        metrics.add_metric(name=MetricName.SERVER_ERRORS, unit="Count", value=1)
        return respond(DomainError())

    return app


def caller(app: APIGatewayHttpResolver) -> Principal:
    """The principal the authorizer put in the request context."""
    principal = Principal.from_context(app.current_event.request_context.authorizer.get_lambda or {})
    if principal is None:
        raise Unauthenticated()
    return principal


def check_request(event: dict[str, Any], route: RouteSpec) -> None:
    """What API Gateway cannot check for us: the route's scope, the content type and the body size."""
    if route.scope is not None:
        context = (event.get("requestContext", {}).get("authorizer") or {}).get("lambda") or {}
        principal = Principal.from_context(context)
        if principal is None:
            raise Unauthenticated()
        logger.append_keys(tenant_id=principal.tenant_id, key_id=principal.key_id)
        if route.scope.value not in principal.scopes:
            raise MissingScope(f"This route needs the {route.scope.value} scope")
    body = event.get("body")
    if not route.max_body_bytes or body is None:
        return
    size = len(body) * 3 // 4 if event.get("isBase64Encoded") else len(body.encode())
    if size > route.max_body_bytes:
        raise PayloadTooLarge(f"Request body exceeds {route.max_body_bytes} bytes")
    content_type = {k.lower(): v for k, v in (event.get("headers") or {}).items()}.get("content-type", "")
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise UnsupportedMediaType()


def json_response(status: int, body: BaseModel, headers: dict[str, str] | None = None) -> Response[str]:
    """Serializes with pydantic directly: faster than a second validation pass over the response."""
    return Response(
        status_code=status, content_type=content_types.APPLICATION_JSON, body=body.model_dump_json(), headers=headers
    )


def no_content() -> Response[str]:
    return Response(status_code=204, body="")


def documented(status: int, model: type[BaseModel], description: str) -> dict[int, OpenAPIResponse]:
    """OpenAPI response entries for a route: its success body plus the error envelope."""
    envelope: OpenAPIResponse = {
        "description": "Error envelope",
        "content": {"application/json": {"model": ErrorEnvelope}},
    }
    return {
        status: {"description": description, "content": {"application/json": {"model": model}}},
        400: envelope,
        404: envelope,
        500: envelope,
    }


LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def api_handler(app: APIGatewayHttpResolver) -> LambdaHandler:
    """The Lambda entry point of an API function: observability, the route checks, then the router."""

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
    @tracer.capture_lambda_handler(capture_response=False)  # responses may carry payloads
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        route = ROUTES_BY_KEY.get(str(event.get("routeKey")))
        try:
            if route is None:
                # Fail closed: a route missing from the table has no declared scope, so it is not served.
                raise NotFound("No such route")
            check_request(event, route)
        except DomainError as error:
            status, body, headers = _envelope(error, str(event.get("requestContext", {}).get("requestId", "")))
            return {"statusCode": status, "headers": {"Content-Type": "application/json", **headers}, "body": body}
        return app.resolve(event, context)

    return cast(LambdaHandler, handler)
