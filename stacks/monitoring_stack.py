"""Monitoring: the encrypted alarm topic, the alarms the runbook explains, and the dashboard.

Custom metrics come from the layer's ``metric_names`` (what the functions emit, one ``service`` dimension);
every alarm description links its runbook section in ``docs/operations.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct
from triggers.metric_names import NAMESPACE, SERVICE_DIMENSION, MetricName
from triggers.routes import ROUTES, FunctionName, RouteSpec
from triggers.tables import TableName

from stacks.api_stack import ApiStack
from stacks.config import AlarmThresholds, EnvironmentConfig
from stacks.constructs.micro_function import MicroFunction
from stacks.data_stack import DataStack
from stacks.delivery_stack import DeliveryStack

RUNBOOK = "docs/operations.md"
PERIOD = Duration.minutes(5)
# Error rates and queue depths are judged minute by minute: they should page quickly.
FAST_PERIOD = Duration.minutes(1)
# Powertools names its service dimension "service".
SERVICE_DIMENSIONS = {"service": SERVICE_DIMENSION}

# The dashboard's counter panels; DELIVERY_LATENCY is a distribution and gets a percentile panel.
COUNTER_PANELS: Mapping[str, tuple[MetricName, ...]] = {
    "Ingest": (
        MetricName.EVENTS_INGESTED,
        MetricName.EVENTS_REJECTED,
        MetricName.IDEMPOTENT_REPLAYS,
        MetricName.RATE_LIMITED,
    ),
    "Inbox and acks": (MetricName.INBOX_READS, MetricName.EVENTS_ACKNOWLEDGED, MetricName.EVENTS_DELETED),
    "Auth, keys and faults": (
        MetricName.AUTH_DENIALS,
        MetricName.KEYS_CREATED,
        MetricName.KEYS_REVOKED,
        MetricName.SERVER_ERRORS,
    ),
    "Delivery": (
        MetricName.JOBS_DISPATCHED,
        MetricName.DELIVERY_ATTEMPTS,
        MetricName.DELIVERY_SUCCESSES,
        MetricName.DELIVERY_FAILURES,
        MetricName.DEAD_LETTERED,
        MetricName.DELIVERIES_ABANDONED,
    ),
}
LATENCY_PANELS = (MetricName.DELIVERY_LATENCY,)


class Runbook(StrEnum):
    """Anchors of the runbook sections in docs/operations.md, one per kind of alarm."""

    API_5XX_RATE = "api-5xx-rate"
    ROUTE_P99_LATENCY = "route-p99-latency"
    FUNCTION_ERRORS = "function-errors"
    FUNCTION_THROTTLES = "function-throttles"
    DEAD_LETTERS = "dead-letters"
    DELIVERY_BACKLOG = "delivery-backlog"
    DISPATCH_LAG = "dispatch-lag"
    DISPATCH_FAILURES = "dispatch-failures"
    DYNAMODB_THROTTLES = "dynamodb-throttles"
    AUTH_DENIALS = "auth-denials"


def service_metric(name: MetricName, statistic: str = "Sum") -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace=NAMESPACE,
        metric_name=name.value,
        dimensions_map=SERVICE_DIMENSIONS,
        statistic=statistic,
        period=PERIOD,
    )


def dispatcher_lag(delivery: DeliveryStack) -> cloudwatch.Metric:
    """How far behind the events stream the dispatcher is (age of its oldest unprocessed record)."""
    dispatcher = delivery.functions[FunctionName.DISPATCHER].function
    return dispatcher.metric("IteratorAge", statistic="Maximum", period=FAST_PERIOD, label="dispatcher lag (ms)")


class MonitoringStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: EnvironmentConfig,
        data: DataStack,
        api: ApiStack,
        delivery: DeliveryStack,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self._config = config
        self._api = api
        topic_key = kms.Key(
            self,
            "AlarmTopicKey",
            alias=f"alias/{config.prefix}-alarms",
            description=f"{config.prefix}: alarm topic",
            enable_key_rotation=True,
            removal_policy=config.removal_policy,
        )
        # CloudWatch publishes into the encrypted topic, so it must be able to use the topic's key.
        topic_key.grant(iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*")
        self.alarm_topic = sns.Topic(
            self,
            "AlarmTopic",
            topic_name=f"{config.prefix}-alarms",
            display_name=f"Triggers API {config.name} alarms",
            master_key=topic_key,
            enforce_ssl=True,
        )
        self._notify = cloudwatch_actions.SnsAction(self.alarm_topic)
        self.alarms: list[cloudwatch.Alarm] = []

        functions = [*api.functions.values(), *delivery.functions.values()]
        self._api_alarms(api, config.alarms)
        self._function_alarms(functions, config.alarms)
        self._delivery_alarms(delivery, config.alarms)
        table_throttles = [self._table_alarm(name, table, config.alarms) for name, table in data.tables.items()]
        self._alarm(
            Runbook.AUTH_DENIALS,
            "authorizer denials",
            service_metric(MetricName.AUTH_DENIALS),
            config.alarms.auth_denials,
        )
        self._dashboard(api, delivery, functions, table_throttles)

    def _api_alarms(self, api: ApiStack, thresholds: AlarmThresholds) -> None:
        self._alarm(
            Runbook.API_5XX_RATE,
            "API 5xx rate (%)",
            cloudwatch.MathExpression(
                expression="IF(requests > 0, 100 * errors / requests, 0)",
                using_metrics={
                    "errors": api.stage.metric_server_error(period=FAST_PERIOD),
                    "requests": api.stage.metric_count(statistic="Sum", period=FAST_PERIOD),
                },
                label="5xx %",
                period=FAST_PERIOD,
            ),
            thresholds.server_error_rate_percent,
            evaluation_periods=5,
            datapoints_to_alarm=3,
        )
        for route in ROUTES:
            self._alarm(
                Runbook.ROUTE_P99_LATENCY,
                f"p99 latency (ms) {route.route_key}",
                self._route_latency(route),
                thresholds.p99_latency_ms,
                evaluation_periods=3,
            )

    def _function_alarms(self, functions: list[MicroFunction], thresholds: AlarmThresholds) -> None:
        for function in functions:
            self._alarm(
                Runbook.FUNCTION_ERRORS,
                f"errors {function.name}",
                function.function.metric_errors(period=PERIOD),
                thresholds.function_errors,
            )
            self._alarm(
                Runbook.FUNCTION_THROTTLES,
                f"throttles {function.name}",
                function.function.metric_throttles(period=PERIOD),
                thresholds.function_throttles,
            )

    def _delivery_alarms(self, delivery: DeliveryStack, thresholds: AlarmThresholds) -> None:
        self._alarm(
            Runbook.DEAD_LETTERS,
            "messages in the delivery DLQ",
            delivery.dead_letter_queue.metric_approximate_number_of_messages_visible(
                statistic="Maximum", period=FAST_PERIOD
            ),
            0,
        )
        self._alarm(
            Runbook.DELIVERY_BACKLOG,
            "oldest delivery job age (s)",
            delivery.delivery_queue.metric_approximate_age_of_oldest_message(statistic="Maximum", period=FAST_PERIOD),
            thresholds.oldest_delivery_message_age.to_seconds(),
            evaluation_periods=5,
        )
        self._alarm(
            Runbook.DISPATCH_LAG,
            "dispatcher stream lag (ms)",
            dispatcher_lag(delivery),
            thresholds.dispatch_lag.to_milliseconds(),
            evaluation_periods=5,
        )
        self._alarm(
            Runbook.DISPATCH_FAILURES,
            "stream batches the dispatcher gave up on",
            delivery.dispatch_failures.metric_approximate_number_of_messages_visible(
                statistic="Maximum", period=FAST_PERIOD
            ),
            0,
        )

    def _table_alarm(self, name: TableName, table: dynamodb.ITable, thresholds: AlarmThresholds) -> cloudwatch.IMetric:
        """Read and write throttles of one table; returns the metric for the dashboard."""
        # Ids are unique per table: the dashboard draws every table's expression in one graph.
        reads, writes = (f"{kind}_{name.value.replace('-', '_')}" for kind in ("reads", "writes"))
        throttles = cloudwatch.MathExpression(
            expression=f"{reads} + {writes}",
            using_metrics={
                reads: table.metric("ReadThrottleEvents", statistic="Sum", period=PERIOD),
                writes: table.metric("WriteThrottleEvents", statistic="Sum", period=PERIOD),
            },
            label=name.value,
            period=PERIOD,
        )
        self._alarm(
            Runbook.DYNAMODB_THROTTLES, f"throttles {name.value} table", throttles, thresholds.dynamodb_throttles
        )
        return throttles

    def _alarm(
        self,
        runbook: Runbook,
        subject: str,
        metric: cloudwatch.IMetric,
        threshold: float,
        *,
        evaluation_periods: int = 1,
        datapoints_to_alarm: int | None = None,
    ) -> None:
        """An alarm above ``threshold`` that notifies the topic when it fires and when it clears."""
        alarm = cloudwatch.Alarm(
            self,
            f"{runbook.value} {subject}",
            alarm_name=f"{self._config.prefix} {subject}",
            alarm_description=f"{subject} above {threshold:g}. Runbook: {RUNBOOK}#{runbook.value}",
            metric=metric,
            threshold=threshold,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=datapoints_to_alarm,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._notify)
        alarm.add_ok_action(self._notify)
        self.alarms.append(alarm)

    def _route_latency(self, route: RouteSpec, statistic: str = "p99") -> cloudwatch.Metric:
        """HTTP API detailed metrics: Method and Resource (the route's path) identify a route."""
        return cloudwatch.Metric(
            namespace="AWS/ApiGateway",
            metric_name="Latency",
            dimensions_map={
                "ApiId": self._api.http_api.api_id,
                "Stage": self._api.stage.stage_name,
                "Method": route.method,
                "Resource": route.path,
            },
            statistic=statistic,
            period=PERIOD,
            label=route.route_key,
        )

    def _dashboard(
        self,
        api: ApiStack,
        delivery: DeliveryStack,
        functions: list[MicroFunction],
        table_throttles: list[cloudwatch.IMetric],
    ) -> None:
        dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name=self._config.prefix)
        dashboard.add_widgets(cloudwatch.AlarmStatusWidget(title="Alarms", alarms=self.alarms, width=24))
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Requests",
                left=[
                    api.stage.metric_count(statistic="Sum", label="requests"),
                    api.stage.metric_client_error(label="4xx"),
                    api.stage.metric_server_error(label="5xx"),
                ],
                width=12,
            ),
            cloudwatch.GraphWidget(
                title="p99 latency per route (ms)", left=[self._route_latency(route) for route in ROUTES], width=12
            ),
        )
        dashboard.add_widgets(
            *(
                cloudwatch.GraphWidget(
                    title=title, left=[service_metric(name).with_(label=name.value) for name in names]
                )
                for title, names in COUNTER_PANELS.items()
            ),
            *(
                cloudwatch.GraphWidget(
                    title=f"{name.value} (ms)",
                    left=[service_metric(name, statistic=p).with_(label=p) for p in ("p50", "p90", "p99")],
                )
                for name in LATENCY_PANELS
            ),
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Function errors", left=[f.function.metric_errors(label=f.name) for f in functions], width=8
            ),
            cloudwatch.GraphWidget(
                title="Function throttles", left=[f.function.metric_throttles(label=f.name) for f in functions], width=8
            ),
            cloudwatch.GraphWidget(
                title="Function p99 duration (ms)",
                left=[f.function.metric_duration(statistic="p99", label=f.name) for f in functions],
                width=8,
            ),
        )
        dashboard.add_widgets(
            cloudwatch.GraphWidget(
                title="Delivery queue",
                left=[delivery.delivery_queue.metric_approximate_number_of_messages_visible(label="jobs waiting")],
                right=[delivery.delivery_queue.metric_approximate_age_of_oldest_message(label="oldest job (s)")],
                width=12,
            ),
            cloudwatch.GraphWidget(
                title="Dead letters",
                left=[
                    delivery.dead_letter_queue.metric_approximate_number_of_messages_visible(label="delivery DLQ"),
                    delivery.dispatch_failures.metric_approximate_number_of_messages_visible(label="dispatch failures"),
                ],
                right=[dispatcher_lag(delivery)],
                width=6,
            ),
            cloudwatch.GraphWidget(title="DynamoDB throttles", left=table_throttles, width=6),
        )
