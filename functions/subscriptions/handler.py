"""The webhook subscriptions of a tenant: create, list, read, edit (PATCH), delete, rotate the secret,
send a test, list the attempts and recover what failed or was skipped."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Query
from triggers.http import api_handler, caller, create_app, json_response, no_content, route
from triggers.models import (
    AttemptPage,
    AttemptsQuery,
    RecoverIn,
    Recovery,
    SecretRotated,
    SendTestResult,
    Subscription,
    SubscriptionCreated,
    SubscriptionIn,
    SubscriptionList,
    SubscriptionPatch,
)
from triggers.settings import SubscriptionsSettings, load_settings
from triggers.snapshot import preload
from triggers.subscription_management import SubscriptionManagement

settings = load_settings(SubscriptionsSettings)
app = create_app()
ONE = "/v1/subscriptions/{subscription_id}"


@preload
@cache
def subscriptions() -> SubscriptionManagement:
    return SubscriptionManagement.from_settings(settings)


@route(app, "POST /v1/subscriptions", 201, SubscriptionCreated, "The signing secret is shown only here")
def create_subscription(request: Annotated[SubscriptionIn, Body()]) -> Response[str]:
    return json_response(201, subscriptions().create(caller(app), request))


@route(app, "GET /v1/subscriptions", 200, SubscriptionList, "The tenant's subscriptions")
def list_subscriptions() -> Response[str]:
    return json_response(200, SubscriptionList(subscriptions=subscriptions().list(caller(app))))


@route(app, f"GET {ONE}", 200, Subscription, "One subscription")
def get_subscription(subscription_id: str) -> Response[str]:
    return json_response(200, subscriptions().get(caller(app), subscription_id))


@route(app, f"PATCH {ONE}", 200, Subscription, "Updated; re-enabling one disabled by a 410 is allowed")
def update_subscription(subscription_id: str, patch: Annotated[SubscriptionPatch, Body()]) -> Response[str]:
    return json_response(200, subscriptions().update(caller(app), subscription_id, patch))


@route(app, f"DELETE {ONE}", 204, None, "Deleted")
def delete_subscription(subscription_id: str) -> Response[str]:
    subscriptions().delete(caller(app), subscription_id)
    return no_content()


@route(app, f"POST {ONE}/secret/rotate", 200, SecretRotated, "A new secret; for 24 h deliveries carry both signatures")
def rotate_secret(subscription_id: str) -> Response[str]:
    return json_response(200, subscriptions().rotate_secret(caller(app), subscription_id))


@route(app, f"POST {ONE}/test", 200, SendTestResult, "A signed triggers.test webhook was sent now; its result")
def send_test(subscription_id: str) -> Response[str]:
    return json_response(200, subscriptions().send_test(caller(app), subscription_id))


@route(app, f"GET {ONE}/attempts", 200, AttemptPage, "The subscription's delivery attempts, newest first")
def list_attempts(subscription_id: str, query: Annotated[AttemptsQuery, Query()]) -> Response[str]:
    return json_response(200, subscriptions().attempts(caller(app), subscription_id, query))


@route(app, f"POST {ONE}/recover", 202, Recovery, "Failed and skipped deliveries in the window, queued again")
def recover(subscription_id: str, request: Annotated[RecoverIn, Body()]) -> Response[str]:
    return json_response(202, subscriptions().recover(caller(app), subscription_id, request))


lambda_handler = api_handler(app)
