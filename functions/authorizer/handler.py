"""The HTTP API Lambda authorizer (payload 2.0, simple responses)."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.data_classes import event_source
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import APIGatewayAuthorizerEventV2
from aws_lambda_powertools.utilities.typing import LambdaContext
from triggers.auth.authorizer import KeyAuthorizer
from triggers.observability import logger, metrics, tracing
from triggers.settings import AuthorizerSettings, load_settings
from triggers.snapshot import preload

settings = load_settings(AuthorizerSettings)


@preload
@cache
def key_authorizer() -> KeyAuthorizer:
    return KeyAuthorizer.from_settings(settings)


@logger.inject_lambda_context(clear_state=True)
@tracing.lambda_handler
@metrics.log_metrics
@event_source(data_class=APIGatewayAuthorizerEventV2)
def lambda_handler(event: APIGatewayAuthorizerEventV2, context: LambdaContext) -> dict[str, Any]:
    return key_authorizer().simple_response(event.headers or {})
