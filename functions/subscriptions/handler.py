"""POST/GET /v1/subscriptions and GET/DELETE /v1/subscriptions/{subscription_id}."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from triggers.delivery.targets import TargetPolicy
from triggers.http import api_handler, caller, create_app, json_response, no_content, route
from triggers.models import Subscription, SubscriptionCreated, SubscriptionIn, SubscriptionList
from triggers.settings import SubscriptionsSettings, load_settings
from triggers.storage.audit import AuditLog
from triggers.storage.dynamo import dynamodb_client
from triggers.storage.subscriptions import SubscriptionStore
from triggers.subscription_management import SubscriptionManagement

settings = load_settings(SubscriptionsSettings)
app = create_app()


@cache
def subscriptions() -> SubscriptionManagement:
    client = dynamodb_client()
    return SubscriptionManagement(
        SubscriptionStore(client, settings.subscriptions_table),
        AuditLog(client, settings.audit_table),
        TargetPolicy(allow_http=settings.allow_http_targets, allow_loopback=settings.allow_loopback_targets),
    )


@route(app, "POST /v1/subscriptions", 201, SubscriptionCreated, "The signing secret is shown only here")
def create_subscription(request: Annotated[SubscriptionIn, Body()]) -> Response[str]:
    return json_response(201, subscriptions().create(caller(app), request))


@route(app, "GET /v1/subscriptions", 200, SubscriptionList, "The tenant's subscriptions")
def list_subscriptions() -> Response[str]:
    return json_response(200, SubscriptionList(subscriptions=subscriptions().list(caller(app))))


@route(app, "GET /v1/subscriptions/{subscription_id}", 200, Subscription, "One subscription")
def get_subscription(subscription_id: str) -> Response[str]:
    return json_response(200, subscriptions().get(caller(app), subscription_id))


@route(app, "DELETE /v1/subscriptions/{subscription_id}", 204, None, "Deleted")
def delete_subscription(subscription_id: str) -> Response[str]:
    subscriptions().delete(caller(app), subscription_id)
    return no_content()


lambda_handler = api_handler(app)
