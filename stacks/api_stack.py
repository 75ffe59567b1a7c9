"""API: the HTTP API, its Lambda authorizer, one route per contract route, and the micro-functions behind them."""

from __future__ import annotations

import json
from functools import partial
from typing import Any, cast

from aws_cdk import ArnFormat, CfnOutput, Duration, Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import Construct
from triggers.routes import GATEWAY_AUTHORIZER, ROUTES, FunctionName
from triggers.settings import (
    AckSettings,
    AuthorizerSettings,
    FunctionSettings,
    InboxSettings,
    IngestSettings,
    KeysSettings,
    SubscriptionsSettings,
)
from triggers.tables import ATTEMPTS_INDEX, INBOX_INDEX, KEYS_BY_TENANT_INDEX, TableName, physical_name

from stacks.config import EnvironmentConfig
from stacks.constructs.micro_function import MicroFunction, TableAccess, common_layer
from stacks.data_stack import DataStack
from stacks.layer_bundle import LayerBundle
from stacks.nag import acknowledge

# One JSON line per request; the tenant and key id come from the authorizer's context (never the key itself).
ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId",
    "requestTime": "$context.requestTime",
    "ip": "$context.identity.sourceIp",
    "userAgent": "$context.identity.userAgent",
    "routeKey": "$context.routeKey",
    "status": "$context.status",
    "protocol": "$context.protocol",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationLatency": "$context.integrationLatency",
    "integrationError": "$context.integrationErrorMessage",
    "authorizerError": "$context.authorizer.error",
    "tenantId": "$context.authorizer.tenant_id",
    "keyId": "$context.authorizer.key_id",
}
AUTHORIZER_ID = "ApiKeyAuthorizer"


class ApiStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        data: DataStack,
        delivery_queue: sqs.IQueue,
        layer_bundle: LayerBundle,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        layer = common_layer(self, config, layer_bundle)
        self.functions = self._functions(config, data, delivery_queue, layer)
        self.http_api, self.stage = self._http_api(config)
        CfnOutput(self, "ApiUrl", value=self.stage.url, description="Base URL of the Triggers API")

    def _functions(
        self, config: EnvironmentConfig, data: DataStack, delivery_queue: sqs.IQueue, layer: lambda_.ILayerVersion
    ) -> dict[FunctionName, MicroFunction]:
        """Which functions exist, their settings, and the only grants each one's routes need."""
        name = partial(physical_name, config.prefix)
        table = data.tables
        # A release of any function on the request path must keep within the routes' p99 budget.
        micro_function = partial(
            MicroFunction,
            self,
            config=config,
            layer=layer,
            duration_budget=Duration.millis(config.alarms.p99_latency_ms),
        )
        functions = (
            micro_function(
                FunctionName.AUTHORIZER,
                settings=AuthorizerSettings(
                    api_keys_table=name(TableName.API_KEYS), auth_cache_ttl_seconds=config.auth_cache_ttl_seconds
                ),
                # UpdateItem: `last_used_at`, at most once per key per hour per container.
                tables=[TableAccess(table[TableName.API_KEYS], ("GetItem", "UpdateItem"))],
                memory_size=1024,  # bcrypt on a cache miss: CPU scales with memory
                timeout=Duration.seconds(5),
            ),
            micro_function(FunctionName.HEALTH, settings=FunctionSettings(), memory_size=128),
            micro_function(
                FunctionName.INGEST,
                settings=IngestSettings(
                    events_table=name(TableName.EVENTS),
                    shard_count=config.shard_count,
                    rate_limits_table=name(TableName.RATE_LIMITS),
                    idempotency_table=name(TableName.IDEMPOTENCY),
                    event_ttl_days=config.event_ttl_days,
                    default_rate_limit_per_second=config.default_rate_limit_per_second,
                ),
                tables=[
                    TableAccess(table[TableName.EVENTS], ("PutItem", "BatchWriteItem")),
                    TableAccess(table[TableName.RATE_LIMITS], ("UpdateItem",)),
                    TableAccess(table[TableName.IDEMPOTENCY], ("GetItem", "PutItem", "UpdateItem", "DeleteItem")),
                ],
                # Validating a 100-event batch is CPU-bound: at 1,024 MB the handler's own work was 23-27% of
                # its storage time (SPEC budget: 25%); 1,280 MB (more CPU with it) brings it near 20% for
                # about $0.02 a million single events (benchmarks: warm_latency, cost).
                memory_size=1280,
            ),
            micro_function(
                FunctionName.INBOX,
                settings=InboxSettings(
                    events_table=name(TableName.EVENTS),
                    shard_count=config.shard_count,
                    cursor_secret_name=data.cursor_secret_name,
                    stats_table=name(TableName.STATS),
                ),
                # An event and its delivery attempts are one Query; the inbox pages Query the inbox index;
                # GET /v1/stats Queries its key range of the stats table.
                tables=[
                    TableAccess(table[TableName.EVENTS], ("Query",), query_indexes=(INBOX_INDEX.name,)),
                    TableAccess(table[TableName.STATS], ("Query",)),
                ],
                secrets=[data.cursor_secret],
            ),
            micro_function(
                FunctionName.ACK,
                settings=AckSettings(
                    events_table=name(TableName.EVENTS),
                    shard_count=config.shard_count,
                    audit_table=name(TableName.AUDIT),
                ),
                tables=[
                    # Erasing an event also deletes its attempt records: found by Query, deleted in batches.
                    TableAccess(table[TableName.EVENTS], ("UpdateItem", "DeleteItem", "Query", "BatchWriteItem")),
                    TableAccess(table[TableName.AUDIT], ("PutItem",)),
                ],
            ),
            micro_function(
                FunctionName.KEYS,
                settings=KeysSettings(
                    api_keys_table=name(TableName.API_KEYS),
                    audit_table=name(TableName.AUDIT),
                    bcrypt_rounds=config.bcrypt_rounds,
                    default_rate_limit_per_second=config.default_rate_limit_per_second,
                    cursor_secret_name=data.cursor_secret_name,
                ),
                tables=[
                    # Creating and revoking a key is a transaction with the tenant's key counter; revoking
                    # reads the key first (its tenant and scopes).
                    TableAccess(
                        table[TableName.API_KEYS],
                        ("PutItem", "UpdateItem", "GetItem"),
                        query_indexes=(KEYS_BY_TENANT_INDEX.name,),
                    ),
                    # The audit log is written by every managing route and read (GET /v1/audit) here.
                    TableAccess(table[TableName.AUDIT], ("PutItem", "Query")),
                ],
                secrets=[data.cursor_secret],  # signs the audit log's page cursors
                memory_size=1024,  # bcrypt hashes every new key
            ),
            micro_function(
                FunctionName.SUBSCRIPTIONS,
                settings=SubscriptionsSettings(
                    subscriptions_table=name(TableName.SUBSCRIPTIONS),
                    audit_table=name(TableName.AUDIT),
                    events_table=name(TableName.EVENTS),
                    shard_count=config.shard_count,
                    cursor_secret_name=data.cursor_secret_name,
                    delivery_queue_url=delivery_queue.queue_url,
                    rate_limits_table=name(TableName.RATE_LIMITS),
                ),
                tables=[
                    TableAccess(
                        table[TableName.SUBSCRIPTIONS], ("PutItem", "GetItem", "Query", "UpdateItem", "DeleteItem")
                    ),
                    TableAccess(table[TableName.RATE_LIMITS], ("UpdateItem",)),  # test sends per tenant
                    TableAccess(table[TableName.AUDIT], ("PutItem",)),
                    # Attempts per subscription (their index); a recovery re-expects an event (UpdateItem)
                    # and counts its earlier attempts (Query).
                    TableAccess(table[TableName.EVENTS], ("UpdateItem", "Query"), query_indexes=(ATTEMPTS_INDEX.name,)),
                ],
                secrets=[data.cursor_secret],  # signs the attempts listing's page cursors
                sends_to=[delivery_queue],  # a recovery queues its deliveries
                # A test delivery waits for the subscriber up to the delivery deadline.
                timeout=Duration.seconds(20),
            ),
        )
        return {function.logical_name: function for function in functions}

    def _http_api(self, config: EnvironmentConfig) -> tuple[apigwv2.HttpApi, apigwv2.HttpStage]:
        http_api = apigwv2.HttpApi(
            self, "HttpApi", api_name=config.prefix, description="Triggers API v1", create_default_stage=False
        )
        stage = apigwv2.HttpStage(
            self,
            "DefaultStage",
            http_api=http_api,
            auto_deploy=True,
            throttle=apigwv2.ThrottleSettings(
                rate_limit=config.throttle.rate_limit, burst_limit=config.throttle.burst_limit
            ),
            detailed_metrics_enabled=True,  # per-route metrics, for the per-route latency alarms
        )
        access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            log_group_name=f"/aws/apigateway/{config.prefix}",
            retention=config.log_retention,
            removal_policy=config.removal_policy,
        )
        cfn_stage = cast(apigwv2.CfnStage, stage.node.default_child)
        cfn_stage.access_log_settings = apigwv2.CfnStage.AccessLogSettingsProperty(
            # The log group's own ARN ends in ":*", which API Gateway stores without it: the stage would
            # show drift forever. Built from the name instead.
            destination_arn=self.format_arn(
                service="logs",
                resource="log-group",
                resource_name=access_logs.log_group_name,
                arn_format=ArnFormat.COLON_RESOURCE_NAME,
            ),
            format=json.dumps(ACCESS_LOG_FORMAT),
        )

        authorizer = authorizers.HttpLambdaAuthorizer(
            AUTHORIZER_ID,
            self.functions[FunctionName.AUTHORIZER].alias,
            authorizer_name=f"{config.prefix}-api-key",
            response_types=[authorizers.HttpLambdaResponseType.SIMPLE],
            identity_source=list(GATEWAY_AUTHORIZER.identity_sources),
            results_cache_ttl=Duration.seconds(GATEWAY_AUTHORIZER.cache_ttl_seconds),
        )
        route_integrations = {
            route.function: integrations.HttpLambdaIntegration(
                f"{route.function.value}-integration", self.functions[route.function].alias
            )
            for route in ROUTES
        }
        for route in ROUTES:
            (http_route,) = http_api.add_routes(
                path=route.path,
                methods=[apigwv2.HttpMethod[route.method]],
                integration=route_integrations[route.function],
                authorizer=None if route.public else authorizer,
            )
            if route.public:
                acknowledge(http_route, "AwsSolutions-APIG4", f"{route.route_key} is public by contract (no key)")

        if not GATEWAY_AUTHORIZER.identity_sources:
            # CDK renders an empty list; API Gateway's way to say "call the authorizer on every request" is
            # no identity source at all (see GatewayAuthorizer: both key headers are accepted).
            cfn_authorizer = cast(apigwv2.CfnAuthorizer, http_api.node.find_child(AUTHORIZER_ID).node.default_child)
            cfn_authorizer.add_property_deletion_override("IdentitySource")
        return http_api, stage
