"""The monitoring stack: every alarm notifies the encrypted topic and links its runbook; the dashboard
draws every metric the layer defines."""

from __future__ import annotations

import json
import re
from functools import partial
from typing import Any

import pytest
from triggers.metric_names import NAMESPACE, SERVICE_DIMENSION, MetricName
from triggers.routes import ROUTES, FunctionName, RouteSpec
from triggers.tables import TableName, physical_name

from stacks.layer_bundle import REPO_ROOT
from stacks.runbook import RUNBOOK
from tests.infrastructure.conftest import Synthesized
from tests.infrastructure.templates import statements

pytestmark = pytest.mark.xdist_group("cdk")


def alarms(synthesized: Synthesized) -> list[dict[str, Any]]:
    resources = synthesized.assembly.resources(synthesized.monitoring, "AWS::CloudWatch::Alarm").values()
    return [alarm["Properties"] for alarm in resources]


def dimensions(synthesized: Synthesized, metric: dict[str, Any]) -> dict[str, str]:
    return {d["Name"]: synthesized.assembly.render(synthesized.monitoring, d["Value"]) for d in metric["Dimensions"]}


def alarm_metrics(alarm: dict[str, Any]) -> list[dict[str, Any]]:
    """The metrics an alarm watches, directly or inside its metric math, each with its statistic as ``Stat``."""
    if "MetricName" in alarm:
        stat = alarm.get("ExtendedStatistic", alarm.get("Statistic"))
        return [{key: alarm[key] for key in ("Namespace", "MetricName", "Dimensions")} | {"Stat": stat}]
    return [
        query["MetricStat"]["Metric"] | {"Stat": query["MetricStat"]["Stat"]}
        for query in alarm["Metrics"]
        if "MetricStat" in query
    ]


