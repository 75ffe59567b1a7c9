"""An API Gateway HTTP API emulator: routes, the Lambda authorizer and the Lambda proxy integration.

What it reproduces from API Gateway:

* route matching on ``METHOD /path/{param}``; unknown routes get ``404 {"message":"Not Found"}``;
* the REQUEST authorizer with payload 2.0 and simple responses: a missing identity source is
  ``401 {"message":"Unauthorized"}`` without invoking the authorizer, a denial is
  ``403 {"message":"Forbidden"}``, and allowed results are cached per identity-source values for the
  configured TTL;
* payload 2.0 route events (lower-cased headers, joined query parameters, base64 for binary bodies)
  and the proxy response format, with ``apigw-requestid`` on every response;
* a function that raises gives ``500 {"message":"Internal Server Error"}``.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from triggers.observability import logger
from triggers.routes import GATEWAY_AUTHORIZER, ROUTES, FunctionName, GatewayAuthorizer, RouteSpec

from local.gateway_events import HttpRequest, authorizer_event, route_event
from local.lambdas import FunctionRegistry

# API Gateway's own response bodies.
NOT_FOUND = b'{"message":"Not Found"}'
UNAUTHORIZED = b'{"message":"Unauthorized"}'
FORBIDDEN = b'{"message":"Forbidden"}'
INTERNAL_ERROR = b'{"message":"Internal Server Error"}'


@dataclass
class HttpResponse:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class _CachedDecision:
    context: dict[str, Any]
    expires: float


class HttpApiEmulator:
    def __init__(
        self,
        functions: FunctionRegistry,
        authorizer: GatewayAuthorizer = GATEWAY_AUTHORIZER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._functions = functions
        self._authorizer = authorizer
        self._clock = clock
        self._routes = [(route, _path_pattern(route.path)) for route in ROUTES]
        self._decisions: dict[tuple[str, ...], _CachedDecision] = {}
        self.authorizer_invocations = 0

    def handle(self, request: HttpRequest) -> HttpResponse:
        response = self._handle(request)
        response.headers["apigw-requestid"] = request.request_id
        return response

    def _handle(self, request: HttpRequest) -> HttpResponse:
        matched = self._match(request.method, request.path)
        if matched is None:
            return _gateway_error(404, NOT_FOUND)
        route, path_parameters = matched
        authorizer_context: dict[str, Any] | None = None
        if not route.public:
            decision = self._authorize(request, route, path_parameters)
            if isinstance(decision, HttpResponse):
                return decision
            authorizer_context = decision
        event = route_event(request, route.route_key, path_parameters, authorizer_context)
        try:
            result = self._functions.invoke(route.function, event)
        except Exception:
            logger.exception("Route function raised", extra={"function": route.function.value})
            return _gateway_error(500, INTERNAL_ERROR)
        return _proxy_response(result)

    def _match(self, method: str, path: str) -> tuple[RouteSpec, dict[str, str]] | None:
        for route, pattern in self._routes:
            if route.method == method and (match := pattern.fullmatch(path)):
                return route, match.groupdict()
        return None

    def _authorize(
        self, request: HttpRequest, route: RouteSpec, path_parameters: dict[str, str]
    ) -> dict[str, Any] | HttpResponse:
        identity = self._identity(request)
        if identity is None:
            return _gateway_error(401, UNAUTHORIZED)
        caching = self._authorizer.cache_ttl_seconds > 0 and bool(identity)
        if caching and (cached := self._decisions.get(identity)) and cached.expires > self._clock():
            return cached.context
        self.authorizer_invocations += 1
        event = authorizer_event(request, route.route_key, list(identity), path_parameters)
        try:
            result = self._functions.invoke(FunctionName.AUTHORIZER, event)
        except Exception:
            logger.exception("Authorizer raised")
            return _gateway_error(500, INTERNAL_ERROR)
        if not isinstance(result, dict) or result.get("isAuthorized") is not True:
            return _gateway_error(403, FORBIDDEN)
        context = dict(result.get("context") or {})
        if caching:
            expires = self._clock() + self._authorizer.cache_ttl_seconds
            self._decisions[identity] = _CachedDecision(context, expires)
        return context

    def _identity(self, request: HttpRequest) -> tuple[str, ...] | None:
        """The identity-source values, or None when one is missing (API Gateway then answers 401)."""
        headers = {name.lower(): value for name, value in request.headers.items()}
        query = dict(parse_qsl(request.query))
        values = []
        for source in self._authorizer.identity_sources:
            kind, _, name = source.removeprefix("$request.").partition(".")
            value = headers.get(name.lower()) if kind == "header" else query.get(name)
            if not value:
                return None
            values.append(value)
        return tuple(values)


def _path_pattern(template: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template))


def _gateway_error(status: int, body: bytes) -> HttpResponse:
    return HttpResponse(status, body, {"content-type": "application/json"})


def _proxy_response(result: Any) -> HttpResponse:
    """Maps a payload 2.0 proxy result to HTTP, as API Gateway does."""
    if not isinstance(result, dict) or "statusCode" not in result:
        # A bare value is treated as a 200 JSON body (payload 2.0's "inferred" response format).
        return HttpResponse(200, json.dumps(result).encode(), {"content-type": "application/json"})
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
    headers = {name.lower(): str(value) for name, value in (result.get("headers") or {}).items()}
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers[name.lower()] = ",".join(str(value) for value in values)
    if result.get("cookies"):
        headers["set-cookie"] = "; ".join(result["cookies"])
    return HttpResponse(int(result["statusCode"]), raw, headers)
