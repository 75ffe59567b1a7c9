"""Every micro-function: built the same way, settings that validate, and only the grants its work needs."""

from __future__ import annotations

import pytest
from triggers.metric_names import NAMESPACE
from triggers.routes import FunctionName
from triggers.settings import (
    AckSettings,
    AuthorizerSettings,
    DispatcherSettings,
    FunctionSettings,
    InboxSettings,
    IngestSettings,
    KeysSettings,
    SubscriptionsSettings,
    WorkerSettings,
)

from stacks.layer_bundle import PYTHON_VERSION
from tests.infrastructure.conftest import Synthesized
from tests.infrastructure.functions import RETENTION_DAYS, alias_of, function_of, grants, role_statements
from tests.infrastructure.templates import as_list

pytestmark = pytest.mark.xdist_group("cdk")

SETTINGS_MODELS: dict[FunctionName, type[FunctionSettings]] = {
    FunctionName.AUTHORIZER: AuthorizerSettings,
    FunctionName.HEALTH: FunctionSettings,
    FunctionName.INGEST: IngestSettings,
    FunctionName.INBOX: InboxSettings,
    FunctionName.ACK: AckSettings,
    FunctionName.KEYS: KeysSettings,
    FunctionName.SUBSCRIPTIONS: SubscriptionsSettings,
    FunctionName.DISPATCHER: DispatcherSettings,
    FunctionName.WORKER: WorkerSettings,
}
# DynamoDB actions each function may call, by table, index or stream: nothing more, nothing less.
EXPECTED_DYNAMODB_GRANTS: dict[FunctionName, dict[str, set[str]]] = {
    FunctionName.AUTHORIZER: {"api-keys": {"GetItem", "UpdateItem"}},  # UpdateItem: last_used_at, hourly
    FunctionName.HEALTH: {},
    FunctionName.INGEST: {
        "events": {"PutItem", "BatchWriteItem"},
        "rate-limits": {"UpdateItem"},
        "idempotency": {"GetItem", "PutItem", "UpdateItem", "DeleteItem"},
    },
    # An event and its delivery attempts are read with one Query.
    FunctionName.INBOX: {"events": {"Query"}, "events/index/inbox": {"Query"}, "stats": {"Query"}},
    FunctionName.ACK: {
        # Erasing an event deletes its attempt records too: found by Query, deleted in batches.
        "events": {"UpdateItem", "DeleteItem", "Query", "BatchWriteItem"},
        "audit": {"PutItem"},
    },
    FunctionName.KEYS: {
        # Create and revoke are transactions with the tenant's key counter; revoke reads the key first.
        "api-keys": {"PutItem", "UpdateItem", "GetItem"},
        "api-keys/index/by-tenant": {"Query"},
        "audit": {"PutItem", "Query"},
    },
    FunctionName.SUBSCRIPTIONS: {
        "subscriptions": {"PutItem", "GetItem", "Query", "UpdateItem", "DeleteItem"},
        "rate-limits": {"UpdateItem"},  # test sends per tenant
        "audit": {"PutItem"},
        # Recovery: re-expecting an event (UpdateItem) and counting its attempts (Query); attempts listing.
        "events": {"UpdateItem", "Query"},
        "events/index/attempts-by-subscription": {"Query"},
    },
    FunctionName.DISPATCHER: {
        "events": {"UpdateItem", "PutItem"},  # PutItem: skipped attempts for disabled subscriptions
        "stats": {"UpdateItem"},  # one aggregated write per tenant and bucket per stream batch
        "subscriptions": {"Query"},
        # What the stream's event source mapping needs; ListStreams has no resource-level permissions.
        "events.StreamArn": {"DescribeStream", "GetRecords", "GetShardIterator"},
        "*": {"ListStreams"},
    },
    FunctionName.WORKER: {"events": {"Query", "PutItem", "UpdateItem"}, "subscriptions": {"GetItem", "UpdateItem"}},
}
SEND = {"SendMessage"}
EXPECTED_SQS_GRANTS: dict[FunctionName, dict[str, set[str]]] = {
    FunctionName.DISPATCHER: {"delivery": SEND, "dispatch-failures": SEND | {"GetQueueAttributes", "GetQueueUrl"}},
    FunctionName.SUBSCRIPTIONS: {"delivery": SEND},  # a recovery queues deliveries
    FunctionName.WORKER: {
        # SendMessage: a wait longer than SQS can hide a message goes back as a new one carrying its due time.
        "delivery": {"ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "GetQueueAttributes", "GetQueueUrl"}
        | SEND,
        "delivery-dlq": SEND,
    },
}
WRITE_ACTIONS = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"}


@pytest.mark.parametrize("function", FunctionName, ids=str)
def test_function_is_built_the_same_way_as_every_other(synthesized: Synthesized, function: FunctionName) -> None:
    stack, _, resource = function_of(synthesized, function)
    properties = resource["Properties"]
    config = synthesized.config

    assert properties["Runtime"] == f"python{PYTHON_VERSION}"
    assert properties["Architectures"] == ["arm64"]
    assert properties["Handler"] == "handler.lambda_handler"
    assert properties["TracingConfig"] == {"Mode": "Active"}
    layers = [synthesized.assembly.render(stack, layer) for layer in properties["Layers"]]
    assert layers == [f"AWS::Lambda::LayerVersion {config.prefix}-common"]
    log_group = synthesized.assembly.templates[stack]["Resources"][properties["LoggingConfig"]["LogGroup"]["Ref"]]
    assert log_group["Properties"]["RetentionInDays"] == RETENTION_DAYS[config.log_retention]
    assert log_group["Properties"]["LogGroupName"] == f"/aws/lambda/{properties['FunctionName']}"
    variables = properties["Environment"]["Variables"]
    assert variables["POWERTOOLS_SERVICE_NAME"] == f"triggers-api-{function.value}"
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == NAMESPACE
    assert variables["POWERTOOLS_LOG_LEVEL"] == config.log_level


@pytest.mark.parametrize("function", FunctionName, ids=str)
def test_function_environment_validates_against_its_settings_model(
    synthesized: Synthesized, function: FunctionName
) -> None:
    stack, _, resource = function_of(synthesized, function)
    model = SETTINGS_MODELS[function]
    settings = {
        name.lower(): synthesized.assembly.render(stack, value)  # queue URLs are references until deploy
        for name, value in resource["Properties"]["Environment"]["Variables"].items()
        if not name.startswith("POWERTOOLS_")
    }

    assert set(settings) <= set(model.model_fields), "an unknown variable would be ignored"
    model.model_validate(settings)


@pytest.mark.parametrize("function", FunctionName, ids=str)
def test_function_settings_name_resources_that_exist(synthesized: Synthesized, function: FunctionName) -> None:
    stack, _, resource = function_of(synthesized, function)
    data = synthesized.assembly
    tables = {
        table["Properties"]["TableName"] for table in data.resources(synthesized.data, "AWS::DynamoDB::Table").values()
    }
    (secret,) = data.resources(synthesized.data, "AWS::SecretsManager::Secret").values()
    for name, value in resource["Properties"]["Environment"]["Variables"].items():
        if name.endswith("_TABLE"):
            assert value in tables, name
        elif name == "CURSOR_SECRET_NAME":
            assert value == secret["Properties"]["Name"]
        elif name.endswith("_QUEUE_URL"):
            assert synthesized.assembly.render(stack, value).startswith("AWS::SQS::Queue "), name


def test_every_function_has_a_role_of_its_own(synthesized: Synthesized) -> None:
    roles = [function_of(synthesized, f)[2]["Properties"]["Role"]["Fn::GetAtt"][0] for f in FunctionName]
    assert len(set(roles)) == len(roles)


@pytest.mark.parametrize("function", FunctionName, ids=str)
def test_function_gets_exactly_the_dynamodb_grants_its_work_needs(
    synthesized: Synthesized, function: FunctionName
) -> None:
    assert grants(synthesized, function, "dynamodb") == EXPECTED_DYNAMODB_GRANTS[function]


@pytest.mark.parametrize("function", FunctionName, ids=str)
def test_function_gets_exactly_the_queue_grants_its_work_needs(
    synthesized: Synthesized, function: FunctionName
) -> None:
    assert grants(synthesized, function, "sqs") == EXPECTED_SQS_GRANTS.get(function, {})


def test_ingest_cannot_delete_or_overwrite_stored_events(synthesized: Synthesized) -> None:
    assert not grants(synthesized, FunctionName.INGEST, "dynamodb")["events"] & {"DeleteItem", "UpdateItem"}


def test_inbox_cannot_write_anything(synthesized: Synthesized) -> None:
    for actions in grants(synthesized, FunctionName.INBOX, "dynamodb").values():
        assert not actions & WRITE_ACTIONS


@pytest.mark.parametrize("function", FunctionName, ids=str)
def test_function_cannot_use_the_keys_for_its_own_encryption(synthesized: Synthesized, function: FunctionName) -> None:
    """Key use goes through DynamoDB, SQS or Secrets Manager; only reading needs no named service
    (CDK's grants for the event sources: the stream and the delivery queue)."""
    stack, found = role_statements(synthesized, function)
    for statement in found:
        actions = {action for action in as_list(statement["Action"]) if action.startswith("kms:")}
        if not actions:
            continue
        via = statement.get("Condition", {}).get("StringEquals", {}).get("kms:ViaService")
        if via is None:
            assert actions <= {"kms:Decrypt", "kms:DescribeKey"}
            continue
        service = synthesized.assembly.render(stack, via).split(".")[0]
        assert service in {"dynamodb", "sqs", "secretsmanager"}
        assert actions <= {"kms:Decrypt", "kms:DescribeKey"} | ({"kms:GenerateDataKey"} if service == "sqs" else set())


@pytest.mark.parametrize("function", FunctionName, ids=str)
def test_only_the_paging_functions_read_the_cursor_secret(synthesized: Synthesized, function: FunctionName) -> None:
    secret_grants = grants(synthesized, function, "secretsmanager")
    paging = {FunctionName.INBOX, FunctionName.KEYS, FunctionName.SUBSCRIPTIONS}  # events, audit, attempts
    expected = {"cursor-signing-key": {"GetSecretValue"}} if function in paging else {}
    assert {name.split(" ")[-1]: actions for name, actions in secret_grants.items()} == expected


@pytest.mark.parametrize("function", FunctionName, ids=str)
def test_function_may_write_only_its_own_logs(synthesized: Synthesized, function: FunctionName) -> None:
    _, _, resource = function_of(synthesized, function)
    expected = {f"/aws/lambda/{resource['Properties']['FunctionName']}": {"CreateLogStream", "PutLogEvents"}}
    assert grants(synthesized, function, "logs") == expected


@pytest.mark.parametrize("function", FunctionName, ids=str)
def test_function_reserves_the_concurrency_its_environment_gives_it(
    synthesized: Synthesized, function: FunctionName
) -> None:
    _, _, resource = function_of(synthesized, function)
    reserved = synthesized.config.concurrency.reserved.get(function)
    assert resource["Properties"].get("ReservedConcurrentExecutions") == reserved


def test_the_request_path_reserves_concurrency(synthesized: Synthesized) -> None:
    for function in (FunctionName.AUTHORIZER, FunctionName.INGEST):
        assert function_of(synthesized, function)[2]["Properties"]["ReservedConcurrentExecutions"] > 0


@pytest.mark.parametrize("function", FunctionName, ids=str)
def test_live_alias_points_at_a_published_version_of_the_function(
    synthesized: Synthesized, function: FunctionName
) -> None:
    stack, function_id, _ = function_of(synthesized, function)
    _, _, alias = alias_of(synthesized, function)
    version_id = alias["Properties"]["FunctionVersion"]["Fn::GetAtt"][0]
    version = synthesized.assembly.templates[stack]["Resources"][version_id]
    assert alias["Properties"]["Name"] == "live"
    assert version["Type"] == "AWS::Lambda::Version"
    assert version["Properties"]["FunctionName"] == {"Ref": function_id}


@pytest.mark.parametrize("function", FunctionName, ids=str)
def test_codedeploy_shifts_the_alias_and_rolls_back_on_the_new_versions_alarms(
    synthesized: Synthesized, function: FunctionName
) -> None:
    stack, _, alias = alias_of(synthesized, function)
    resources = synthesized.assembly.templates[stack]["Resources"]
    group_id = alias["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]["DeploymentGroupName"]["Ref"]
    group = resources[group_id]["Properties"]
    name = f"{synthesized.config.prefix}-{function.value}"

    assert group["DeploymentGroupName"] == name
    assert group["DeploymentConfigName"] == synthesized.config.deployment.deployment_config_name
    assert set(group["AutoRollbackConfiguration"]["Events"]) == {"DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"}
    assert group["AlarmConfiguration"]["Enabled"] is True
    alarms = [resources[alarm["Name"]["Ref"]]["Properties"] for alarm in group["AlarmConfiguration"]["Alarms"]]
    watched = {(alarm["MetricName"], alarm.get("ExtendedStatistic", alarm.get("Statistic"))) for alarm in alarms}
    assert watched == {("Errors", "Sum"), ("Duration", "p99")}
    for alarm in alarms:
        # Only the version the alias is moving to: a fault of the old one must not block its fix.
        dimensions = {d["Name"]: synthesized.assembly.render(stack, d["Value"]) for d in alarm["Dimensions"]}
        assert dimensions == {
            "FunctionName": f"AWS::Lambda::Function {name}",
            "Resource": f"AWS::Lambda::Function {name}:live",
            "ExecutedVersion": synthesized.assembly.render(stack, alias["Properties"]["FunctionVersion"]),
        }
        assert alarm["Period"] == 60
        assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    errors = next(alarm for alarm in alarms if alarm["MetricName"] == "Errors")
    assert errors["Threshold"] == synthesized.config.alarms.function_errors


@pytest.mark.parametrize("function", [FunctionName.AUTHORIZER, FunctionName.INGEST, FunctionName.INBOX], ids=str)
def test_a_request_path_release_must_keep_within_the_routes_p99_budget(
    synthesized: Synthesized, function: FunctionName
) -> None:
    stack, _, _ = function_of(synthesized, function)
    durations = [
        alarm["Properties"]
        for alarm in synthesized.assembly.resources(stack, "AWS::CloudWatch::Alarm").values()
        if alarm["Properties"]["MetricName"] == "Duration"
        and alarm["Properties"]["AlarmName"].startswith(f"{synthesized.config.prefix}-{function.value} ")
    ]
    assert [alarm["Threshold"] for alarm in durations] == [synthesized.config.alarms.p99_latency_ms]


@pytest.mark.parametrize("function", FunctionName, ids=str)
def test_snap_start_follows_the_environment_on_the_versions_the_alias_serves(
    synthesized: Synthesized, function: FunctionName
) -> None:
    """On in prod, off elsewhere; it restores published versions only, which is what every alias (and so the
    API, the event sources and the release alarms, tested above) serves."""
    _, _, resource = function_of(synthesized, function)
    expected = {"ApplyOn": "PublishedVersions"} if synthesized.config.snap_start else None
    assert resource["Properties"].get("SnapStart") == expected
    assert (synthesized.config.name == "prod") == synthesized.config.snap_start
    # SnapStart for Python needs 3.12 or later, and no ephemeral storage above 512 MB.
    runtime = resource["Properties"]["Runtime"]
    assert tuple(int(part) for part in runtime.removeprefix("python").split(".")) >= (3, 12)
    assert resource["Properties"].get("EphemeralStorage", {"Size": 512})["Size"] <= 512


@pytest.mark.parametrize("function", FunctionName, ids=str)
def test_lambda_filters_logs_by_the_environments_levels(synthesized: Synthesized, function: FunctionName) -> None:
    _, _, resource = function_of(synthesized, function)
    logging = resource["Properties"]["LoggingConfig"]
    assert logging["LogFormat"] == "JSON"
    assert logging["ApplicationLogLevel"] == synthesized.config.log_level
    # prod drops the platform's START, END and REPORT lines (two invocations per request); not its errors.
    assert logging["SystemLogLevel"] == ("WARN" if synthesized.config.name == "prod" else "INFO")