def watching(
    synthesized: Synthesized, namespace: str, metric_name: str, **expected: str
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(alarm, metric) for every alarm that watches this metric with at least these dimensions."""
    return [
        (alarm, metric)
        for alarm in alarms(synthesized)
        for metric in alarm_metrics(alarm)
        if metric["Namespace"] == namespace
        and metric["MetricName"] == metric_name
        and expected.items() <= dimensions(synthesized, metric).items()
    ]


def test_alarm_topic_is_encrypted_with_a_rotating_key_cloudwatch_may_use(synthesized: Synthesized) -> None:
    (topic,) = synthesized.assembly.resources(synthesized.monitoring, "AWS::SNS::Topic").values()
    key_id = topic["Properties"]["KmsMasterKeyId"]["Fn::GetAtt"][0]
    key = synthesized.assembly.templates[synthesized.monitoring]["Resources"][key_id]["Properties"]
    assert key["EnableKeyRotation"] is True
    assert any(
        statement.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}
        and {"kms:Decrypt", "kms:GenerateDataKey*"} <= set(statement["Action"])
        for statement in statements(key["KeyPolicy"])
    )


def test_cloudwatch_alarms_of_this_account_alone_may_publish_to_the_topic(synthesized: Synthesized) -> None:
    (policy,) = synthesized.assembly.resources(synthesized.monitoring, "AWS::SNS::TopicPolicy").values()
    (topic_id,) = synthesized.assembly.resources(synthesized.monitoring, "AWS::SNS::Topic")
    (allowed,) = (
        statement
        for statement in statements(policy["Properties"]["PolicyDocument"])
        if statement["Effect"] == "Allow" and statement["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    )
    render = partial(synthesized.assembly.render, synthesized.monitoring)
    assert allowed["Action"] == "sns:Publish"
    assert allowed["Resource"] == {"Ref": topic_id}
    conditions = allowed["Condition"]
    assert render(conditions["StringEquals"]["aws:SourceAccount"]) == "${AWS::AccountId}"
    assert render(conditions["ArnLike"]["aws:SourceArn"]) == (
        "arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*"
    )
    assert policy["Properties"]["Topics"] == [{"Ref": topic_id}]


def test_alarm_topic_arn_is_an_output(synthesized: Synthesized) -> None:
    (topic_id,) = synthesized.assembly.resources(synthesized.monitoring, "AWS::SNS::Topic")
    outputs = synthesized.assembly.templates[synthesized.monitoring]["Outputs"]
    assert outputs["AlarmTopicArn"]["Value"] == {"Ref": topic_id}


def test_alarm_topic_refuses_requests_without_tls(synthesized: Synthesized) -> None:
    (policy,) = synthesized.assembly.resources(synthesized.monitoring, "AWS::SNS::TopicPolicy").values()
    assert any(
        statement["Effect"] == "Deny" and statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for statement in statements(policy["Properties"]["PolicyDocument"])
    )


def test_every_alarm_notifies_the_topic_when_it_fires_and_clears(synthesized: Synthesized) -> None:
    (topic_id,) = synthesized.assembly.resources(synthesized.monitoring, "AWS::SNS::Topic")
    for alarm in alarms(synthesized):
        assert alarm["AlarmActions"] == [{"Ref": topic_id}], alarm["AlarmName"]
        assert alarm["OKActions"] == [{"Ref": topic_id}], alarm["AlarmName"]


def test_every_alarm_links_a_runbook_section_that_exists(synthesized: Synthesized) -> None:
    runbook = (REPO_ROOT / RUNBOOK).read_text()
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', runbook))
    for _, _, resource in synthesized.assembly.all_resources("AWS::CloudWatch::Alarm"):
        alarm = resource["Properties"]
        (anchor,) = re.findall(rf"{re.escape(RUNBOOK)}#([\w-]+)", alarm["AlarmDescription"])
        assert anchor in anchors, alarm["AlarmName"]


def test_api_5xx_rate_has_an_alarm(synthesized: Synthesized) -> None:
    ((alarm, _),) = watching(synthesized, "AWS/ApiGateway", "5xx", Stage="$default")
    assert alarm["Threshold"] == synthesized.config.alarms.server_error_rate_percent
    assert any("requests" in query.get("Expression", "") for query in alarm["Metrics"])


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.route_key)
def test_route_p99_latency_has_an_alarm(synthesized: Synthesized, route: RouteSpec) -> None:
    ((alarm, metric),) = watching(synthesized, "AWS/ApiGateway", "Latency", Method=route.method, Resource=route.path)
    assert metric["Stat"] == "p99"
    assert alarm["Threshold"] == synthesized.config.alarms.p99_latency_ms


@pytest.mark.parametrize("function", FunctionName, ids=str)
@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_function_errors_and_throttles_have_alarms(
    synthesized: Synthesized, function: FunctionName, metric: str
) -> None:
    name = f"AWS::Lambda::Function {synthesized.config.prefix}-{function.value}"
    assert watching(synthesized, "AWS/Lambda", metric, FunctionName=name)


def test_any_dead_letter_raises_an_alarm(synthesized: Synthesized) -> None:
    dlq = f"AWS::SQS::Queue {synthesized.config.prefix}-delivery-dlq"
    ((alarm, _),) = watching(synthesized, "AWS/SQS", "ApproximateNumberOfMessagesVisible", QueueName=dlq)
    assert alarm["Threshold"] == 0
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"


def test_a_delivery_backlog_raises_an_alarm(synthesized: Synthesized) -> None:
    queue = f"AWS::SQS::Queue {synthesized.config.prefix}-delivery"
    ((alarm, _),) = watching(synthesized, "AWS/SQS", "ApproximateAgeOfOldestMessage", QueueName=queue)
    assert alarm["Threshold"] == synthesized.config.alarms.oldest_delivery_message_age.to_seconds()


def test_a_dispatcher_falling_behind_the_stream_raises_an_alarm(synthesized: Synthesized) -> None:
    dispatcher = f"AWS::Lambda::Function {synthesized.config.prefix}-dispatcher"
    ((alarm, _),) = watching(synthesized, "AWS/Lambda", "IteratorAge", FunctionName=dispatcher)
    assert alarm["Threshold"] == synthesized.config.alarms.dispatch_lag.to_milliseconds()


def test_any_stream_batch_the_dispatcher_gave_up_on_raises_an_alarm(synthesized: Synthesized) -> None:
    failures = f"AWS::SQS::Queue {synthesized.config.prefix}-dispatch-failures"
    ((alarm, _),) = watching(synthesized, "AWS/SQS", "ApproximateNumberOfMessagesVisible", QueueName=failures)
    assert alarm["Threshold"] == 0
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"


@pytest.mark.parametrize("table", TableName, ids=str)
@pytest.mark.parametrize("metric", ["ReadThrottleEvents", "WriteThrottleEvents"])
def test_dynamodb_throttles_have_an_alarm_per_table(synthesized: Synthesized, table: TableName, metric: str) -> None:
    name = f"AWS::DynamoDB::Table {physical_name(synthesized.config.prefix, table)}"
    assert watching(synthesized, "AWS/DynamoDB", metric, TableName=name)


def test_a_spike_of_authorizer_denials_raises_an_alarm(synthesized: Synthesized) -> None:
    ((alarm, _),) = watching(synthesized, NAMESPACE, MetricName.AUTH_DENIALS, service=SERVICE_DIMENSION)
    assert alarm["Threshold"] == synthesized.config.alarms.auth_denials


def test_dashboard_draws_every_metric_the_layer_defines(synthesized: Synthesized) -> None:
    (dashboard,) = synthesized.assembly.resources(synthesized.monitoring, "AWS::CloudWatch::Dashboard").values()
    body = json.loads(synthesized.assembly.render(synthesized.monitoring, dashboard["Properties"]["DashboardBody"]))
    drawn = {
        tuple(metric[:4])
        for widget in body["widgets"]
        for metric in widget["properties"].get("metrics", [])
        if metric[0] == NAMESPACE
    }
    assert drawn == {(NAMESPACE, name.value, "service", SERVICE_DIMENSION) for name in MetricName}
