"""POST/GET /v1/subscriptions and GET/DELETE /v1/subscriptions/{subscription_id}."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from triggers.delivery.targets import TargetPolicy
from triggers.http import api_handler, caller, create_app, documented, json_response, no_content
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


@app.post("/v1/subscriptions", responses=documented(201, SubscriptionCreated, "The signing secret is shown only here"))
def create_subscription(request: Annotated[SubscriptionIn, Body()]) -> Response[str]:
    return json_response(201, subscriptions().create(caller(app), request))


@app.get("/v1/subscriptions", responses=documented(200, SubscriptionList, "The tenant's subscriptions"))
def list_subscriptions() -> Response[str]:
    return json_response(200, SubscriptionList(subscriptions=subscriptions().list(caller(app))))


@app.get("/v1/subscriptions/<subscription_id>", responses=documented(200, Subscription, "One subscription"))
def get_subscription(subscription_id: str) -> Response[str]:
    return json_response(200, subscriptions().get(caller(app), subscription_id))


@app.delete("/v1/subscriptions/<subscription_id>", responses={204: {"description": "Deleted"}})
def delete_subscription(subscription_id: str) -> Response[str]:
    subscriptions().delete(caller(app), subscription_id)
    return no_content()


lambda_handler = api_handler(app)
