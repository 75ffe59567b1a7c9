"""The API's route table: which function serves each route, the scope it needs and its body limit.

Read by the function entry point (scope, content type and size checks before any route code runs),
by the CDK API stack (one HTTP API route per entry) and by the local HTTP API emulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from http import HTTPStatus

from triggers.auth.apikeys import Scope

KIB = 1024
# Refusals of the ingest routes: a keyed request still in flight or reused with another body, a rate limit.
_INGEST_ERRORS = (HTTPStatus.CONFLICT, HTTPStatus.UNPROCESSABLE_ENTITY, HTTPStatus.TOO_MANY_REQUESTS)


class FunctionName(StrEnum):
    AUTHORIZER = "authorizer"
    HEALTH = "health"
    INGEST = "ingest"
    INBOX = "inbox"
    ACK = "ack"
    KEYS = "keys"
    SUBSCRIPTIONS = "subscriptions"
    DISPATCHER = "dispatcher"  # DynamoDB stream → delivery queue
    WORKER = "worker"  # delivery queue → webhooks


@dataclass(frozen=True)
class RouteSpec:
    method: str
    path: str
    function: FunctionName
    scope: Scope | None  # None: any valid key (or no key at all, if public)
    max_body_bytes: int = 0  # 0: the route takes no body
    # Refusals particular to the route, beyond those its shape implies (see `error_statuses`).
    extra_errors: tuple[HTTPStatus, ...] = ()
    public: bool = False  # served without a key, bypassing the authorizer
    documented: bool = True  # part of the API's OpenAPI document (the documentation routes are not)

    @property
    def route_key(self) -> str:
        """API Gateway's routeKey, e.g. ``POST /v1/events/{event_id}/ack``."""
        return f"{self.method} {self.path}"

    @property
    def error_statuses(self) -> tuple[HTTPStatus, ...]:
        """Every error status the route can answer with, for its OpenAPI document."""
        statuses = {HTTPStatus.BAD_REQUEST, HTTPStatus.INTERNAL_SERVER_ERROR, *self.extra_errors}
        if not self.public:  # the gateway refuses a missing or bad key; the route a missing scope
            statuses |= {HTTPStatus.FORBIDDEN, HTTPStatus.SERVICE_UNAVAILABLE}
        if "{" in self.path:
            statuses.add(HTTPStatus.NOT_FOUND)
        if self.max_body_bytes:
            statuses |= {HTTPStatus.REQUEST_ENTITY_TOO_LARGE, HTTPStatus.UNSUPPORTED_MEDIA_TYPE}
        return tuple(sorted(statuses))


ROUTES: tuple[RouteSpec, ...] = (
    RouteSpec("GET", "/v1/health", FunctionName.HEALTH, None, public=True),
    # The API's documentation, served by the API itself in every environment.
    RouteSpec("GET", "/openapi.json", FunctionName.HEALTH, None, public=True, documented=False),
    RouteSpec("GET", "/docs", FunctionName.HEALTH, None, public=True, documented=False),
    RouteSpec("GET", "/docs/{asset}", FunctionName.HEALTH, None, public=True, documented=False),
    # 256 KiB payload + 8 KiB metadata + the rest of the envelope.
    RouteSpec("POST", "/v1/events", FunctionName.INGEST, Scope.EVENTS_WRITE, 300 * KIB, _INGEST_ERRORS),
    # Lambda's synchronous invocation payload limit is 6 MB; stay under it after base64.
    RouteSpec("POST", "/v1/events/batch", FunctionName.INGEST, Scope.EVENTS_WRITE, 4 * 1024 * KIB, _INGEST_ERRORS),
    RouteSpec("GET", "/v1/inbox", FunctionName.INBOX, Scope.EVENTS_READ),
    RouteSpec("GET", "/v1/events", FunctionName.INBOX, Scope.EVENTS_READ),
    RouteSpec("GET", "/v1/stats", FunctionName.INBOX, Scope.EVENTS_READ),
    RouteSpec("GET", "/v1/events/{event_id}", FunctionName.INBOX, Scope.EVENTS_READ),
    RouteSpec("POST", "/v1/events/{event_id}/ack", FunctionName.ACK, Scope.EVENTS_READ),
    RouteSpec("POST", "/v1/inbox/ack", FunctionName.ACK, Scope.EVENTS_READ, 16 * KIB),
    RouteSpec("DELETE", "/v1/events/{event_id}", FunctionName.ACK, Scope.EVENTS_WRITE),
    RouteSpec("POST", "/v1/events/{event_id}/replay", FunctionName.ACK, Scope.EVENTS_WRITE),
    # 409: the tenant holds as many keys as it may.
    RouteSpec("POST", "/v1/keys", FunctionName.KEYS, Scope.KEYS_MANAGE, 4 * KIB, (HTTPStatus.CONFLICT,)),
    RouteSpec("GET", "/v1/keys", FunctionName.KEYS, Scope.KEYS_MANAGE),
    RouteSpec("GET", "/v1/keys/current", FunctionName.KEYS, None),  # the calling key itself: any valid key
    RouteSpec("DELETE", "/v1/keys/{key_id}", FunctionName.KEYS, Scope.KEYS_MANAGE),
    RouteSpec("GET", "/v1/audit", FunctionName.KEYS, Scope.KEYS_MANAGE),
    # 409: the tenant holds as many subscriptions as it may.
    RouteSpec(
        "POST",
        "/v1/subscriptions",
        FunctionName.SUBSCRIPTIONS,
        Scope.SUBSCRIPTIONS_MANAGE,
        8 * KIB,
        (HTTPStatus.CONFLICT,),
    ),
    RouteSpec("GET", "/v1/subscriptions", FunctionName.SUBSCRIPTIONS, Scope.SUBSCRIPTIONS_MANAGE),
    *(
        RouteSpec(
            method,
            f"/v1/subscriptions/{{subscription_id}}{tail}",
            FunctionName.SUBSCRIPTIONS,
            Scope.SUBSCRIPTIONS_MANAGE,
            body,
            extra,
        )
        for method, tail, body, extra in (
            ("GET", "", 0, ()),
            ("DELETE", "", 0, ()),
            ("PATCH", "", 8 * KIB, ()),
            ("POST", "/secret/rotate", 0, ()),
            ("POST", "/test", 0, (HTTPStatus.TOO_MANY_REQUESTS,)),  # a tenant's test sends per second
            ("GET", "/attempts", 0, ()),
            ("POST", "/recover", KIB, ()),
        )
    ),
)


@dataclass(frozen=True)
class GatewayAuthorizer:
    """How API Gateway calls the Lambda authorizer (read by the API stack and the local emulator).

    Clients may send ``Authorization: Bearer`` or ``X-API-Key``. API Gateway requires *every*
    identity source to be present (else 401 without calling the authorizer) and its result cache
    needs identity sources, so naming either header would break the other. Hence no identity
    sources and no gateway cache: the authorizer is invoked per request and answers from its own
    warm-container cache (sub-millisecond, no I/O); a missing key is denied there (403).
    """

    identity_sources: tuple[str, ...] = ()
    cache_ttl_seconds: int = 0


GATEWAY_AUTHORIZER = GatewayAuthorizer()

ROUTES_BY_KEY = {route.route_key: route for route in ROUTES}


def routes_of(function: FunctionName) -> list[RouteSpec]:
    return [route for route in ROUTES if route.function is function]
