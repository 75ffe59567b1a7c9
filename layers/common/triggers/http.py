"""The HTTP edge shared by every API function: the one mapping from domain errors to HTTP responses,
the request checks every route gets before its code runs, the route decorator that documents each
route from the route table, and the caller's identity.

Every refusal, whether raised by the checks, by request validation or by the domain, leaves through
the resolver's exception handlers as the one error envelope.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from email.message import Message
from functools import partial
from http import HTTPStatus
from typing import Any, cast

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares import BaseMiddlewareHandler, NextMiddleware
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
    LimitReached,
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
from triggers.json_limits import parse_body
from triggers.lazy import Lazy
from triggers.metric_names import MetricName
from triggers.models import TOO_LARGE_ERROR, ErrorBody, ErrorEnvelope, GatewayMessage
from triggers.observability import logger, metrics, tracing
from triggers.routes import ROUTES_BY_KEY, RouteSpec
from triggers.snapshot import preload

# The one place a domain error becomes an HTTP status.
ERROR_STATUS: dict[type[DomainError], HTTPStatus] = {
    InvalidJson: HTTPStatus.BAD_REQUEST,
    ValidationFailed: HTTPStatus.BAD_REQUEST,
    InvalidCursor: HTTPStatus.BAD_REQUEST,
    Unauthenticated: HTTPStatus.UNAUTHORIZED,
    MissingScope: HTTPStatus.FORBIDDEN,
    NotFound: HTTPStatus.NOT_FOUND,
    RequestInFlight: HTTPStatus.CONFLICT,
    LimitReached: HTTPStatus.CONFLICT,
    PayloadTooLarge: HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    UnsupportedMediaType: HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
    IdempotencyKeyReused: HTTPStatus.UNPROCESSABLE_ENTITY,
    RateLimited: HTTPStatus.TOO_MANY_REQUESTS,
    StorageUnavailable: HTTPStatus.SERVICE_UNAVAILABLE,
}
JSON_MEDIA_TYPE = "application/json"
# What API Gateway itself may answer instead of the function: a refused key, no such route, a crash.
_GATEWAY_STATUSES = frozenset({HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND, HTTPStatus.INTERNAL_SERVER_ERROR})


def status_of(error: DomainError) -> HTTPStatus:
    for cls in type(error).__mro__:
        if cls in ERROR_STATUS:
            return ERROR_STATUS[cls]
    return HTTPStatus.INTERNAL_SERVER_ERROR


def error_headers(error: DomainError) -> dict[str, str]:
    if isinstance(error, RateLimited):
        return {"Retry-After": str(error.retry_after_seconds)}
    return {}


def validation_details(errors: Any) -> list[dict[str, Any]]:
    """Pydantic/Powertools error entries as ``{"field", "in", "message", "type"}`` for clients."""
    details = []
    for entry in errors:
        location = [str(part) for part in entry.get("loc", ())]
        where = location[0] if location and location[0] in {"body", "query", "path", "header"} else "body"
        field = ".".join(location[1:] if location and location[0] == where else location)
        details.append({"field": field, "in": where, "message": entry.get("msg", ""), "type": entry.get("type", "")})
    return details


def refusal_of(error: RequestValidationError) -> DomainError:
    """What a failed request validation means: bad JSON, a field over its size limit, or bad fields."""
    errors = error.errors()
    if any(entry.get("type") == "json_invalid" for entry in errors):
        return InvalidJson()
    details = validation_details(errors)
    if all(entry["type"] == TOO_LARGE_ERROR for entry in details):
        return PayloadTooLarge("A field is over its size limit", details=details)
    return ValidationFailed(details=details)


class RequestChecks(BaseMiddlewareHandler[APIGatewayHttpResolver]):
    """What API Gateway cannot check for us, before request validation parses anything: the route is
    in the table, the caller holds its scope, every query parameter is one the route declares, and a
    body is JSON within the route's size limit. Powertools runs its request validation first in every
    middleware stack, so these checks take its place and run it themselves.

    Powertools' validation machinery is loaded with the first request, not at import (it is a fifth of
    an API function's cold start otherwise).
    """

    def __init__(self) -> None:
        self.validation = Lazy(_powertools_validation)

    def handler(self, app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[Any]:
        route = ROUTES_BY_KEY.get(app.current_event.route_key)
        if route is None:
            # Fail closed: a route missing from the table has no declared scope, so it is not served.
            raise NotFound("No such route")
        if not route.public:
            principal = caller(app)
            logger.append_keys(tenant_id=principal.tenant_id, key_id=principal.key_id)
            if route.scope is not None and route.scope.value not in principal.scopes:
                raise MissingScope(f"This route needs the {route.scope.value} scope")
        _check_query(app)
        _check_body(app, route)
        return self.validation().handler(app, next_middleware)


def _powertools_validation() -> BaseMiddlewareHandler[Any]:
    from aws_lambda_powertools.event_handler.middlewares.openapi_validation import OpenAPIRequestValidationMiddleware

    return OpenAPIRequestValidationMiddleware()  # type: ignore[no-untyped-call]


def _declared_query_parameters(app: APIGatewayHttpResolver) -> set[str]:
    names = set()
    for param in app.context["_route"].dependant.query_params:
        model = param.field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            names |= {field.alias or name for name, field in model.model_fields.items()}
        else:
            names.add(param.alias)
    return names


def _check_query(app: APIGatewayHttpResolver) -> None:
    given = set(app.current_event.query_string_parameters or {})
    unknown = sorted(given - _declared_query_parameters(app))
    if unknown:
        raise ValidationFailed(
            "Unknown query parameters",
            details=[
                {"field": name, "in": "query", "message": "not a parameter of this route", "type": "extra_forbidden"}
                for name in unknown
            ],
        )


def _check_body(app: APIGatewayHttpResolver, route: RouteSpec) -> None:
    event = app.current_event
    body = event.get("body")
    if not route.max_body_bytes or body is None:
        return
    size = len(body) * 3 // 4 if event.is_base64_encoded else len(body.encode())
    if size > route.max_body_bytes:
        raise PayloadTooLarge(f"Request body exceeds {route.max_body_bytes} bytes")
    header = Message()
    header["content-type"] = event.headers.get("content-type") or "text/plain"
    # JSON is UTF-8 (RFC 8259); media types and parameter names are case-insensitive.
    charset = str(header.get_param("charset", "utf-8")).lower()
    if header.get_content_type() != JSON_MEDIA_TYPE or charset not in {"utf-8", "utf8"}:
        raise UnsupportedMediaType()
    # Media types are case-insensitive; request validation compares them as written.
    event.raw_event["headers"]["content-type"] = JSON_MEDIA_TYPE


class _SegmentResolver(APIGatewayHttpResolver):
    """Routes as API Gateway does: a path parameter is any text between two slashes. Powertools' own
    pattern leaves out characters such as '#' or control characters, so a request for such an id fell
    to its not-found route, whose query parameters then all looked unknown (400 instead of 404).
    """

    @staticmethod
    def _compile_regex(rule: str, base_regex: str = "^{}$") -> re.Pattern[str]:
        return re.compile(base_regex.format(re.sub(r"<(\w+)>", r"(?P<\1>[^/]+)", rule)))


def create_app() -> APIGatewayHttpResolver:
    """An HTTP API resolver with the house edge: strict JSON, the route checks, one error envelope.

    Validation is switched on per route (``route``), not for the resolver: the resolver would import
    Powertools' validation machinery at once, and add a response validation that our responses do not
    need (each is a body pydantic has just serialized). Powertools puts the app's request validation
    middleware first in every route's stack; the checks take that place. Tested in tests/unit/test_http_edge.py.
    """
    app = _SegmentResolver(json_body_deserializer=parse_body)
    checks = RequestChecks()
    app._request_validation_middleware = checks  # type: ignore[assignment]
    preload(partial(_load_validation, app, checks))

    def respond(error: DomainError) -> Response[str]:
        if isinstance(error, RateLimited):
            metrics.add_metric(name=MetricName.RATE_LIMITED, unit="Count", value=1)
        body = ErrorEnvelope(error=ErrorBody.of(error, app.current_event.request_context.request_id))
        return json_response(status_of(error), body, error_headers(error))

    @app.exception_handler(DomainError)
    def domain_error(error: DomainError) -> Response[str]:
        return respond(error)

    @app.exception_handler(RequestValidationError)
    def invalid_request(error: RequestValidationError) -> Response[str]:
        return respond(refusal_of(error))

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


def _load_validation(app: APIGatewayHttpResolver, checks: RequestChecks) -> None:
    """What first requests would load: the validation middleware, and every route's parsed signature and
    models (building the OpenAPI document builds them all)."""
    checks.validation()
    app.get_openapi_schema()


def caller(app: APIGatewayHttpResolver) -> Principal:
    """The principal the authorizer put in the request context, with the request it is making."""
    context = app.current_event.request_context
    principal = Principal.from_context(context.authorizer.get_lambda or {})
    if principal is None:
        raise Unauthenticated()
    return replace(principal, request_id=context.request_id, source_ip=context.http.source_ip)


def json_response(status: int, body: BaseModel, headers: dict[str, str] | None = None) -> Response[str]:
    """Serializes with pydantic directly: faster than a second validation pass over the response."""
    return Response(
        status_code=status, content_type=content_types.APPLICATION_JSON, body=body.model_dump_json(), headers=headers
    )


def no_content() -> Response[str]:
    return Response(status_code=204, body="")


def _responses(route: RouteSpec, status: int, model: type[BaseModel] | None, description: str) -> dict[int, Any]:
    """The route's OpenAPI responses: its success, and every error status the table says it can answer.

    A 422 comes first, where the document has always had it (Powertools' resolver-wide validation used
    to put its own 422 there, which ours replaced), so the document and the types built from it keep
    their order.
    """
    success: OpenAPIResponse = {"description": description}
    if model:
        success["content"] = {JSON_MEDIA_TYPE: {"model": model}}
    errors = {int(error_status): _error_response(error_status) for error_status in route.error_statuses}
    first = (
        {HTTPStatus.UNPROCESSABLE_ENTITY.value: errors.pop(HTTPStatus.UNPROCESSABLE_ENTITY)} if 422 in errors else {}
    )
    return {**first, status: success, **errors}


def _error_response(error_status: HTTPStatus) -> OpenAPIResponse:
    schema: Any = ErrorEnvelope | GatewayMessage if error_status in _GATEWAY_STATUSES else ErrorEnvelope
    response: OpenAPIResponse = {"description": error_status.phrase, "content": {JSON_MEDIA_TYPE: {"model": schema}}}
    if error_status is HTTPStatus.TOO_MANY_REQUESTS:
        response["headers"] = {
            "Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer"}}
        }
    return response


RouteDecorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def route(
    app: APIGatewayHttpResolver, route_key: str, status: int, model: type[BaseModel] | None, description: str
) -> RouteDecorator:
    """Registers a handler for a route of the table (``"POST /v1/events"``), documented from the table."""
    spec = ROUTES_BY_KEY[route_key]
    register = getattr(app, spec.method.lower())
    path = spec.path.replace("{", "<").replace("}", ">")
    responses = _responses(spec, status, model, description)
    return cast(RouteDecorator, register(path, responses=responses, enable_validation=True))


LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def api_handler(app: APIGatewayHttpResolver) -> LambdaHandler:
    """The Lambda entry point of an API function: observability around the router."""

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP, clear_state=True)
    @tracing.lambda_handler  # responses may carry payloads
    @metrics.log_metrics
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return app.resolve(event, context)

    return cast(LambdaHandler, handler)
